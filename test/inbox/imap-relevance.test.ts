import type { FetchMessageObject } from 'imapflow';
import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import {
  type HeaderSummary,
  lookupKeys,
  mayConcernKith,
  mayHideCalendarPart,
  type RelevanceIndex,
  summarizeHeaders,
  withStructure,
} from '../../src/inbox/imap-relevance.js';

const index: RelevanceIndex = {
  isOwner: (a) => a === 'owner@example.org',
  isServiceAddress: (a) => a === 'owner+kith@example.org',
  isKnownAddress: (a) => a === 'ana@contact.example',
  isKnownMessageId: (id) => id === 'known@example.org',
};

function summary(over: Partial<HeaderSummary>): HeaderSummary {
  return {
    uid: 1,
    size: 100,
    messageId: 'x@y',
    subject: 's',
    from: ['stranger@else.example'],
    recipients: ['owner@example.org'],
    others: [],
    threadIds: ['x@y'],
    isDeliveryReport: false,
    hasCalendarPart: false,
    isMultipart: false,
    isBulk: false,
    ...over,
  };
}

const inbox = { isSent: false };
const sent = { isSent: true };

describe('mayConcernKith', () => {
  it('skips a stranger’s mail outside known threads', () => {
    expect(mayConcernKith(summary({}), index, inbox)).toBe(false);
  });

  it('wants mail from, to or replying-to-via a known contact', () => {
    expect(mayConcernKith(summary({ from: ['ana@contact.example'] }), index, inbox)).toBe(true);
    expect(mayConcernKith(summary({ recipients: ['ana@contact.example'] }), index, sent)).toBe(
      true,
    );
    expect(mayConcernKith(summary({ others: ['ana@contact.example'] }), index, inbox)).toBe(true);
  });

  it('wants mail in a known thread, delivery reports and invites', () => {
    expect(mayConcernKith(summary({ threadIds: ['x@y', 'known@example.org'] }), index, inbox)).toBe(
      true,
    );
    expect(mayConcernKith(summary({ isDeliveryReport: true }), index, inbox)).toBe(true);
    expect(mayConcernKith(summary({ hasCalendarPart: true }), index, inbox)).toBe(true);
  });

  it('wants the owner’s mail in INBOX (a BCC copy) but in Sent only when kith was addressed', () => {
    const own = summary({ from: ['owner@example.org'], recipients: ['friend@else.example'] });
    expect(mayConcernKith(own, index, inbox)).toBe(true);
    expect(mayConcernKith(own, index, sent)).toBe(false);
    expect(
      mayConcernKith(
        { ...own, recipients: ['friend@else.example', 'owner+kith@example.org'] },
        index,
        sent,
      ),
    ).toBe(true);
  });
});

