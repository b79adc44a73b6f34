import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import { KithError } from '../../src/errors.js';
import { approveDraft, snoozeDraft } from '../../src/outbox/draft-commands.js';
import { createContactDraft, type OutboxContext, queueOwnerMail } from '../../src/outbox/drafts.js';
import { createEmlIndex } from '../../src/outbox/eml-index.js';
import { createFileTransport } from '../../src/outbox/file-transport.js';
import { verifySignedMessageId } from '../../src/outbox/message-id.js';
import { createSendLoop, type SendLoop } from '../../src/outbox/send-loop.js';
import { useTempDir } from '../helpers/temp-dir.js';
import {
  OWNER,
  quietLogger,
  SECRET,
  SERVICE,
  seedContact,
  seedThreadMessage,
  smtpEnv,
  startSmtp,
  type TestSmtp,
  testConfig,
  testDb,
} from './harness.js';

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  ctx: OutboxContext;
  db: Db;
  dir: string;
  loop: SendLoop;
  contactId: number;
  clock: { now: Date };
}

async function setup(options: { smtp?: TestSmtp; env?: Record<string, string> } = {}) {
  const dir = tempDir();
  const db = await testDb(dir);
  const clock = { now: new Date('2026-12-02T09:30:00.000Z') };
  const config = testConfig(dir, {
    ...(options.smtp ? smtpEnv(options.smtp.port) : {}),
    ...options.env,
  });
  const logger = quietLogger();
  const now = () => clock.now;
  const ctx: OutboxContext = { db, config, logger, now };
  const loop = createSendLoop({
    db,
    config,
    logger,
    now,
    manual: true,
    retry: { baseMs: 1, maxMs: 1, maxAttempts: 4 },
  });
  await loop.start();
  cleanups.push(async () => {
    await loop.stop();
    await db.destroy();
  });
  const contactId = await seedContact(db);
  return { ctx, db, dir, loop, contactId, clock } satisfies Setup;
}

async function smtpServer(...args: Parameters<typeof startSmtp>) {
  const smtp = await startSmtp(...args);
  cleanups.push(() => smtp.close());
  return smtp;
}

async function approvedDraft(s: Setup, text = 'Hi Ana,\n\nThank you.\n\nSam\n') {
  const { draft } = await createContactDraft(s.ctx, {
    kind: 'thank_you',
    contactId: s.contactId,
    subject: 'Thank you',
    text,
    at: s.clock.now,
  });
  await approveDraft(s.ctx, draft.id, { at: s.clock.now });
  return draft;
}

const toAna = (smtp: TestSmtp) => smtp.received.filter((m) => m.to.includes('ana@acme.example'));
const toOwner = (smtp: TestSmtp) => smtp.received.filter((m) => m.to.includes(OWNER));

