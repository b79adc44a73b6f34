import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { getSyncState, saveSyncState } from '../../src/db/inbox-queries.js';
import type { DraftCommandRequest } from '../../src/inbox/ingest.js';
import { describeOutcome } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { makeSignedMessageId } from '../../src/outbox/message-id.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail, ics, newMessageId } from './build-mail.js';
import {
  awayUntil,
  captureLogger,
  counts,
  OWNER,
  SECRET,
  SERVICE,
  stageOf,
  testConfig,
  testDb,
  testIngester,
} from './ingest-helpers.js';

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(extra: Parameters<typeof testIngester>[1] = {}) {
  const db = await testDb(tempDir());
  const made = testIngester(db, extra);
  cleanups.push(async () => {
    await db.destroy();
  });
  return { db, ...made };
}

const at = { receivedAt: new Date('2026-12-01T10:00:00Z') };
const source = (label: string) => ({ label, ...at });
const raw = (text: string) => Buffer.from(text);

function outreach(to: readonly string[], id = newMessageId('example.org')) {
  return {
    id,
    mail: buildMail({
      from: `Sam Owner <${OWNER}>`,
      to,
      bcc: [SERVICE],
      subject: 'Quick question about data engineering',
      messageId: id,
      text: 'Hi, I am exploring data engineering. Would you have 20 minutes for a chat? Thanks, Sam',
    }),
  };
}

async function history(db: Db, address: string) {
  return db
    .selectFrom('stage_history')
    .innerJoin('contact_emails', 'contact_emails.contact_id', 'stage_history.contact_id')
    .select(['from_stage', 'to_stage', 'cause'])
    .where('contact_emails.address', '=', address)
    .orderBy('stage_history.id')
    .execute();
}

describe('ingest: outreach and dedupe', () => {
  it('creates a contact per recipient, moves them to contacted and counts the Sent copy once', async () => {
    const { db, ingester } = await setup();
    const { id, mail } = outreach(['Ana Lima <ana@contact.example>', 'bo@contact.example']);
    const first = await ingester.ingest(raw(mail), source('imap:INBOX:1'));
    expect(first).toMatchObject({
      status: 'stored',
      classification: 'owner_outreach',
      kind: 'outreach',
    });
    expect(await stageOf(db, 'ana@contact.example')).toBe('contacted');
    expect(await stageOf(db, 'bo@contact.example')).toBe('contacted');
    const before = await counts(db);
    expect(before).toMatchObject({ messages: 1, contacts: 2 });

    const second = await ingester.ingest(raw(mail), source('imap:Sent:1'));
    expect(second).toEqual({ status: 'duplicate', messageId: id });
    expect(await counts(db)).toEqual(before);
    const name = await db
      .selectFrom('contacts')
      .select('name')
      .where('name', '=', 'Ana Lima')
      .executeTakeFirst();
    expect(name).toBeDefined();
    expect(describeOutcome(first)).toMatch(
      /outreach · Ana Lima <ana@contact.example>, bo@contact.example · .*prospect → contacted/,
    );
  });

  it('matches a recipient who already is a contact instead of creating one', async () => {
    const { db, ingester } = await setup();
    await ingester.ingest(raw(outreach(['ana@contact.example']).mail), source('a'));
    await ingester.ingest(
      raw(outreach(['ANA@Contact.Example', 'new@contact.example']).mail),
      source('b'),
    );
    expect((await counts(db)).contacts).toBe(2);
  });

  it('stores nothing for unrelated mail', async () => {
    const { db, ingester } = await setup();
    const outcome = await ingester.ingest(
      raw(buildMail({ from: 'news@shop.example', to: [OWNER], subject: 'Sale!', text: 'Buy now' })),
      source('x'),
    );
    expect(outcome.status).toBe('unrelated');
    expect(await counts(db)).toEqual({
      messages: 0,
      contacts: 0,
      history: 0,
      quarantine: 0,
      meetings: 0,
    });
  });
});

