import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { exportContacts } from '../../src/exchange/export.js';
import { createIngester, type IngestOutcome } from '../../src/inbox/ingest.js';
import { createLogger } from '../../src/log.js';
import { approveDraft, createContactDraft, type OutboxContext } from '../../src/outbox/drafts.js';
import { createDraftCommandHandler } from '../../src/outbox/inbox-port.js';
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
    drafts: createDraftCommandHandler({ config, logger }),
    parseWorkers: 0,
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
    await w.ingester.close();
  });
});