describe('send loop over SMTP', () => {
  it('sends mail to the owner at once, auto-generated and with a signed Message-ID', async () => {
    const smtp = await smtpServer();
    const s = await setup({ smtp });
    const row = await queueOwnerMail(s.ctx, {
      kind: 'prep_brief',
      contactId: s.contactId,
      subject: 'Tomorrow: Ana Souza',
      text: 'Your meeting is tomorrow.\n',
      at: s.clock.now,
    });
    const report = await s.loop.runOnce();
    expect(report.sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.header('auto-submitted')).toBe('auto-generated');
    expect(mail.header('message-id')).toBe(`<${row.message_id}>`);
    expect(verifySignedMessageId(SECRET, mail.header('message-id')!)).toBe(`o${row.id}`);
    expect(mail.header('from')).toBe(`kith <${SERVICE}>`);
    expect(mail.header('to')).toBe(`Sam Rivera <${OWNER}>`);
    expect(mail.header('subject')).toBe('Tomorrow: Ana Souza');
    expect(mail.to).toEqual([OWNER]);
    expect(mail.raw).toContain('Your meeting is tomorrow.');
    expect((await findOutboxById(s.db, row.id))?.state).toBe('sent');
  });

  it('sends a contact draft only after approval: from the owner, threaded, BCC to kith', async () => {
    const smtp = await smtpServer();
    const s = await setup({ smtp });
    await seedThreadMessage(s.db, s.contactId, {
      messageId: 'first@acme.example',
      date: '2026-11-10T10:00:00.000Z',
      direction: 'out',
    });
    await seedThreadMessage(s.db, s.contactId, {
      messageId: 'second@acme.example',
      references: '<first@acme.example>',
      date: '2026-11-11T10:00:00.000Z',
    });
    const { draft } = await createContactDraft(s.ctx, {
      kind: 'thank_you',
      contactId: s.contactId,
      subject: 'Re: coffee?',
      text: 'Hi Ana,\n\nThank you for the conversation.\n\nSam\n',
      at: s.clock.now,
    });
    await s.loop.runOnce();
    // Only the approval request left; the draft waits.
    expect(smtp.received.map((m) => m.to)).toEqual([[OWNER]]);
    expect(toOwner(smtp)[0]!.raw).toContain('Thank you for the conversation.');
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('awaiting_approval');

    await approveDraft(s.ctx, draft.id, { at: s.clock.now });
    await s.loop.runOnce();
    const sent = toAna(smtp);
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.from).toBe(OWNER);
    expect(mail.to.sort()).toEqual(['ana@acme.example', SERVICE].sort());
    expect(mail.header('from')).toBe(`Sam Rivera <${OWNER}>`);
    expect(mail.header('to')).toBe('Ana Souza <ana@acme.example>');
    expect(mail.header('bcc')).toBeUndefined();
    expect(mail.header('message-id')).toBe(`<${draft.message_id}>`);
    expect(mail.header('in-reply-to')).toBe('<second@acme.example>');
    expect(mail.header('references')).toBe('<first@acme.example> <second@acme.example>');
    expect(mail.header('auto-submitted')).toBeUndefined();
    expect(mail.header('subject')).toBe('Re: coffee?');
    expect(mail.raw).toContain('Thank you for the conversation.');
    expect(await findOutboxById(s.db, draft.id)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('retries a 4xx with backoff and sends exactly once', async () => {
    let refusals = 0;
    const smtp = await smtpServer((mail) => {
      if (mail.to.includes('ana@acme.example') && refusals < 2) {
        refusals += 1;
        return { code: 451, message: '4.3.0 Try again later' };
      }
      return null;
    });
    const s = await setup({ smtp });
    const draft = await approvedDraft(s);
    await s.loop.runOnce(); // approval request sent, draft refused once
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('approved');
    expect((await findOutboxById(s.db, draft.id))?.last_error).toMatch(/451/);
    for (let i = 0; i < 5 && (await findOutboxById(s.db, draft.id))?.state !== 'sent'; i++) {
      s.clock.now = new Date(s.clock.now.getTime() + 60_000);
      await s.loop.runOnce();
    }
    expect(refusals).toBe(2);
    expect(toAna(smtp)).toHaveLength(1);
    expect(await findOutboxById(s.db, draft.id)).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('gives up on a 5xx at once and tells the owner what failed', async () => {
    const smtp = await smtpServer((mail) =>
      mail.to.includes('ana@acme.example')
        ? { code: 550, message: '5.1.1 <ana@acme.example>: mailbox unavailable' }
        : null,
    );
    const s = await setup({ smtp });
    const draft = await approvedDraft(s);
    await s.loop.runOnce();
    const failed = await findOutboxById(s.db, draft.id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed?.last_error).toMatch(/550.*mailbox unavailable/);
    await s.loop.runOnce(); // the notice goes out in the next round
    const notice = toOwner(smtp).find((m) => m.header('subject')?.startsWith('Not sent'));
    expect(notice?.header('subject')).toBe('Not sent: thank-you note to Ana Souza');
    expect(notice?.raw).toMatch(/550 5\.1\.1/);
    expect(notice?.header('auto-submitted')).toBe('auto-generated');
    expect(toAna(smtp)).toHaveLength(0);
  });

  it('keeps owner mail within OWNER_MAIL_PER_HOUR: the rest waits, none is dropped', async () => {
    const smtp = await smtpServer();
    const s = await setup({ smtp, env: { OWNER_MAIL_PER_HOUR: '2' } });
    for (const n of [1, 2, 3]) {
      await queueOwnerMail(s.ctx, { kind: 'notice', subject: `n${n}`, text: 'x', at: s.clock.now });
    }
    const first = await s.loop.runOnce();
    expect(first).toMatchObject({ sent: 2, waitingForCap: 1 });
    expect(s.loop.status().detail).toMatchObject({ waitingForHourlyCap: 1 });
    s.clock.now = new Date(s.clock.now.getTime() + 30 * 60_000);
    expect(await s.loop.runOnce()).toMatchObject({ sent: 0, waitingForCap: 1 });
    s.clock.now = new Date(s.clock.now.getTime() + 31 * 60_000);
    expect(await s.loop.runOnce()).toMatchObject({ sent: 1, waitingForCap: 0 });
    expect(smtp.received.map((m) => m.header('subject'))).toEqual(['n1', 'n2', 'n3']);
  });

  it('owner mail held by the cap never holds up approved contact mail', async () => {
    const smtp = await smtpServer();
    const s = await setup({ smtp });
    for (let n = 0; n < 500; n++) {
      await queueOwnerMail(s.ctx, { kind: 'notice', subject: `n${n}`, text: 'x', at: s.clock.now });
    }
    const first = await s.loop.runOnce();
    expect(first).toMatchObject({ sent: 30, waitingForCap: 470 });
    // Approved while all 470 older owner mails wait for the cap (and its approval request too).
    s.clock.now = new Date(s.clock.now.getTime() + 10_000);
    const draft = await approvedDraft(s);
    s.clock.now = new Date(s.clock.now.getTime() + 50_000);
    const next = await s.loop.runOnce();
    expect(next).toMatchObject({ sent: 1, waitingForCap: 471 });
    expect(toAna(smtp)).toHaveLength(1);
    expect(await findOutboxById(s.db, draft.id)).toMatchObject({ state: 'sent' });
    expect(toOwner(smtp)).toHaveLength(30);
  });

  it('owner mail never exceeds OWNER_MAIL_PER_HOUR in any hour, and all of it leaves in turn', async () => {
    const smtp = await smtpServer();
    const s = await setup({ smtp, env: { OWNER_MAIL_PER_HOUR: '4' } });
    for (let n = 0; n < 20; n++) {
      await queueOwnerMail(s.ctx, { kind: 'notice', subject: `n${n}`, text: 'x', at: s.clock.now });
    }
    const start = s.clock.now.getTime();
    const sentAt: number[] = [];
    // A round every 7 minutes for five hours: the cap, not the round rhythm, sets the pace.
    for (let minute = 0; minute <= 300; minute += 7) {
      s.clock.now = new Date(start + minute * 60_000);
      const before = toOwner(smtp).length;
      await s.loop.runOnce();
      for (let i = before; i < toOwner(smtp).length; i++) sentAt.push(s.clock.now.getTime());
    }
    for (const t of sentAt) {
      const inHour = sentAt.filter((u) => u >= t && u < t + 3_600_000);
      expect(inHour.length).toBeLessThanOrEqual(4);
    }
    // Oldest first, none skipped or dropped: 4 per hour over five hours (0, 63, 126, 189, 252 min).
    expect(toOwner(smtp).map((m) => m.header('subject'))).toEqual(
      Array.from({ length: 20 }, (_, n) => `n${n}`),
    );
  });

  it('asks again when a snooze is over', async () => {
    const smtp = await smtpServer();
    const s = await setup({ smtp });
    const { draft } = await createContactDraft(s.ctx, {
      kind: 'keep_in_touch',
      contactId: s.contactId,
      subject: 'An update',
      text: 'Hi Ana,\n\nNews.\n\nSam\n',
      at: s.clock.now,
    });
    await s.loop.runOnce();
    const until = new Date(s.clock.now.getTime() + 3 * 86_400_000);
    await snoozeDraft(s.ctx, draft.id, { until, at: s.clock.now });
    await s.loop.runOnce();
    expect(toOwner(smtp)).toHaveLength(1);
    s.clock.now = new Date(until.getTime() + 1000);
    await s.loop.runOnce();
    expect(toOwner(smtp)).toHaveLength(2);
    expect(toOwner(smtp)[1]!.raw).toContain('Back from snooze');
    expect((await findOutboxById(s.db, draft.id))?.state).toBe('awaiting_approval');
  });
});

describe('file transport (the default)', () => {
  it('writes each mail once, as a private .eml file named by time, never by its signed id', async () => {
    const before = process.umask(0); // the widest umask: modes must come from kith, not from it
    try {
      const s = await setup();
      const draft = await approvedDraft(s);
      await s.loop.runOnce();
      const folder = path.join(s.dir, 'outbox');
      const files = readdirSync(folder).sort();
      expect(files).toHaveLength(2); // the approval request and the thank-you
      for (const name of files) {
        expect(name).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{12}\.eml$/);
        expect(statSync(path.join(folder, name)).mode & 0o777).toBe(0o600);
      }
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      const ids = await s.db.selectFrom('outbox').select('message_id').execute();
      expect(ids).toHaveLength(2);
      for (const { message_id } of ids) {
        expect(files.join(' ')).not.toContain(message_id.split('@')[0]);
      }
      const file = await createEmlIndex(folder).find(draft.message_id);
      expect(file).toBeDefined();
      const eml = readFileSync(file as string, 'utf8');
      expect(eml).toMatch(/^Bcc: sam\+kith@example\.org\r$/m); // what would have gone out
      expect(eml).toContain(`Message-ID: <${draft.message_id}>`);
      expect(readdirSync(folder).some((f) => f.endsWith('.tmp'))).toBe(false);
      const written = statSync(file as string).mtimeMs;
      await s.loop.runOnce();
      expect(readdirSync(folder)).toHaveLength(2);
      expect(statSync(file as string).mtimeMs).toBe(written);
    } finally {
      process.umask(before);
    }
  });

  it('renames files an older kith named by Message-ID, and still finds them', async () => {
    const dir = tempDir();
    const folder = path.join(dir, 'outbox');
    mkdirSync(folder);
    const id = 'kith.owner.abc-signed@example.org';
    writeFileSync(path.join(folder, `${id}.eml`), `Message-ID: <${id}>\r\n\r\nhi\r\n`, {
      mode: 0o644,
    });
    const transport = createFileTransport(dir);
    expect(await transport.alreadySent(id)).toBe('yes');
    const names = readdirSync(folder);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{12}\.eml$/);
    expect(statSync(path.join(folder, names[0] as string)).mode & 0o777).toBe(0o600);
  });

  it('tells after a restart which Message-IDs it already wrote', async () => {
    const dir = tempDir();
    const mail = (id: string) => ({
      messageId: id,
      raw: Buffer.from(''),
      rawWithBcc: Buffer.from(`From: a@example.org\r\nMessage-ID:\r\n <${id}>\r\n\r\nhi\r\n`),
      envelope: { from: 'a@example.org', to: ['b@example.org'] },
    });
    const first = createFileTransport(dir);
    expect(await first.alreadySent('one@example.org')).toBe('no'); // no folder yet
    await first.send(mail('one@example.org'));
    await first.send(mail('two@example.org'));
    expect(await first.alreadySent('two@example.org')).toBe('yes');
    const restarted = createFileTransport(dir);
    expect(await restarted.alreadySent('one@example.org')).toBe('yes');
    expect(await restarted.alreadySent('three@example.org')).toBe('no');
    await restarted.send(mail('three@example.org'));
    expect(await restarted.alreadySent('three@example.org')).toBe('yes');
  });
});

describe('one sender per data dir', () => {
  it('a second loop on the same database is refused, naming the holder', async () => {
    const s = await setup();
    // The same clock as the holder: on the real one, its heartbeat would look days stale.
    const second = createSendLoop({
      db: s.db,
      config: s.ctx.config,
      logger: quietLogger(),
      now: s.ctx.now,
      manual: true,
    });
    const error = await second.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KithError);
    expect((error as KithError).code).toBe('locked');
    expect((error as KithError).message).toContain(`pid ${process.pid}`);
    expect((error as KithError).message).toContain(s.dir);
    await s.loop.stop();
    await second.start();
    await second.stop();
  });
});