describe('ingest: replies', () => {
  it('moves a contact to replied and keeps only the new text of the reply', async () => {
    const { db, ingester } = await setup();
    const o = outreach(['ana@contact.example']);
    await ingester.ingest(raw(o.mail), source('a'));
    const reply = buildMail({
      from: 'Ana Lima <ana@contact.example>',
      to: [OWNER],
      subject: 'Re: Quick question about data engineering',
      inReplyTo: o.id,
      references: [o.id],
      text: 'Happy to help, let me know what you would like to cover.\n\nOn Mon, Nov 30, 2026 at 9:00 AM Sam Owner <owner@example.org> wrote:\n> Hi, I am exploring data engineering.',
    });
    const outcome = await ingester.ingest(raw(reply), source('b'));
    expect(outcome).toMatchObject({
      status: 'stored',
      classification: 'contact_reply',
      kind: 'reply',
    });
    expect(await stageOf(db, 'ana@contact.example')).toBe('replied');
    const stored = await db
      .selectFrom('messages')
      .select(['text', 'thread_id'])
      .where('kind', '=', 'reply')
      .executeTakeFirstOrThrow();
    expect(stored.text).toContain('Happy to help');
    expect(stored.text).not.toContain('exploring data engineering');
    const outreachRow = await db
      .selectFrom('messages')
      .select('thread_id')
      .where('kind', '=', 'outreach')
      .executeTakeFirstOrThrow();
    expect(stored.thread_id).toBe(outreachRow.thread_id);
  });

  it('declines with the deciding sentence in the history', async () => {
    const { db, ingester } = await setup();
    const o = outreach(['ana@contact.example']);
    await ingester.ingest(raw(o.mail), source('a'));
    const reply = buildMail({
      from: 'ana@contact.example',
      to: [OWNER],
      subject: 'Re: Quick question about data engineering',
      inReplyTo: o.id,
      text: 'Thanks for reaching out. Unfortunately I am not the right person for this.\n\nBest, Ana',
    });
    expect(await ingester.ingest(raw(reply), source('b'))).toMatchObject({ kind: 'decline' });
    expect(await stageOf(db, 'ana@contact.example')).toBe('declined');
    const last = (await history(db, 'ana@contact.example')).at(-1);
    expect(last?.cause).toContain('not the right person');
  });

  it('stores a proposed time, and the owner accepting it schedules the meeting', async () => {
    const { db, ingester } = await setup();
    const o = outreach(['ana@contact.example']);
    await ingester.ingest(raw(o.mail), source('a'));
    const replyId = newMessageId('contact.example');
    await ingester.ingest(
      raw(
        buildMail({
          from: 'ana@contact.example',
          to: [OWNER],
          subject: 'Re: Quick question about data engineering',
          inReplyTo: o.id,
          messageId: replyId,
          date: 'Tue, 01 Dec 2026 10:00:00 +0100',
          text: 'Sure! Does Thursday at 2pm work for you? https://meet.google.com/abc-defg-hij',
        }),
      ),
      source('b'),
    );
    const proposed = await db.selectFrom('meetings').selectAll().execute();
    expect(proposed).toHaveLength(1);
    expect(proposed[0]).toMatchObject({
      status: 'proposed',
      starts_at: '2026-12-03T13:00:00.000Z',
      mode: 'video',
    });
    expect(await stageOf(db, 'ana@contact.example')).toBe('replied');

    const accept = await ingester.ingest(
      raw(
        buildMail({
          from: OWNER,
          to: ['ana@contact.example'],
          subject: 'Re: Quick question about data engineering',
          inReplyTo: replyId,
          date: 'Tue, 01 Dec 2026 11:00:00 +0100',
          text: 'Thursday 2pm works great, talk then!',
        }),
      ),
      source('c'),
    );
    expect(accept).toMatchObject({ classification: 'owner_reply' });
    expect(await stageOf(db, 'ana@contact.example')).toBe('scheduled');
    expect(
      (await db.selectFrom('meetings').select('status').execute()).map((m) => m.status),
    ).toEqual(['confirmed']);
  });
});

