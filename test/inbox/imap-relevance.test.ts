import type { FetchMessageObject } from 'imapflow';
import { describe, expect, it } from 'vitest';
import {
  type HeaderSummary,
  lookupKeys,
  mayConcernKith,
  type RelevanceIndex,
  summarizeHeaders,
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
    receivedAt: null,
    messageId: 'x@y',
    subject: 's',
    from: ['stranger@else.example'],
    recipients: ['owner@example.org'],
    others: [],
    threadIds: ['x@y'],
    isDeliveryReport: false,
    hasCalendarPart: false,
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
  const fetched = (over: Partial<FetchMessageObject>): FetchMessageObject => ({
    seq: 1,
    uid: 7,
    size: 2048,
    envelope: {
      messageId: '<m1@contact.example>',
      inReplyTo: '<o1@example.org>',
      subject: 'Re: hi',
      from: [{ name: 'Ana', address: 'Ana@Contact.Example' }],
      sender: [{ name: 'Ana', address: 'Ana@Contact.Example' }],
      replyTo: [{ address: 'Ana@Contact.Example' }],
      to: [{ address: 'owner@example.org' }],
      cc: [],
      bcc: [],
    },
    headers: Buffer.from(
      'References: <o0@example.org>\r\n <o1@example.org>\r\nContent-Type: text/plain\r\n\r\n',
    ),
    bodyStructure: { type: 'text/plain' },
    ...over,
  });

  it('reads addresses (lower-case), thread ids and size; Sender/Reply-To equal to From are dropped', () => {
    const s = summarizeHeaders(fetched({}));
    expect(s).toMatchObject({
      uid: 7,
      size: 2048,
      messageId: 'm1@contact.example',
      from: ['ana@contact.example'],
      recipients: ['owner@example.org'],
      others: [],
      isDeliveryReport: false,
      hasCalendarPart: false,
    });
    expect(s.threadIds).toEqual([
      'm1@contact.example',
      'o1@example.org',
      'o0@example.org',
      'o1@example.org',
    ]);
    expect(lookupKeys([s]).ids).toEqual(['m1@contact.example', 'o1@example.org', 'o0@example.org']);
  });

  it('finds calendar parts and delivery reports in the BODYSTRUCTURE and headers', () => {
    const invite = summarizeHeaders(
      fetched({
        bodyStructure: {
          type: 'multipart/mixed',
          childNodes: [
            { type: 'text/plain' },
            {
              type: 'application/octet-stream',
              disposition: 'attachment',
              dispositionParameters: { filename: 'invite.ICS' },
            },
          ],
        },
      }),
    );
    expect(invite.hasCalendarPart).toBe(true);
    const report = summarizeHeaders(
      fetched({
        headers: Buffer.from(
          'Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="x"\r\n\r\n',
        ),
      }),
    );
    expect(report.isDeliveryReport).toBe(true);
    const daemon = summarizeHeaders(
      fetched({
        envelope: { from: [{ address: 'MAILER-DAEMON@mx.example' }] },
        headers: Buffer.from(''),
      }),
    );
    expect(daemon.isDeliveryReport).toBe(true);
  });
});
