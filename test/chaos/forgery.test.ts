import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { exportContacts } from '../../src/exchange/export.js';
import { createIngester, type IngestOutcome } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import { createContactDraft, type OutboxContext } from '../../src/outbox/drafts.js';
import { makeSignedMessageId } from '../../src/outbox/message-id.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { OWNER, SECRET, SERVICE, seedContact, testConfig, testDb } from '../outbox/harness.js';
import { held } from './results.js';

/**
 * Item 5: mail that tries to act as the owner without the right to. Each
 * goes through the real ingest path with the outbox's command handler; the
 * export and every draft must be unchanged, and kith's log must say refused.
 */

const SUITE = '5 forgery';
const tempDir = useTempDir('kith-chaos-forgery-');
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
});

async function world() {
  const dir = tempDir();
  const db = await testDb(dir);
  dbs.push(db);
  const config = testConfig(dir);
  const lines: string[] = [];
  const logger = createLogger({ secrets: [SECRET], write: (l) => lines.push(l) });
  const ctx: OutboxContext = { db, config, logger };
  const ana = await seedContact(db, { name: 'Ana Souza', email: 'ana@acme.example' });
  const bo = await seedContact(db, { name: 'Bo Chen', email: 'bo@globex.example' });
  const make = async (contactId: number, kind: string) =>
    createContactDraft(ctx, {
      kind,
      contactId,
      subject: 'Thank you',
      text: 'Hi,\n\nThank you for your time.\n\nSam\n',
      at: '2026-12-02T08:00:00.000Z',
    });
  const anaDraft = await make(ana, 'thank_you');
  const boDraft = await make(bo, 'keep_in_touch');
  // Bo's earlier thank-you was approved and sent: Bo holds a kith-signed Message-ID.
  const boSent = await make(bo, 'thank_you');
  await approveDraft(ctx, boSent.draft.id, { at: '2026-12-02T08:05:00.000Z' });
  await db
    .updateTable('outbox')
    .set({ state: 'sent', sent_at: '2026-12-02T08:06:00.000Z' })
    .where('id', '=', boSent.draft.id)
    .execute();
  const ingester = createIngester({
    db,
    config,
    logger,
    now: () => new Date('2026-12-02T09:31:00.000Z'),
    ...outboxPorts(config, logger),
  });
  return { db, ingester, lines, anaDraft, boDraft, boSent };
}