describe('ingest: calendar', () => {
  const invite = (method: string, sequence: number, day = '03') =>
    buildMail({
      from: 'ana@contact.example',
      to: [OWNER],
      subject: `${method === 'CANCEL' ? 'Cancelled' : 'Invitation'}: Coffee chat`,
      text: 'Calendar',
      parts: [
        {
          headers: `Content-Type: text/calendar; charset=utf-8; method=${method}`,
          body: ics({
            method,
            uid: 'chat-1@contact.example',
            sequence,
            start: `202612${day}T130000Z`,
            end: `202612${day}T133000Z`,
            organizer: 'ana@contact.example',
            attendees: [
              { address: OWNER },
              { address: 'ana@contact.example', partstat: 'ACCEPTED' },
            ],
            location: 'https://zoom.us/j/123456789',
          }),
        },
      ],
    });

  it('confirms on REQUEST, cancels on a newer CANCEL and ignores an older update', async () => {
    const { db, ingester } = await setup();
    await ingester.ingest(raw(outreach(['ana@contact.example']).mail), source('a'));
    expect(await ingester.ingest(raw(invite('REQUEST', 0)), source('b'))).toMatchObject({
      kind: 'invite',
    });
    expect(await stageOf(db, 'ana@contact.example')).toBe('scheduled');
    const meeting = await db.selectFrom('meetings').selectAll().executeTakeFirstOrThrow();
    expect(meeting).toMatchObject({
      status: 'confirmed',
      ical_uid: 'chat-1@contact.example',
      starts_at: '2026-12-03T13:00:00.000Z',
    });

    await ingester.ingest(raw(invite('CANCEL', 2)), source('c'));
    expect(await stageOf(db, 'ana@contact.example')).toBe('replied');
    await ingester.ingest(raw(invite('REQUEST', 1, '04')), source('d'));
    const rows = await db.selectFrom('meetings').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'cancelled',
      ical_sequence: 2,
      starts_at: '2026-12-03T13:00:00.000Z',
    });
  });
});

describe('ingest: machines', () => {
  it('stores an out-of-office reply without a stage move and keeps the return date', async () => {
    const { db, ingester } = await setup();
    const o = outreach(['ana@contact.example']);
    await ingester.ingest(raw(o.mail), source('a'));
    const before = await history(db, 'ana@contact.example');
    const outcome = await ingester.ingest(
      raw(
        buildMail({
          from: 'ana@contact.example',
          to: [OWNER],
          subject: 'Automatic reply: Quick question about data engineering',
          inReplyTo: o.id,
          headers: { 'Auto-Submitted': 'auto-replied' },
          text: 'I am out of the office and will be back on December 14. I will reply when I return.',
        }),
      ),
      source('b'),
    );
    expect(outcome).toMatchObject({ status: 'stored', kind: 'auto_reply' });
    expect(await stageOf(db, 'ana@contact.example')).toBe('contacted');
    expect(await history(db, 'ana@contact.example')).toEqual(before);
    const contact = await db.selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    expect(await awayUntil(db, contact.id)).toBe('2026-12-14');
  });

  it('marks a bounced address dead and bounces the contact only when no live address is left', async () => {
    const { db, ingester } = await setup();
    await ingester.ingest(raw(outreach(['gone@contact.example']).mail), source('a'));
    await ingester.ingest(raw(outreach(['two@contact.example']).mail), source('b'));
    const two = await db
      .selectFrom('contact_emails')
      .select('contact_id')
      .where('address', '=', 'two@contact.example')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('contact_emails')
      .values({ contact_id: two.contact_id, address: 'two.alt@contact.example', is_primary: 0 })
      .execute();

    const dsn = (recipient: string) =>
      buildMail({
        from: 'MAILER-DAEMON@mx.example.org',
        to: [OWNER],
        subject: 'Undelivered Mail Returned to Sender',
        headers: { 'Auto-Submitted': 'auto-replied' },
        text: 'Your message could not be delivered.',
        parts: [
          {
            headers: 'Content-Type: message/delivery-status',
            body: `Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; ${recipient}\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n`,
          },
        ],
      });
    expect(await ingester.ingest(raw(dsn('gone@contact.example')), source('c'))).toMatchObject({
      kind: 'bounce',
    });
    expect(await stageOf(db, 'gone@contact.example')).toBe('bounced');
    await ingester.ingest(raw(dsn('two@contact.example')), source('d'));
    expect(await stageOf(db, 'two@contact.example')).toBe('contacted');
    const dead = await db
      .selectFrom('contact_emails')
      .select(['address', 'dead_reason'])
      .where('dead_at', 'is not', null)
      .execute();
    expect(dead.map((d) => d.address).sort()).toEqual([
      'gone@contact.example',
      'two@contact.example',
    ]);
    expect(dead[0]?.dead_reason).toContain('550');
  });
});

