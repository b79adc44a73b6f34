import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import { createContactDraft, type OutboxContext } from '../../src/outbox/drafts.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { repoRoot, tsxLoader } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  OWNER,
  quietLogger,
  SECRET,
  SERVICE,
  seedContact,
  smtpEnv,
  startSmtp,
  type TestSmtp,
  testConfig,
  testDb,
} from '../outbox/harness.js';
import { held } from './results.js';

/** Item 3: a real smtp-server that defers, refuses, or sees kith die right after accepting. */

const SUITE = '3 send faults';
const CONTACT = 'ana@acme.example';
const tempDir = useTempDir('kith-chaos-send-');
const cleanups: (() => Promise<void>)[] = [];
let dovecot: DovecotServer;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function smtpServer(...args: Parameters<typeof startSmtp>): Promise<TestSmtp> {
  const smtp = await startSmtp(...args);
  cleanups.push(() => smtp.close());
  return smtp;
}

async function setup(smtp: TestSmtp) {
  const dir = tempDir();
  const db = await testDb(dir);
  const clock = { now: new Date('2026-12-02T09:30:00.000Z') };
  const config = testConfig(dir, smtpEnv(smtp.port));
  const logger = quietLogger();
  const ctx: OutboxContext = { db, config, logger, now: () => clock.now };
  const loop = createSendLoop({ db, config, logger, now: () => clock.now, manual: true });
  await loop.start();
  cleanups.push(async () => {
    await loop.stop();
    await db.destroy();
  });
  const contactId = await seedContact(db);
  const { draft } = await createContactDraft(ctx, {
    kind: 'thank_you',
    contactId,
    subject: 'Thank you',
    text: 'Hi Ana,\n\nThank you for the advice.\n\nSam\n',
    at: clock.now,
  });
  await approveDraft(ctx, draft.id, { at: clock.now });
  return { db, loop, clock, draft };
}

const toContact = (smtp: TestSmtp) => smtp.received.filter((m) => m.to.includes(CONTACT));

describe('send faults', () => {
  it('4xx twice, then accepted: sent exactly once', async () => {
    let refusals = 0;
    const smtp = await smtpServer((mail) => {
      if (mail.to.includes(CONTACT) && refusals < 2) {
        refusals += 1;
        return { code: 451, message: '4.3.0 Try again later' };
      }
      return null;
    });
    const s = await setup(smtp);
    let rounds = 0;
    // Real backoff: the clock moves a minute per round until the draft is out (at most 10).
    while ((await findOutboxById(s.db, s.draft.id))?.state !== 'sent' && rounds < 10) {
      await s.loop.runOnce();
      s.clock.now = new Date(s.clock.now.getTime() + 60_000);
      rounds += 1;
    }
    // More rounds after it went out change nothing.
    for (let i = 0; i < 3; i++) await s.loop.runOnce();
    await held({ suite: SUITE, tried: 'SMTP answers 451 twice, then 250', times: 1 }, async () => {
      expect(refusals).toBe(2);
      expect(toContact(smtp)).toHaveLength(1);
      const row = await findOutboxById(s.db, s.draft.id);
      expect(row).toMatchObject({ state: 'sent', attempts: 3 });
      return `1 delivery after 3 attempts (${rounds} rounds), state sent`;
    });
  });

  it('5xx: failed, the owner told, nothing lost', async () => {
    const smtp = await smtpServer((mail) =>
      mail.to.includes(CONTACT) ? { code: 550, message: '5.1.1 mailbox unavailable' } : null,
    );
    const s = await setup(smtp);
    for (let i = 0; i < 4; i++) {
      await s.loop.runOnce();
      s.clock.now = new Date(s.clock.now.getTime() + 60_000);
    }
    await held(
      { suite: SUITE, tried: 'SMTP answers 550 to the contact mail', times: 1 },
      async () => {
        const row = await findOutboxById(s.db, s.draft.id);
        expect(row).toMatchObject({ state: 'failed', attempts: 1 });
        expect(row?.body_text).toContain('Thank you for the advice.');
        const notice = smtp.received.find(
          (m) => m.to.includes(OWNER) && m.header('subject')?.startsWith('Not sent'),
        );
        expect(notice?.raw).toMatch(/550/);
        expect(toContact(smtp)).toHaveLength(0);
        return `1 attempt, state failed, draft text kept, owner notice "${notice?.header('subject')}"`;
      },
    );
  });

  it('SIGKILL between the SMTP accept and the record: never sent twice', async () => {
    const trials = 5;
    const outcomes: string[] = [];
    await held(
      {
        suite: SUITE,
        tried:
          'sender process SIGKILLed after the server accepted, before the database recorded; restarted (provider files Sent, kith checks it over IMAP)',
        times: trials,
      },
      async () => {
        for (let t = 0; t < trials; t++) outcomes.push(await killTrial());
        return `delivered once in ${trials} of ${trials}; recovered as ${outcomes.join(', ')}`;
      },
    );
  });

  it('SIGKILL after SMTP accept on a server that does not file Sent: never two copies', async () => {
    const trials = 5;
    const outcomes: string[] = [];
    await held(
      {
        suite: SUITE,
        tried:
          'SIGKILL after SMTP accept on a server that does not file Sent (no preset, SMTP_SAVES_SENT left at its default); restarted',
        times: trials,
      },
      async () => {
        for (let t = 0; t < trials; t++) {
          outcomes.push(await killTrial({ serverFilesSent: false }));
        }
        const tally = new Map<string, number>();
        for (const o of outcomes) tally.set(o, (tally.get(o) ?? 0) + 1);
        return `never two copies in ${trials} of ${trials}: ${[...tally].map(([o, n]) => `${n}× ${o}`).join('; ')}`;
      },
    );
  });
});