let counter = 0;
function reply(from: string, inReplyTo: string | null, body: string): Buffer {
  counter += 1;
  return Buffer.from(
    [
      `From: ${from}`,
      `To: kith <${SERVICE}>`,
      'Subject: Re: Approve thank-you note',
      `Message-ID: <forgery-${counter}@attacker.example>`,
      ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`, `References: <${inReplyTo}>`] : []),
      'Date: Wed, 02 Dec 2026 10:30:00 +0100',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

/**
 * Everything an owner command could change: the export (stages, history,
 * notes, advice, meetings) and every outbox row but notices. The mail itself
 * is left out: a contact's own mail is stored as that contact's message.
 */
async function snapshot(db: Db): Promise<string> {
  const outbox = await db
    .selectFrom('outbox')
    .select(['id', 'kind', 'state', 'subject', 'body_text', 'send_after', 'attempts', 'sent_at'])
    .where('kind', '!=', 'notice')
    .orderBy('id')
    .execute();
  const doc = JSON.parse(await exportContacts(db, 'json')) as {
    contacts: { messages?: unknown }[];
  };
  for (const contact of doc.contacts) delete contact.messages;
  return JSON.stringify({ contacts: doc.contacts, outbox });
}

describe('forgery', () => {
  it('no forged or misdirected command changes anything, and each is logged as refused', async () => {
    const w = await world();
    const anaRequest = w.anaDraft.approvalRequest?.message_id as string;
    const anaRef = `d${w.anaDraft.draft.id}-r${w.anaDraft.approvalRequest?.id}`;
    const attacks: { name: string; raw: Buffer }[] = [
      { name: "owner's From, no reference", raw: reply(`Sam <${OWNER}>`, null, 'approve') },
      {
        name: "owner's From, reference to a mail kith never sent",
        raw: reply(`Sam <${OWNER}>`, 'made-up@example.org', 'approve'),
      },
      {
        name: 'tampered signature (last character changed)',
        raw: reply(
          `Sam <${OWNER}>`,
          anaRequest.replace(/(.)@/, (_m, c: string) => `${c === 'a' ? 'b' : 'a'}@`),
          'approve',
        ),
      },
      {
        name: 'signed with another secret',
        raw: reply(
          `Sam <${OWNER}>`,
          makeSignedMessageId('another-secret-0123456789-abcdefghijkl', anaRef, 'example.org'),
          'approve',
        ),
      },
      {
        name: "valid reference replayed from another sender (a contact's From)",
        raw: reply('Ana <ana@acme.example>', anaRequest, 'approve'),
      },
      {
        name: 'valid reference replayed from a stranger',
        raw: reply('Mallory <mallory@evil.example>', anaRequest, 'skip'),
      },
      {
        name: "command on someone else's draft: owner's From answering Bo's sent mail (signed, not an approval request)",
        raw: reply(`Sam <${OWNER}>`, w.boSent.draft.message_id, 'approve'),
      },
      {
        name: "command on someone else's draft: a signed reference pairing Bo's draft with Ana's request",
        raw: reply(
          `Sam <${OWNER}>`,
          makeSignedMessageId(
            SECRET,
            `d${w.boDraft.draft.id}-r${w.anaDraft.approvalRequest?.id}`,
            'example.org',
          ),
          'approve',
        ),
      },
    ];
    for (const attack of attacks) {
      const before = await snapshot(w.db);
      const linesBefore = w.lines.length;
      const outcome: IngestOutcome = await w.ingester.ingest(attack.raw, {
        label: 'forgery',
        receivedAt: new Date('2026-12-02T09:30:00.000Z'),
      });
      const after = await snapshot(w.db);
      const logged = w.lines.slice(linesBefore).join('\n');
      await held({ suite: SUITE, tried: attack.name, times: 1 }, () => {
        expect(after).toBe(before);
        // The log line's message, without its fields or the next line's time stamp.
        const refusal = /refused[^\n]*/i
          .exec(logged)?.[0]
          ?.split(/ source=| \d{4}-\d\d-\d\dT/)[0]
          ?.slice(0, 110);
        if (!refusal) throw new Error(`not logged as refused: ${logged}`);
        return `no change (stages, history, notes, ${JSON.parse(before).outbox.length} outbox rows equal); outcome ${outcome.status}; log: ${refusal}`;
      });
    }
  });

  it('spoofed owner: a forged From: owner creates no contact, confirms no meeting, moves no stage', async () => {
    const w = await world();
    const at = new Date('2026-12-02T09:30:00.000Z');
    const inbox = (label: string) => ({ label, receivedAt: at, origin: 'mailbox' as const });
    const mail = (headers: string[], body: string) =>
      Buffer.from(
        [...headers, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'),
      );
    // A real thread first: the owner's outreach (read from Sent) and Ana proposing a time.
    await w.ingester.ingest(
      mail(
        [
          `From: Sam <${OWNER}>`,
          'To: ana@acme.example',
          'Subject: Coffee?',
          'Message-ID: <real-outreach@example.org>',
          'Date: Wed, 02 Dec 2026 08:00:00 +0100',
        ],
        'Would you have 20 minutes?',
      ),
      { label: 'imap:Sent:1', receivedAt: at, origin: 'sent' },
    );
    await w.ingester.ingest(
      mail(
        [
          'From: Ana <ana@acme.example>',
          `To: ${OWNER}`,
          'Subject: Re: Coffee?',
          'Message-ID: <ana-proposes@acme.example>',
          'In-Reply-To: <real-outreach@example.org>',
          'Date: Wed, 02 Dec 2026 09:00:00 +0100',
        ],
        'Sure! Does Thursday at 3pm work for you?',
      ),
      inbox('imap:INBOX:1'),
    );
    const many = Array.from({ length: 10_000 }, (_, i) => `victim${i}@spam.example`);
    const attacks: {
      name: string;
      raw: Buffer;
      source: ReturnType<typeof inbox> | { label: string; receivedAt: Date };
    }[] = [
      {
        name: 'spoofed owner: forged outreach to 10,000 addresses in INBOX, no Authentication-Results',
        raw: mail(
          [
            `From: Sam <${OWNER}>`,
            `To: ${many.join(', ')}`,
            `Bcc: ${SERVICE}`,
            'Subject: Hello',
            'Message-ID: <spoof-many@attacker.example>',
            'Date: Wed, 02 Dec 2026 10:00:00 +0100',
          ],
          'Hi!',
        ),
        source: inbox('imap:INBOX:2'),
      },
      {
        name: 'spoofed owner: forged outreach with a forged DKIM pass below the provider header',
        raw: mail(
          [
            'Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=attacker.example; dmarc=fail header.from=example.org',
            `From: Sam <${OWNER}>`,
            'To: mallory-friend@spam.example',
            'Authentication-Results: mx.example.net; dkim=pass header.d=example.org; dmarc=pass header.from=example.org',
            'Subject: Hello',
            'Message-ID: <spoof-dkim@attacker.example>',
            'Date: Wed, 02 Dec 2026 10:00:00 +0100',
          ],
          'Hi!',
        ),
        source: inbox('imap:INBOX:3'),
      },
      {
        name: 'spoofed owner: mbsync file whose provider header fails',
        raw: mail(
          [
            'Authentication-Results: mx.example.net; dmarc=fail header.from=example.org',
            `From: Sam <${OWNER}>`,
            'To: mallory-friend@spam.example',
            'Subject: Hello',
            'Message-ID: <spoof-file@attacker.example>',
            'Date: Wed, 02 Dec 2026 10:00:00 +0100',
          ],
          'Hi!',
        ),
        source: { label: 'maildir:spoof', receivedAt: at },
      },
      {
        name: 'spoofed owner: forged acceptance "Thursday at 3pm works great" in a contact\'s thread',
        raw: mail(
          [
            `From: Sam <${OWNER}>`,
            'To: ana@acme.example',
            'Subject: Re: Coffee?',
            'Message-ID: <spoof-accept@attacker.example>',
            'In-Reply-To: <ana-proposes@acme.example>',
            'Date: Wed, 02 Dec 2026 10:00:00 +0100',
          ],
          'Thursday at 3pm works great, talk then!',
        ),
        source: inbox('imap:INBOX:4'),
      },
      {
        name: "stranger answering in a contact's thread tries to decline for them",
        raw: mail(
          [
            'From: Mallory <mallory@evil.example>',
            `To: ${OWNER}`,
            'Subject: Re: Coffee?',
            'Message-ID: <stranger-declines@evil.example>',
            'In-Reply-To: <real-outreach@example.org>',
            'Date: Wed, 02 Dec 2026 10:00:00 +0100',
          ],
          'Thanks for reaching out. Unfortunately I am not the right person for this.',
        ),
        source: inbox('imap:INBOX:5'),
      },
    ];
    for (const attack of attacks) {
      const before = await snapshot(w.db);
      const started = Date.now();
      const outcome = await w.ingester.ingest(attack.raw, attack.source);
      const ms = Date.now() - started;
      const after = await snapshot(w.db);
      const meetings = await w.db.selectFrom('meetings').select('status').execute();
      await held({ suite: SUITE, tried: attack.name, times: 1 }, () => {
        expect(after).toBe(before);
        expect(meetings.map((m) => m.status)).not.toContain('confirmed');
        const contacts = JSON.parse(after).contacts.length;
        expect(contacts).toBe(2);
        const why = 'reason' in outcome ? `: ${outcome.reason.split(':')[0]}` : '';
        return `no change (${contacts} contacts, stages, history, meetings equal); outcome ${outcome.status}${why}; ${ms} ms`;
      });
    }
    // Control: the same acceptance read from Sent does confirm, so the forged one could have.
    const accept = attacks[3] as (typeof attacks)[number];
    expect(
      await w.ingester.ingest(accept.raw, { label: 'imap:Sent:2', receivedAt: at, origin: 'sent' }),
    ).toMatchObject({ status: 'stored', classification: 'owner_reply' });
    const meetings = await w.db.selectFrom('meetings').select('status').execute();
    expect(meetings.map((m) => m.status)).toEqual(['confirmed']);
  });
});