describe('ingest: the owner talking to kith', () => {
  async function kithMail(db: Db, contactId: number | null, options: { approval?: boolean } = {}) {
    const now = '2026-11-30T10:00:00.000Z';
    const outboxRow = (id: string, audience: 'owner' | 'contact', draftId: number | null) => ({
      message_id: id,
      kind: draftId ? 'approval_request' : audience === 'owner' ? 'after_meeting' : 'thank_you',
      contact_id: contactId,
      meeting_id: null,
      audience,
      to_address: audience === 'owner' ? OWNER : 'ana@contact.example',
      subject: '[kith] How did it go?',
      body_text: 'How did it go?',
      body_html: null,
      in_reply_to: null,
      references: '',
      state: draftId || audience === 'owner' ? ('sent' as const) : ('awaiting_approval' as const),
      send_after: null,
      attempts: 1,
      last_error: null,
      draft_id: draftId,
      created_at: now,
      updated_at: now,
      sent_at: now,
    });
    let draftId: number | null = null;
    if (options.approval) {
      const draft = await db
        .insertInto('outbox')
        .values(outboxRow(`draft-${Math.random()}@kith.example`, 'contact', null))
        .returning('id')
        .executeTakeFirstOrThrow();
      draftId = draft.id;
    }
    const id = makeSignedMessageId(
      SECRET,
      `t${Math.random().toString(36).slice(2, 8)}`,
      'kith.example',
    );
    const row = await db
      .insertInto('outbox')
      .values(outboxRow(id, 'owner', draftId))
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, rowId: row.id, draftId };
  }

  it('turns a trusted reply into a note, advice, a referral prospect and a cadence', async () => {
    const { db, ingester } = await setup();
    await ingester.ingest(raw(outreach(['ana@contact.example']).mail), source('a'));
    const ana = await db.selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    const kith = await kithMail(db, ana.id);
    const outcome = await ingester.ingest(
      raw(
        buildMail({
          from: OWNER,
          to: [SERVICE],
          subject: 'Re: [kith] How did it go?',
          inReplyTo: kith.id,
          text: 'Great chat, she moved from analytics into data engineering.\nadvice: learn dbt\nreferral: Bob Lee <bob@acme.example>\ncadence: 60d\n\nOn Mon, kith wrote:\n> How did it go?',
        }),
      ),
      source('b'),
    );
    expect(outcome).toMatchObject({
      status: 'stored',
      classification: 'owner_note',
      kind: 'owner_note',
    });
    const note = await db.selectFrom('notes').selectAll().executeTakeFirstOrThrow();
    expect(note.body).toContain('Great chat');
    expect(note.body).not.toContain('How did it go');
    expect((await db.selectFrom('advice').select('body').execute()).map((a) => a.body)).toEqual([
      'learn dbt',
    ]);
    const bob = await db
      .selectFrom('contacts')
      .innerJoin('contact_emails', 'contact_emails.contact_id', 'contacts.id')
      .select(['contacts.name', 'contacts.referred_by_id', 'contacts.stage', 'contacts.source'])
      .where('address', '=', 'bob@acme.example')
      .executeTakeFirstOrThrow();
    expect(bob).toEqual({
      name: 'Bob Lee',
      referred_by_id: ana.id,
      stage: 'prospect',
      source: 'referral',
    });
    expect(
      (
        await db
          .selectFrom('contacts')
          .select('cadence_days')
          .where('id', '=', ana.id)
          .executeTakeFirstOrThrow()
      ).cadence_days,
    ).toBe(60);
  });

  it('hands draft commands to the outbox port', async () => {
    const requests: DraftCommandRequest[] = [];
    const { db, ingester } = await setup({
      // The real outbox port, with its command handling recorded instead of carried out.
      drafts: {
        ...outboxPorts(testConfig, captureLogger().logger).drafts,
        async handle(_db, request) {
          requests.push(request);
          return `draft ${request.command?.type}`;
        },
      },
    });
    const kith = await kithMail(db, null, { approval: true });
    const outcome = await ingester.ingest(
      raw(
        buildMail({
          from: OWNER,
          to: [SERVICE],
          subject: 'Re: [kith] Approve?',
          inReplyTo: kith.id,
          text: 'approve\n\n> the draft',
        }),
      ),
      source('a'),
    );
    expect(outcome).toMatchObject({
      status: 'stored',
      kind: 'owner_command',
      remarks: ['draft approve'],
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      command: { type: 'approve' },
      reference: { messageId: kith.id, awaitsApproval: true },
    });
  });

  it('refuses owner mail that answers a forged kith Message-ID, storing nothing but the refusal', async () => {
    const { db, ingester, lines } = await setup();
    const forged = 'kith.brief-1.AAAAAAAAAAAAAAAAAAAAAA@kith.example';
    const outcome = await ingester.ingest(
      raw(
        buildMail({
          from: OWNER,
          to: [SERVICE],
          subject: 'Re: [kith] Approve?',
          inReplyTo: forged,
          text: 'approve',
        }),
      ),
      source('imap:INBOX:9'),
    );
    expect(outcome.status).toBe('refused');
    const c = await counts(db);
    expect(c).toMatchObject({ messages: 0, contacts: 0, history: 0, quarantine: 1 });
    const row = await db.selectFrom('quarantine').selectAll().executeTakeFirstOrThrow();
    expect(row.reason).toMatch(/^refused: /);
    expect(row.source).toBe('imap:INBOX:9');
    expect(lines.some((l) => l.includes('refused: '))).toBe(true);
  });
});

