import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createContactDraft, type OutboxContext } from '../../src/outbox/drafts.js';
import { makeSignedMessageId } from '../../src/outbox/message-id.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { OWNER, quietLogger, SERVICE, seedContact, testConfig, testDb } from './harness.js';

/**
 * Approval from the inbox, end to end: a raw reply from the owner goes
 * through the real ingest path (parse, trust check, the pure command parser)
 * into the outbox's port and applyOwnerCommand.
 */

const tempDir = useTempDir();
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
});

// Wednesday 2 December 2026, 10:30 in Berlin.
const replyDate = 'Wed, 02 Dec 2026 10:30:00 +0100';
const DRAFT_TEXT = 'Hi Ana,\n\nThank you for your time.\n\nSam\n';

async function setup() {
  const dir = tempDir();
  const db = await testDb(dir);
  dbs.push(db);
  const config = testConfig(dir);
  const logger = quietLogger();
  const ctx: OutboxContext = { db, config, logger };
  const contactId = await seedContact(db);
  const ingester = createIngester({
    db,
    config,
    logger,
    now: () => new Date('2026-12-02T09:31:00.000Z'),
    ...outboxPorts(config, logger),
  });
  let counter = 0;
  const draft = async (kind = 'thank_you') => {
    const made = await createContactDraft(ctx, {
      kind,
      contactId,
      subject: 'Thank you',
      text: DRAFT_TEXT,
      at: '2026-12-02T08:00:00.000Z',
    });
    return { draft: made.draft, request: made.approvalRequest as OutboxRow };
  };
  /** The owner answers `inReplyTo` with `body` (the request quoted below it, as clients do). */
  const reply = async (inReplyTo: string, body: string, from = OWNER) => {
    counter += 1;
    const raw = [
      `From: Sam Rivera <${from}>`,
      `To: kith <${SERVICE}>`,
      'Subject: Re: Approve thank-you note to Ana Souza: Thank you',
      `Message-ID: <owner-reply-${counter}-${Date.now()}@example.org>`,
      `In-Reply-To: <${inReplyTo}>`,
      `References: <${inReplyTo}>`,
      `Date: ${replyDate}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '',
      'On Wed, 2 Dec 2026 at 09:00, kith <sam+kith@example.org> wrote:',
      '> kith drafted a thank-you note to Ana Souza.',
      '>',
      ...DRAFT_TEXT.split('\n').map((l) => `> ${l}`),
      '',
    ].join('\r\n');
    return ingester.ingest(Buffer.from(raw), { label: 'test', receivedAt: new Date() });
  };
  const notices = async () =>
    (await db.selectFrom('outbox').selectAll().where('kind', '=', 'notice').execute()).map(
      (r) => r.body_text,
    );
  return { db, ctx, draft, reply, notices };
}

describe('approval by reply', () => {
  it.each([
    'approve',
    'Approve',
    'APPROVE!',
    'approve.',
    'yes',
    'Yes!',
    'send',
    'Send it.',
    '**approve**',
    '"approve"',
    'ok',
  ])('"%s" sends the draft unchanged', async (word) => {
    const s = await setup();
    const { draft, request } = await s.draft();
    const outcome = await s.reply(request.message_id, word);
    expect(outcome.status).toBe('stored');
    const row = await findOutboxById(s.db, draft.id);
    expect(row?.state).toBe('approved');
    expect(row?.body_text).toBe(DRAFT_TEXT);
    expect(await s.notices()).toEqual([]);
  });

  it.each(['skip', 'Skip.', 'no', 'No!', "don't send"])('"%s" drops the draft', async (word) => {
    const s = await setup();
    const { draft, request } = await s.draft();
    await s.reply(request.message_id, word);
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('skipped');
  });

  it.each([
    ['snooze 3d', '2026-12-05T08:00:00.000Z'], // 09:00 in Berlin, the thank-you hour
    ['Snooze until Monday', '2026-12-07T08:00:00.000Z'], // 09:00 in Berlin
  ])('"%s" puts the draft aside until %s', async (words, until) => {
    const s = await setup();
    const { draft, request } = await s.draft();
    await s.reply(request.message_id, words);
    expect(await findOutboxById(s.db, draft.id)).toMatchObject({
      state: 'snoozed',
      send_after: until,
    });
  });

  it('an edited reply is not sent: it comes back, greeting and sign-off kept, to approve', async () => {
    const s = await setup();
    const { draft, request } = await s.draft();
    await s.reply(
      request.message_id,
      'Dear Ana,\n\nThank you so much — your tip about the planning team was exactly what I needed.\n\nBest,\nSam',
    );
    const row = await findOutboxById(s.db, draft.id);
    expect(row?.state).toBe('awaiting_approval');
    expect(row?.body_text).toMatch(/^Dear Ana,\n\nThank you so much — your tip/);
    expect(row?.body_text).toMatch(/needed\.\n\nBest,\nSam\n$/);
    expect(row?.body_text).not.toContain('kith drafted');
    expect(row?.body_text).not.toContain('>');
    const again = await s.db
      .selectFrom('outbox')
      .selectAll()
      .where('draft_id', '=', draft.id)
      .where('id', '!=', request.id)
      .executeTakeFirstOrThrow();
    expect(again.approval_text).toBe(row?.body_text);
    await s.reply(again.message_id, 'approve');
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('approved');
  });

  it('an approval of an already-sent draft changes nothing and the owner gets one line', async () => {
    const s = await setup();
    const { draft, request } = await s.draft();
    await s.db
      .updateTable('outbox')
      .set({ state: 'sent', sent_at: '2026-12-02T09:00:00.000Z' })
      .where('id', '=', draft.id)
      .execute();
    const before = await findOutboxById(s.db, draft.id);
    await s.reply(request.message_id, 'approve');
    expect(await findOutboxById(s.db, draft.id)).toEqual(before);
    const notices = await s.notices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(
      'Your thank-you note to Ana Souza <ana@acme.example> was already sent on Wed 2 Dec, 10:00; nothing changed.',
    );
  });

  it('a forged Message-ID (another secret) changes nothing', async () => {
    const s = await setup();
    const { draft, request } = await s.draft();
    const ref = `d${draft.id}-r${request.id}`;
    const forged = makeSignedMessageId(
      'not-the-instance-secret-0123456789abcd',
      ref,
      'example.org',
    );
    await s.reply(forged, 'approve');
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('awaiting_approval');
  });

  it('a tampered Message-ID (the reference of another draft, old tag) changes nothing', async () => {
    const s = await setup();
    const first = await s.draft('thank_you');
    const second = await s.draft('keep_in_touch');
    const tampered = first.request.message_id.replace(
      `kith.d${first.draft.id}-r${first.request.id}.`,
      `kith.d${second.draft.id}-r${second.request.id}.`,
    );
    expect(tampered).not.toBe(first.request.message_id);
    await s.reply(tampered, 'approve');
    expect((await findOutboxById(s.db, first.draft.id))?.state).toBe('awaiting_approval');
    expect((await findOutboxById(s.db, second.draft.id))?.state).toBe('awaiting_approval');
  });

  it('a correct Message-ID from a stranger’s address changes nothing', async () => {
    const s = await setup();
    const { draft, request } = await s.draft();
    await s.reply(request.message_id, 'approve', 'mallory@evil.example');
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('awaiting_approval');
  });

  it('a garbled command changes nothing and is answered', async () => {
    const s = await setup();
    const { draft, request } = await s.draft();
    await s.reply(request.message_id, 'aprove pls');
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('awaiting_approval');
    expect(await s.notices()).toHaveLength(1);
  });
});
