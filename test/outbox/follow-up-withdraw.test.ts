import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import { createContactDraft, type OutboxContext } from '../../src/outbox/drafts.js';
import { createSendLoop, type SendLoop } from '../../src/outbox/send-loop.js';
import { useTempDir } from '../helpers/temp-dir.js';
import {
  OWNER,
  quietLogger,
  seedContact,
  smtpEnv,
  startSmtp,
  type TestSmtp,
  testConfig,
  testDb,
} from './harness.js';

/** A follow-up assumes silence: once the contact has answered, it must never leave. */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NOTICE =
  'Not sent: Ana Souza answered on Thu 3 Dec before your follow-up left; kith withdrew it.';

interface Setup {
  ctx: OutboxContext;
  db: Db;
  loop: SendLoop;
  smtp: TestSmtp;
  contactId: number;
  clock: { now: Date };
}

async function setup(): Promise<Setup> {
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  const dir = tempDir();
  const db = await testDb(dir);
  const clock = { now: new Date('2026-12-02T09:30:00.000Z') };
  const config = testConfig(dir, smtpEnv(smtp.port));
  const logger = quietLogger();
  const now = () => clock.now;
  const loop = createSendLoop({ db, config, logger, now, manual: true });
  await loop.start();
  cleanups.push(async () => {
    await loop.stop();
    await db.destroy();
  });
  const contactId = await seedContact(db);
  return { ctx: { db, config, logger, now }, db, loop, smtp, contactId, clock };
}

async function followUp(s: Setup) {
  const { draft } = await createContactDraft(s.ctx, {
    kind: 'follow_up',
    contactId: s.contactId,
    subject: 'Re: coffee?',
    text: 'Hi Ana,\n\nJust checking in on my note from last week.\n\nSam\n',
    at: s.clock.now,
  });
  return draft;
}

/** Mail from Ana as ingest records it: written at `date`, read a minute later. */
async function fromAna(s: Setup, date: string, kind = 'reply') {
  await s.db
    .insertInto('messages')
    .values({
      message_id: `${kind}-${date}@acme.example`,
      thread_id: null,
      contact_id: s.contactId,
      direction: 'in',
      kind,
      from_address: 'ana@acme.example',
      to_addresses: OWNER,
      subject: 'Re: coffee?',
      date,
      in_reply_to: null,
      references: '',
      text: 'Yes, happy to meet.',
      created_at: new Date(Date.parse(date) + 60_000).toISOString(),
    })
    .execute();
}

const toAna = (smtp: TestSmtp) => smtp.received.filter((m) => m.to.includes('ana@acme.example'));

describe('a follow-up the contact has answered', () => {
  it('is withdrawn when the owner approves it, and says why', async () => {
    const s = await setup();
    const draft = await followUp(s);
    await fromAna(s, '2026-12-03T08:00:00.000Z');
    s.clock.now = new Date('2026-12-03T12:00:00.000Z');
    const result = await approveDraft(s.ctx, draft.id, { at: s.clock.now });
    expect(result).toMatchObject({ ok: false, message: NOTICE });
    const row = await findOutboxById(s.db, draft.id);
    expect(row).toMatchObject({ state: 'skipped', send_after: null });
    expect(row?.last_error).toMatch(/^withdrawn: Ana Souza answered on Thu 3 Dec/);
    for (let i = 0; i < 2; i++) await s.loop.runOnce();
    expect(toAna(s.smtp)).toHaveLength(0);
  });

  it('is withdrawn by the send loop when the answer came after approval; the owner is told', async () => {
    const s = await setup();
    const draft = await followUp(s);
    expect(await approveDraft(s.ctx, draft.id, { at: s.clock.now })).toMatchObject({ ok: true });
    // Ana answers between the approval and the next send round.
    await fromAna(s, '2026-12-03T08:00:00.000Z');
    s.clock.now = new Date('2026-12-03T08:05:00.000Z');
    const round = await s.loop.runOnce();
    expect(round).toMatchObject({ withdrawn: 1 });
    const row = await findOutboxById(s.db, draft.id);
    expect(row?.state).toBe('skipped');
    expect(row?.last_error).toMatch(/^withdrawn: Ana Souza answered on Thu 3 Dec/);
    await s.loop.runOnce();
    expect(toAna(s.smtp)).toHaveLength(0);
    const notice = s.smtp.received.find((m) => m.header('subject')?.includes('withdrawn'));
    expect(notice?.header('subject')).toBe('kith: follow-up to Ana Souza withdrawn');
    // The body is quoted-printable: join its soft line breaks before reading it.
    expect(notice?.raw.replace(/=\r\n/g, '')).toContain(NOTICE);
  });

  it('still goes out when the only mail since is an auto-reply, or the reply predates it', async () => {
    const s = await setup();
    await fromAna(s, '2026-11-25T10:00:00.000Z');
    const draft = await followUp(s);
    await fromAna(s, '2026-12-03T08:00:00.000Z', 'auto_reply');
    s.clock.now = new Date('2026-12-03T12:00:00.000Z');
    expect(await approveDraft(s.ctx, draft.id, { at: s.clock.now })).toMatchObject({ ok: true });
    const round = await s.loop.runOnce();
    expect(round).toMatchObject({ withdrawn: 0 });
    expect(toAna(s.smtp)).toHaveLength(1);
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('sent');
  });
});