describe('ingest: bad input and checkpoints', () => {
  it('puts mail over the size cap aside unparsed, with the checkpoint in the same transaction', async () => {
    const { db, ingester } = await setup();
    const big = buildMail({
      from: 'ana@contact.example',
      to: [OWNER],
      subject: 'Huge',
      messageId: 'huge@x',
      text: 'x'.repeat(2 * 1024 * 1024),
    });
    const outcome = await ingester.ingest(raw(big), {
      ...source('imap:INBOX:5'),
      checkpoint: (trx) => saveSyncState(trx, 'INBOX', { uidValidity: '1', lastUid: 5 }, 'now'),
    });
    expect(outcome).toMatchObject({ status: 'quarantined', messageId: 'huge@x' });
    expect(outcome.status === 'quarantined' && outcome.reason).toMatch(/too large/);
    expect((await getSyncState(db, 'INBOX'))?.last_uid).toBe(5);
    expect((await db.selectFrom('quarantine').selectAll().executeTakeFirstOrThrow()).subject).toBe(
      'Huge',
    );
  });

  it('puts mail that mailparser cannot parse aside, and the next mail is handled', async () => {
    const { db, ingester } = await setup({
      config: { ...testConfig, maxMessageBytes: 5 * 1024 * 1024 },
    });
    // mailparser gives up on a header block over 1 MB.
    const bomb = `From: ana@contact.example\r\nTo: ${OWNER}\r\nSubject: Bomb\r\nMessage-ID: <bomb@x>\r\nX-Filler: ${'a'.repeat(1_100_000)}\r\n\r\nbody\r\n`;
    const outcome = await ingester.ingest(raw(bomb), source('file:bomb.eml'));
    expect(outcome).toMatchObject({ status: 'quarantined', messageId: 'bomb@x' });
    expect(outcome.status === 'quarantined' && outcome.reason).toMatch(/^unparseable: /);
    expect(describeOutcome(outcome)).toMatch(/^read, put in quarantine: unparseable/);
    expect(
      await ingester.ingest(raw(outreach(['ana@contact.example']).mail), source('b')),
    ).toMatchObject({ status: 'stored' });
    expect((await counts(db)).quarantine).toBe(1);
  });

  it('moves the checkpoint for unrelated mail and duplicates too', async () => {
    const { db, ingester } = await setup();
    let uid = 0;
    const cp = () => {
      uid += 1;
      const mine = uid;
      return (trx: Db) => saveSyncState(trx, 'INBOX', { uidValidity: '1', lastUid: mine }, 'now');
    };
    await ingester.ingest(raw(buildMail({ from: 'x@y.example', to: [OWNER] })), {
      ...source('a'),
      checkpoint: cp(),
    });
    const o = outreach(['ana@contact.example']).mail;
    await ingester.ingest(raw(o), { ...source('b'), checkpoint: cp() });
    await ingester.ingest(raw(o), { ...source('c'), checkpoint: cp() });
    expect((await getSyncState(db, 'INBOX'))?.last_uid).toBe(3);
  });

  it('stores mail without a Message-ID once, under a stable synthesized id', async () => {
    const { ingester } = await setup();
    await ingester.ingest(raw(outreach(['ana@contact.example']).mail), source('a'));
    const noId = buildMail({
      from: 'ana@contact.example',
      to: [OWNER],
      subject: 'Hello again',
      messageId: null,
      text: 'Quick note.',
    });
    expect(await ingester.ingest(raw(noId), source('b'))).toMatchObject({ status: 'stored' });
    expect(await ingester.ingest(raw(noId), source('c'))).toMatchObject({ status: 'duplicate' });
  });
});