/**
 * One kill: a child sends and dies on accept; a restarted sender must find out from
 * Sent. `serverFilesSent: false` is a Postfix+Dovecot-like server: only kith's own
 * flagged APPEND (the default without a preset) can tell the restart the mail left.
 */
async function killTrial(options: { serverFilesSent: boolean } = { serverFilesSent: true }) {
  const dir = tempDir();
  const db = await testDb(dir);
  cleanups.push(() => db.destroy());
  const user = dovecot.newUser('chaos-kill');
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const smtp = await smtpServer(async (mail) => {
    if (mail.to.includes(CONTACT)) {
      if (options.serverFilesSent) {
        await dovecot.append(user, 'Sent', mail.raw, { flags: ['\\Seen'] });
      }
      child?.kill('SIGKILL');
      await exited;
    }
    return null;
  });
  const env: Record<string, string> = {
    KITH_DATA_DIR: dir,
    KITH_OWNER_EMAIL: OWNER,
    KITH_OWNER_NAME: 'Sam Rivera',
    KITH_SERVICE_ADDRESS: SERVICE,
    KITH_SECRET: SECRET,
    KITH_TIMEZONE: 'Europe/Berlin',
    ...smtpEnv(smtp.port),
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: user,
    IMAP_PASS: dovecot.password,
    ...(options.serverFilesSent ? { SMTP_SAVES_SENT: 'true' } : {}),
  };
  const config = testConfig(dir, env);
  const ctx = { db, config, logger: quietLogger() };
  const contactId = await seedContact(db);
  const { draft } = await createContactDraft(ctx, {
    kind: 'thank_you',
    contactId,
    subject: 'Thank you',
    text: 'Hi Ana,\n\nThank you.\n\nSam\n',
    at: new Date(),
  });
  await approveDraft(ctx, draft.id, { at: new Date() });
  await db
    .updateTable('outbox')
    .set({ state: 'sent', sent_at: new Date().toISOString() })
    .where('kind', '=', 'approval_request')
    .execute();

  const proc = spawn(
    process.execPath,
    [
      '--import',
      tsxLoader,
      path.join(repoRoot, 'test/outbox/send-child.ts'),
      JSON.stringify({ env }),
    ],
    { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', TZ: 'UTC' }, stdio: 'ignore' },
  );
  child = proc;
  exited = new Promise((resolve) => proc.once('exit', resolve));
  await exited;
  expect(proc.signalCode).toBe('SIGKILL');
  await waitFor(() => toContact(smtp).length === 1, { what: 'the accepted mail' });
  expect((await findOutboxById(db, draft.id))?.state).toBe('sending');

  // Restart: two rounds of a fresh sender over the same database.
  const loop = createSendLoop({ db, config, logger: quietLogger(), manual: true });
  await loop.start();
  const first = await loop.runOnce();
  await loop.runOnce();
  await loop.stop();
  const row = await findOutboxById(db, draft.id as number);
  if (options.serverFilesSent) {
    expect(toContact(smtp)).toHaveLength(1);
    expect(row?.state).toBe('sent');
    return `${row?.state} (recovered ${first.recovered})`;
  }
  // Exactly one copy, or none and the owner told; never two. A copy kith cannot prove
  // left (still flagged pending) is not resent: the owner is asked to check instead.
  const copies = toContact(smtp).length;
  const notice = smtp.received.find(
    (m) => m.to.includes(OWNER) && /^(Check|Not sent):/.test(m.header('subject') ?? ''),
  );
  expect(copies).toBeLessThanOrEqual(1);
  if (copies === 0 || row?.state !== 'sent') expect(notice).toBeDefined();
  return `${copies} copy, ${row?.state}${notice ? `, owner told "${notice.header('subject')}"` : ''}`;
}