describe('summarizeHeaders', () => {
  const HEAD = [
    'From: Ana <Ana@Contact.Example>',
    'Sender: Ana <ana@contact.example>',
    'Reply-To: =?UTF-8?Q?Ana_L=C3=ADma?= <Ana@Contact.Example>, Desk <desk@contact.example>',
    'To: "Owner, Sam" <owner@example.org>',
    'Cc: team: bo@else.example, Cy <cy@else.example>;',
    'Message-ID: <m1@contact.example>',
    'In-Reply-To: <o1@example.org>',
    'References: <o0@example.org>',
    ' <o1@example.org>',
    'Subject: =?UTF-8?B?UmU6IGNhZsOp?=',
    'Content-Type: text/plain',
  ];
  const fetched = (
    lines: string[],
    over: Partial<FetchMessageObject> = {},
  ): FetchMessageObject => ({
    seq: 1,
    uid: 7,
    size: 2048,
    headers: Buffer.from(`${lines.join('\r\n')}\r\n\r\n`),
    ...over,
  });

  it('reads addresses (lower-case, groups opened), thread ids, subject and size; Sender/Reply-To equal to From are dropped', () => {
    const s = summarizeHeaders(fetched(HEAD));
    expect(s).toMatchObject({
      uid: 7,
      size: 2048,
      messageId: 'm1@contact.example',
      subject: 'Re: café',
      from: ['ana@contact.example'],
      recipients: ['owner@example.org', 'bo@else.example', 'cy@else.example'],
      others: ['desk@contact.example'],
      isDeliveryReport: false,
      hasCalendarPart: false,
      isMultipart: false,
      isBulk: false,
    });
    expect(s.threadIds).toEqual([
      'm1@contact.example',
      'o1@example.org',
      'o0@example.org',
      'o1@example.org',
    ]);
    expect(lookupKeys([s]).ids).toEqual(['m1@contact.example', 'o1@example.org', 'o0@example.org']);
  });

  it('reads each form of address header as addressparser does', () => {
    const values = [
      'ana@x.example',
      '<Ana@X.Example>',
      'Ana Lima <Ana@X.Example>',
      '=?UTF-8?Q?Ana_L=C3=ADma?= <ana@x.example>',
      '"Lima, Ana" <ana@x.example>',
      "Ana O'Brien <ana@x.example>",
      'ana@x.example (Ana at work)',
      'Ana <ana@x.example>, Bo <bo@y.example>',
      'team: bo@y.example, cy@z.example;',
      'undisclosed-recipients:;',
      'Ana <ana@x.example> (work)',
      '  ana@x.example  ',
    ];
    for (const value of values) {
      const expected = addressparser(value, { flatten: true })
        .map((a) => a.address.trim().toLowerCase())
        .filter((a) => a.includes('@'));
      expect(summarizeHeaders(fetched([`From: ${value}`])).from, value).toEqual(expected);
    }
  });

  it('finds delivery reports in the headers, and calendar and report parts in the BODYSTRUCTURE', () => {
    const report = summarizeHeaders(
      fetched([
        'From: mail@mx.example',
        'Content-Type: multipart/report; report-type=delivery-status;',
        ' boundary="x"',
      ]),
    );
    expect(report.isDeliveryReport).toBe(true);
    expect(summarizeHeaders(fetched(['From: MAILER-DAEMON@mx.example'])).isDeliveryReport).toBe(
      true,
    );
    expect(
      summarizeHeaders(fetched(['From: a@b.example', 'X-Failed-Recipients: c@d.example']))
        .isDeliveryReport,
    ).toBe(true);

    const mixed = summarizeHeaders(
      fetched(['From: a@b.example', 'Content-Type: multipart/mixed; boundary="b"']),
    );
    expect(mixed.hasCalendarPart).toBe(false);
    const invite = withStructure(mixed, {
      type: 'multipart/mixed',
      childNodes: [
        { type: 'text/plain' },
        {
          type: 'application/octet-stream',
          disposition: 'attachment',
          dispositionParameters: { filename: 'invite.ICS' },
        },
      ],
    });
    expect(invite.hasCalendarPart).toBe(true);
    expect(
      withStructure(mixed, {
        type: 'multipart/mixed',
        childNodes: [{ type: 'text/plain' }, { type: 'message/delivery-status' }],
      }).isDeliveryReport,
    ).toBe(true);
    // Asked for in the same FETCH, the structure is read at once.
    expect(
      summarizeHeaders(
        fetched(['From: a@b.example', 'Content-Type: multipart/alternative; boundary="b"'], {
          bodyStructure: {
            type: 'multipart/alternative',
            childNodes: [{ type: 'text/plain' }, { type: 'TEXT/CALENDAR' }],
          },
        }),
      ).hasCalendarPart,
    ).toBe(true);
    expect(
      summarizeHeaders(
        fetched(['From: a@b.example', 'Content-Type: text/calendar; method=REQUEST']),
      ).hasCalendarPart,
    ).toBe(true);
  });

  it('asks for the BODYSTRUCTURE only of multipart mail that is not bulk', () => {
    const multipart = ['From: a@b.example', 'Content-Type: multipart/mixed; boundary="b"'];
    expect(mayHideCalendarPart(summarizeHeaders(fetched(multipart)))).toBe(true);
    expect(mayHideCalendarPart(summarizeHeaders(fetched(['From: a@b.example'])))).toBe(false);
    for (const bulk of [
      'List-Id: <news.example>',
      'List-Unsubscribe: <https://news.example/u>',
      'Precedence: bulk',
      'Precedence: list',
    ]) {
      const s = summarizeHeaders(fetched([...multipart, bulk]));
      expect(s.isBulk, bulk).toBe(true);
      expect(mayHideCalendarPart(s), bulk).toBe(false);
    }
    expect(summarizeHeaders(fetched([...multipart, 'Precedence: first-class'])).isBulk).toBe(false);
  });
});