describe('ingest: the owner is proven, not claimed', () => {
  const inbox = (label: string) => ({ ...source(label), origin: 'mailbox' as const });
  const sent = (label: string) => ({ ...source(label), origin: 'sent' as const });
  const GMAIL_PASS =
    'Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@example.org header.s=s1 header.b=Ab12;\r\n       dmarc=pass (p=NONE) header.from=example.org\r\n';
  const GMAIL_FAIL =
    'Authentication-Results: mx.google.com;\r\n       spf=softfail smtp.mailfrom=attacker.example;\r\n       dmarc=fail (p=NONE) header.from=example.org\r\n';

  async function seedProposal(db: Db, ingester: Awaited<ReturnType<typeof setup>>['ingester']) {
    const o = outreach(['ana@contact.example']);
    await ingester.ingest(raw(o.mail), source('a'));
    const replyId = newMessageId('contact.example');
    await ingester.ingest(
      raw(
        buildMail({
          from: 'ana@contact.example',
          to: [OWNER],
          subject: 'Re: Quick question about data engineering',
          inReplyTo: o.id,
          messageId: replyId,
          text: 'Sure! Does Thursday at 3pm work for you?',
        }),
      ),
      source('b'),
    );
    expect(await stageOf(db, 'ana@contact.example')).toBe('replied');
    return replyId;
  }

  it('puts an unproven INBOX outreach aside without knowing its Message-ID; the Sent copy then acts and settles it', async () => {
    const { db, ingester } = await setup();
    const { id, mail } = outreach(['ana@contact.example', 'bo@contact.example']);
    const first = await ingester.ingest(raw(mail), inbox('imap:INBOX:1'));
    expect(first).toMatchObject({ status: 'quarantined', messageId: id });
    expect(first.status === 'quarantined' && first.reason).toMatch(
      /^waiting for its Sent copy or a DKIM pass: .*no Authentication-Results/,
    );
    expect(await counts(db)).toMatchObject({ messages: 0, contacts: 0, quarantine: 1 });
    // The IMAP filter must fetch the Sent copy, which names no one kith knows.
    const index = await ingester.relevanceIndex([], [id]);
    expect(index.isKnownMessageId(id)).toBe(true);

    // Read again (a resync): still one row.
    expect((await ingester.ingest(raw(mail), inbox('imap:INBOX:1'))).status).toBe('quarantined');
    expect((await counts(db)).quarantine).toBe(1);

    const second = await ingester.ingest(raw(mail), sent('imap:Sent:1'));
    expect(second).toMatchObject({ status: 'stored', classification: 'owner_outreach' });
    expect(await stageOf(db, 'ana@contact.example')).toBe('contacted');
    expect(await counts(db)).toMatchObject({ messages: 1, contacts: 2, quarantine: 0 });
  });

  it('takes an INBOX copy with a DKIM pass for the owner domain at once', async () => {
    const { db, ingester } = await setup();
    const { mail } = outreach(['ana@contact.example']);
    const outcome = await ingester.ingest(raw(GMAIL_PASS + mail), inbox('imap:INBOX:2'));
    expect(outcome).toMatchObject({ status: 'stored', classification: 'owner_outreach' });
    expect(await stageOf(db, 'ana@contact.example')).toBe('contacted');
  });

  it('reads only the topmost Authentication-Results: a pass the sender wrote below is ignored', async () => {
    const { db, ingester } = await setup();
    const { mail } = outreach(['ana@contact.example']);
    const forged = mail.replace(
      'MIME-Version: 1.0',
      'Authentication-Results: mx.google.com; dkim=pass header.d=example.org; dmarc=pass header.from=example.org\r\nMIME-Version: 1.0',
    );
    const outcome = await ingester.ingest(raw(GMAIL_FAIL + forged), inbox('imap:INBOX:3'));
    expect(outcome.status).toBe('quarantined');
    expect((await counts(db)).contacts).toBe(0);
  });

  it('a local file: taken on trust without the header, refused with a failing one', async () => {
    const { db, ingester } = await setup();
    const failing = outreach(['ana@contact.example']);
    const refused = await ingester.ingest(raw(GMAIL_FAIL + failing.mail), source('maildir:x'));
    expect(refused).toMatchObject({ status: 'refused' });
    expect(refused.status === 'refused' && refused.reason).toMatch(/no DKIM or DMARC pass/);
    expect((await counts(db)).contacts).toBe(0);
    const row = await db.selectFrom('quarantine').select('reason').executeTakeFirstOrThrow();
    expect(row.reason).toMatch(/^refused: /);

    const plain = outreach(['bo@contact.example']);
    expect(await ingester.ingest(raw(plain.mail), source('maildir:y'))).toMatchObject({
      status: 'stored',
    });
    expect(await stageOf(db, 'bo@contact.example')).toBe('contacted');
  });

  it("a forged acceptance in a contact's thread confirms no meeting and moves no stage", async () => {
    const { db, ingester } = await setup();
    const replyId = await seedProposal(db, ingester);
    const before = await counts(db);
    const accept = buildMail({
      from: OWNER,
      to: ['ana@contact.example'],
      subject: 'Re: Quick question about data engineering',
      inReplyTo: replyId,
      text: 'Thursday at 3pm works great, talk then!',
    });
    expect((await ingester.ingest(raw(accept), inbox('imap:INBOX:9'))).status).toBe('quarantined');
    expect(await stageOf(db, 'ana@contact.example')).toBe('replied');
    expect(
      (await db.selectFrom('meetings').select('status').execute()).map((m) => m.status),
    ).toEqual(['proposed']);
    expect(await counts(db)).toMatchObject({ ...before, quarantine: before.quarantine + 1 });
  });

  it('a calendar invite claiming the owner, unproven, confirms nothing', async () => {
    const { db, ingester } = await setup();
    await seedProposal(db, ingester);
    const invite = buildMail({
      from: OWNER,
      to: ['ana@contact.example'],
      subject: 'Invitation: Chat',
      text: 'Invitation',
      parts: [
        {
          headers: 'Content-Type: text/calendar; method=REQUEST; charset=utf-8',
          body: [
            'BEGIN:VCALENDAR',
            'VERSION:2.0',
            'PRODID:-//test//EN',
            'METHOD:REQUEST',
            'BEGIN:VEVENT',
            'UID:forged-1@example.org',
            'DTSTAMP:20261201T100000Z',
            'DTSTART:20261203T140000Z',
            'DTEND:20261203T143000Z',
            'SUMMARY:Chat',
            `ORGANIZER:mailto:${OWNER}`,
            'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@contact.example',
            'END:VEVENT',
            'END:VCALENDAR',
          ].join('\n'),
        },
      ],
    });
    expect((await ingester.ingest(raw(invite), inbox('imap:INBOX:10'))).status).toBe('quarantined');
    expect(await stageOf(db, 'ana@contact.example')).toBe('replied');
    expect(
      (await db.selectFrom('meetings').select('status').execute()).map((m) => m.status),
    ).toEqual(['proposed']);
  });
});

