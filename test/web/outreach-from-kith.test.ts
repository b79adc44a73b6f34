import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { createEmlIndex } from '../../src/outbox/eml-index.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { smtpEnv, startSmtp } from '../outbox/harness.js';
import { get, login, makeWeb, postForm, SECRET, type TestWeb } from './harness.js';

/**
 * "Send through kith" records the outreach on the contact when the mail
 * leaves, on every transport, once: the BCC or Sent copy read later is the
 * same Message-ID and changes nothing.
 */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(env: Record<string, string> = {}) {
  const web = await makeWeb(tempDir(), { env });
  const logger = createLogger({ secrets: [SECRET], write: () => undefined });
  const loop = createSendLoop({
    db: web.db,
    config: web.config,
    logger,
    now: () => web.clock.now,
    folders: null,
    manual: true,
  });
  await loop.start();
  const ingester = createIngester({
    db: web.db,
    config: web.config,
    logger,
    now: () => web.clock.now,
    ...outboxPorts(web.config, logger),
  });
  cleanups.push(async () => {
    await loop.stop();
    await web.db.destroy();
  });
  const contact = await createContact(
    web.db,
    { name: 'Ana Souza', emails: ['ana@acme.example'], source: 'import:linkedin' },
    '2026-11-20T10:00:00.000Z',
  );
  return { web, loop, ingester, contactId: contact.id, auth: await login(web) };
}

async function sendFromWeb(s: Awaited<ReturnType<typeof setup>>) {
  const res = await postForm(s.web, s.auth, `/contacts/${s.contactId}/compose`, {
    subject: 'A question about data engineering',
    text: 'Hi Ana, would you have 20 minutes for a chat?',
    action: 'send',
  });
  expect(res.status).toBe(303);
  s.web.clock.now = new Date('2026-12-01T10:05:00.000Z');
  expect((await s.loop.runOnce()).sent).toBe(1);
  return s.web.db
    .selectFrom('outbox')
    .select('message_id')
    .where('kind', '=', 'outreach')
    .executeTakeFirstOrThrow();
}

async function recorded(web: TestWeb, contactId: number) {
  const contact = await web.db
    .selectFrom('contacts')
    .select(['stage', 'stage_changed_at'])
    .where('id', '=', contactId)
    .executeTakeFirstOrThrow();
  const messages = await web.db
    .selectFrom('messages')
    .select(['message_id', 'kind', 'direction'])
    .where('contact_id', '=', contactId)
    .execute();
  const history = await web.db
    .selectFrom('stage_history')
    .select(['from_stage', 'to_stage', 'at', 'cause'])
    .where('contact_id', '=', contactId)
    .orderBy('id')
    .execute();
  return { contact, messages, history };
}

describe('Send through kith', () => {
  it('on the default file transport moves the prospect to contacted when sent, once', async () => {
    const s = await setup();
    const { message_id } = await sendFromWeb(s);
    const after = await recorded(s.web, s.contactId);
    expect(after.contact).toEqual({
      stage: 'contacted',
      stage_changed_at: '2026-12-01T10:05:00.000Z',
    });
    expect(after.messages).toEqual([{ message_id, kind: 'outreach', direction: 'out' }]);
    expect(after.history.map((h) => [h.from_stage, h.to_stage])).toEqual([
      [null, 'prospect'],
      ['prospect', 'contacted'],
    ]);
    const page = await (await get(s.web, s.auth, `/contacts/${s.contactId}`)).text();
    expect(page).toContain('Mail <span class="muted small">(1 message stored)</span>');
    // Once in the timeline: the sent draft and its recorded message are one mail.
    expect(page.split('<div class="subject">A question about data engineering</div>')).toHaveLength(
      2,
    );

    // The .eml kept in the outbox folder is what the BCC copy would be: read in later, nothing changes.
    s.web.clock.now = new Date('2026-12-01T11:00:00.000Z');
    const file = await createEmlIndex(path.join(s.web.config.dataDir, 'outbox')).find(message_id);
    const outcome = await s.ingester.ingest(readFileSync(file as string), {
      label: 'maildir:copy',
      receivedAt: s.web.clock.now,
    });
    expect(outcome.status).toBe('duplicate');
    expect(await recorded(s.web, s.contactId)).toEqual(after);
  });

  it('over SMTP records it at sending too, and the BCC copy arriving later changes nothing', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const s = await setup(smtpEnv(smtp.port));
    const { message_id } = await sendFromWeb(s);
    const after = await recorded(s.web, s.contactId);
    expect(after.contact.stage).toBe('contacted');
    expect(after.messages).toHaveLength(1);
    const copy = smtp.received.find((m) => m.to.includes('owner+kith@example.org'));
    expect(copy?.header('message-id')).toBe(`<${message_id}>`);
    s.web.clock.now = new Date('2026-12-01T11:00:00.000Z');
    const outcome = await s.ingester.ingest(Buffer.from(copy?.raw ?? ''), {
      label: 'imap:INBOX:7',
      receivedAt: s.web.clock.now,
      origin: 'mailbox',
    });
    expect(outcome.status).toBe('duplicate');
    expect(await recorded(s.web, s.contactId)).toEqual(after);
  });
});
