import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import { createContactDraft } from '../../src/outbox/drafts.js';
import { createEmlIndex } from '../../src/outbox/eml-index.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { repoRoot, tsxLoader } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
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

/**
 * The exactly-once guarantee, tested the hard way: a real child process
 * sends, is SIGKILLed after the mail left but before the database recorded
 * it, and a restarted sender must not send it again.
 */

const tempDir = useTempDir();
const childScript = path.join(repoRoot, 'test/outbox/send-child.ts');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let dovecot: DovecotServer;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.close();
});

interface Child {
  readonly process: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

function startChild(env: Record<string, string>, options: { holdAfterFile?: boolean } = {}): Child {
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, childScript, JSON.stringify({ env, ...options })],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** A contact draft approved and due; the approval request is out of the way. */
async function seedApprovedDraft(db: Db, dir: string, env: Record<string, string>) {
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
  return { draft, config };
}

/** Restarts a sender in this process and runs one round. */
async function restartAndRound(db: Db, dir: string, env: Record<string, string>) {
  const loop = createSendLoop({
    db,
    config: testConfig(dir, env),
    logger: quietLogger(),
    manual: true,
  });
  await loop.start();
  try {
    const first = await loop.runOnce();
    const second = await loop.runOnce(); // e.g. the owner notice queued by the first
    return { first, second };
  } finally {
    await loop.stop();
  }
}

async function stateOf(db: Db, draft: OutboxRow) {
  return findOutboxById(db, draft.id);
}

const childEnv = (dir: string, env: Record<string, string>) => ({
  KITH_DATA_DIR: dir,
  KITH_OWNER_EMAIL: OWNER,
  KITH_OWNER_NAME: 'Sam Rivera',
  KITH_SERVICE_ADDRESS: 'sam+kith@example.org',
  KITH_SECRET: 'test-secret-0123456789-abcdefghijklmnop',
  KITH_TIMEZONE: 'Europe/Berlin',
  ...env,
});

describe('killed mid-send, not sent twice', () => {
  it('.eml transport: the file is the proof', async () => {
    const dir = tempDir();
    const db = await testDb(dir);
    cleanups.push(() => db.destroy());
    const { draft } = await seedApprovedDraft(db, dir, {});

    const child = startChild(childEnv(dir, {}), { holdAfterFile: true });
    await waitFor(() => child.stdout().includes(`ACCEPTED ${draft.message_id}`), {
      timeoutMs: 20_000,
      what: `the child to write the .eml (stderr: ${child.stderr()})`,
    });
    child.process.kill('SIGKILL');
    await child.exited;
    expect((await stateOf(db, draft))?.state).toBe('sending');
    const file = await createEmlIndex(path.join(dir, 'outbox')).find(draft.message_id);
    if (!file) throw new Error('the child wrote no .eml file');
    const written = statSync(file).mtimeMs;
    const before = readdirSync(path.join(dir, 'outbox'));

    const { first } = await restartAndRound(db, dir, {});
    expect(first.recovered).toBe(1);
    expect(first.sent).toBe(0);
    expect((await stateOf(db, draft))?.state).toBe('sent');
    expect(readdirSync(path.join(dir, 'outbox'))).toEqual(before);
    expect(statSync(file).mtimeMs).toBe(written);
  });

  /** SMTP peer that hands each contact mail to `onContactMail` before answering. */
  async function holdingSmtp(onContactMail: (raw: string) => Promise<void>): Promise<TestSmtp> {
    const smtp = await startSmtp(async (mail) => {
      if (mail.to.includes('ana@acme.example')) await onContactMail(mail.raw);
      return null;
    });
    cleanups.push(() => smtp.close());
    return smtp;
  }

  it('SMTP + IMAP, provider files Sent: the Sent folder SEARCH finds it', async () => {
    const dir = tempDir();
    const db = await testDb(dir);
    cleanups.push(() => db.destroy());
    const user = dovecot.newUser('kill');
    let child: Child | undefined;
    const smtp = await holdingSmtp(async (raw) => {
      // The provider files the accepted mail in Sent; then kith dies before recording it.
      await dovecot.append(user, 'Sent', raw, { flags: ['\\Seen'] });
      child?.process.kill('SIGKILL');
      await child?.exited;
    });
    const env = {
      ...smtpEnv(smtp.port),
      ...imapEnv(user),
      SMTP_SAVES_SENT: 'true',
    };
    const { draft } = await seedApprovedDraft(db, dir, env);
    child = startChild(childEnv(dir, env));
    await child.exited;
    expect(child.stdout()).not.toContain('DONE');
    await waitFor(() => smtp.received.length === 1, { what: 'the server to record the mail' });
    expect((await stateOf(db, draft))?.state).toBe('sending');

    const { first } = await restartAndRound(db, dir, env);
    expect(first.recovered).toBe(1);
    expect((await stateOf(db, draft))?.state).toBe('sent');
    expect(smtp.received.filter((m) => m.to.includes('ana@acme.example'))).toHaveLength(1);
  });

  it('SMTP + IMAP, kith files Sent: a copy still flagged mid-send is never resent; the owner is told', async () => {
    const dir = tempDir();
    const db = await testDb(dir);
    cleanups.push(() => db.destroy());
    const user = dovecot.newUser('kill');
    let child: Child | undefined;
    const smtp = await holdingSmtp(async () => {
      child?.process.kill('SIGKILL');
      await child?.exited;
    });
    const env = { ...smtpEnv(smtp.port), ...imapEnv(user), SMTP_SAVES_SENT: 'false' };
    const { draft } = await seedApprovedDraft(db, dir, env);
    child = startChild(childEnv(dir, env));
    await child.exited;

    const { first, second } = await restartAndRound(db, dir, env);
    expect(await stateOf(db, draft)).toMatchObject({
      state: 'failed',
      last_error: expect.stringMatching(/cannot tell whether it went out/),
    });
    expect(smtp.received.filter((m) => m.to.includes('ana@acme.example'))).toHaveLength(1);
    expect(first.sent + second.sent).toBe(1); // the notice to the owner, nothing else
    const notice = smtp.received.find((m) => m.to.includes(OWNER));
    expect(notice?.header('subject')).toBe('Check: thank-you note to Ana Souza');
  });

  it('SMTP without IMAP: kith cannot look, so it does not resend and tells the owner', async () => {
    const dir = tempDir();
    const db = await testDb(dir);
    cleanups.push(() => db.destroy());
    let child: Child | undefined;
    const smtp = await holdingSmtp(async () => {
      child?.process.kill('SIGKILL');
      await child?.exited;
    });
    const env = smtpEnv(smtp.port);
    const { draft } = await seedApprovedDraft(db, dir, env);
    child = startChild(childEnv(dir, env));
    await child.exited;
    await restartAndRound(db, dir, env);
    expect((await stateOf(db, draft))?.state).toBe('failed');
    expect(smtp.received.filter((m) => m.to.includes('ana@acme.example'))).toHaveLength(1);
  });
});

function imapEnv(user: string): Record<string, string> {
  return {
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: user,
    IMAP_PASS: dovecot.password,
  };
}