describe('ingest: one outreach to many asks the owner first', () => {
  it('adds no one when an outreach goes to more new people than the limit, and says how to add them', async () => {
    const { db, ingester } = await setup();
    const many = Array.from({ length: 11 }, (_, i) => `p${i}@contact.example`);
    const { id, mail } = outreach(many);
    const outcome = await ingester.ingest(raw(mail), source('file:many.eml'));
    expect(outcome).toMatchObject({ status: 'quarantined', messageId: id });
    expect(outcome.status === 'quarantined' && outcome.reason).toMatch(
      /^too many recipients: .*11 people .*KITH_OUTREACH_MAX_RECIPIENTS \(10\).*kith -- import/,
    );
    expect(await counts(db)).toMatchObject({ messages: 0, contacts: 0, history: 0, quarantine: 1 });
    // The Sent copy of the same mail is the same decision, not a second chance.
    expect(await ingester.ingest(raw(mail), { ...source('imap:Sent:5'), origin: 'sent' })).toEqual({
      status: 'duplicate',
      messageId: id,
    });
  });

  it('takes an outreach right at the limit, and counts only people kith does not know', async () => {
    const { db, ingester } = await setup({
      config: { ...testConfig, outreachMaxRecipients: 2 },
    });
    await ingester.ingest(raw(outreach(['a@contact.example']).mail), source('a'));
    const outcome = await ingester.ingest(
      raw(outreach(['a@contact.example', 'b@contact.example', 'c@contact.example']).mail),
      source('b'),
    );
    expect(outcome).toMatchObject({ status: 'stored' });
    expect((await counts(db)).contacts).toBe(3);
    const over = await ingester.ingest(
      raw(outreach(['d@contact.example', 'e@contact.example', 'f@contact.example']).mail),
      source('c'),
    );
    expect(over.status).toBe('quarantined');
    expect((await counts(db)).contacts).toBe(3);
  });
});

describe('ingest: a stranger in a contact thread', () => {
  it('is recorded, but cannot decline for the contact', async () => {
    const { db, ingester } = await setup();
    const o = outreach(['ana@contact.example']);
    await ingester.ingest(raw(o.mail), source('a'));
    const stranger = buildMail({
      from: 'mallory@evil.example',
      to: [OWNER],
      subject: 'Re: Quick question about data engineering',
      inReplyTo: o.id,
      text: 'Thanks for reaching out. Unfortunately I am not the right person for this.\n\nBest, Ana',
    });
    const outcome = await ingester.ingest(raw(stranger), source('b'));
    expect(outcome).toMatchObject({ status: 'stored', classification: 'contact_reply' });
    expect(outcome.status === 'stored' && outcome.kind).not.toBe('decline');
    expect(await stageOf(db, 'ana@contact.example')).not.toBe('declined');
    expect((await history(db, 'ana@contact.example')).map((h) => h.to_stage)).not.toContain(
      'declined',
    );
  });
});
