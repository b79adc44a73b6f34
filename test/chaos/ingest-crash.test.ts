import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { runCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort, type KithChild, spawnKith } from './child.js';
import { backfillCorpus, OWNER, rng, SECRET, SERVICE } from './corpus.js';
import { held } from './results.js';

/**
 * Item 1: a 5,000-message backfill through a real `kith serve` against
 * Dovecot, SIGKILLed at 20 random points and restarted each time, must end
 * with the same export, byte for byte, as a run nobody interrupted.
 */

const SUITE = '1 crash during ingest';
const TOTAL = 5_000;
const KILLS = 20;

let dovecot: DovecotServer;
const dirs: string[] = [];
const children: KithChild[] = [];
// Mail dates one day back, inside the backfill window, before any follow-up is due.
const start = new Date(Date.now() - 2 * 86_400_000);

beforeAll(async () => {
  dovecot = await startDovecot({ maxUserIpConnections: 50 });
});
afterAll(async () => {
  for (const child of children) await child.kill();
  await dovecot?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function seedUser(): string {
  const user = dovecot.newUser('backfill');
  const written = dovecot.writeMaildir(user, 'INBOX', backfillCorpus(TOTAL, start), {
    receivedAt: new Date(start.getTime() + TOTAL * 60_000),
  });
  expect(written).toBe(TOTAL);
  return user;
}

async function envFor(user: string): Promise<Record<string, string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-chaos-ingest-'));
  dirs.push(dir);
  return {
    KITH_DATA_DIR: dir,
    KITH_OWNER_EMAIL: OWNER,
    KITH_OWNER_NAME: 'Sam Owner',
    KITH_SERVICE_ADDRESS: SERVICE,
    KITH_SECRET: SECRET,
    KITH_TIMEZONE: 'Europe/Berlin',
    IMAP_HOST: '127.0.0.1',
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: user,
    IMAP_PASS: dovecot.password,
    IMAP_MAILBOXES: 'INBOX',
    // The test server's name in the Authentication-Results its fixtures carry (see corpus.ts).
    IMAP_AUTHSERV_ID: 'mx.example.org',
    WEB_PORT: String(await freePort()),
    WEB_PASSWORD: 'chaos web password',
  };
}

/** INBOX's checkpoint, read from the side like any other process could (0 before the first). */
function lastUid(dataDir: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(path.join(dataDir, 'kith.sqlite'), { readonly: true, fileMustExist: true });
    const row = db.prepare("SELECT last_uid FROM sync_state WHERE mailbox = 'INBOX'").get() as
      | { last_uid: number }
      | undefined;
    return row?.last_uid ?? 0;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

function serve(env: Record<string, string>): KithChild {
  const child = spawnKith(['serve'], env);
  children.push(child);
  return child;
}

async function runToEnd(env: Record<string, string>): Promise<void> {
  const child = serve(env);
  await waitFor(() => lastUid(env.KITH_DATA_DIR as string) >= TOTAL || !child.alive(), {
    timeoutMs: 180_000,
    intervalMs: 100,
    what: 'the backfill to finish',
  });
  expect(child.alive(), child.output()).toBe(true);
  await child.kill('SIGTERM');
}

interface ExportDoc {
  contacts: { messages: unknown[]; history: { at: string }[] }[];
}

/**
 * The export with the one generated value taken out: a stage change is
 * stamped with the time ingest handled the mail, which differs between runs.
 * Everything else (ids, order, texts, dates from the mail) must match.
 */
function withoutIngestTimes(json: string): string {
  const doc = JSON.parse(json) as ExportDoc;
  for (const contact of doc.contacts) {
    for (const change of contact.history) change.at = '<ingest time>';
  }
  return JSON.stringify(doc, null, 2);
}

async function exportJson(env: Record<string, string>): Promise<string> {
  const result = await runCli(['export', '--format', 'json'], {
    env,
    cwd: env.KITH_DATA_DIR as string,
    timeoutMs: 60_000,
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe('crash during ingest', () => {
  it('20 SIGKILLs at random points of a 5,000-message backfill change nothing', async () => {
    const cleanUser = seedUser();
    const crashUser = seedUser();
    const cleanEnv = await envFor(cleanUser);
    const crashEnv = await envFor(crashUser);

    const t0 = Date.now();
    await runToEnd(cleanEnv);
    const cleanMs = Date.now() - t0;

    // Kill points: 20 random checkpoint targets spread over the backfill, in order.
    const random = rng(20261122);
    const targets = Array.from({ length: KILLS }, () => Math.floor(random() * TOTAL)).sort(
      (a, b) => a - b,
    );
    const reached: number[] = [];
    const crashDir = crashEnv.KITH_DATA_DIR as string;
    for (const target of targets) {
      const child = serve(crashEnv);
      // Sometimes before the first message (at start-up), else mid-backfill.
      await waitFor(() => lastUid(crashDir) >= target || !child.alive(), {
        timeoutMs: 120_000,
        intervalMs: 5,
        what: `the checkpoint to pass ${target}`,
      });
      expect(child.alive(), child.output()).toBe(true);
      await child.kill('SIGKILL');
      reached.push(lastUid(crashDir));
    }
    await runToEnd(crashEnv);

    const clean = withoutIngestTimes(await exportJson(cleanEnv));
    const crashed = withoutIngestTimes(await exportJson(crashEnv));
    const doc = JSON.parse(clean) as ExportDoc;
    const messages = doc.contacts.reduce((n, c) => n + c.messages.length, 0);
    const history = doc.contacts.reduce((n, c) => n + c.history.length, 0);
    await held(
      {
        suite: SUITE,
        tried: `SIGKILL of \`kith serve\` at random points of a ${TOTAL}-message IMAP backfill (Dovecot), restarted each time; export compared with an uninterrupted run`,
        times: KILLS,
      },
      () => {
        expect(messages).toBeGreaterThan(1000);
        expect(crashed).toBe(clean);
        return `export identical but for stage-change stamps (${clean.length} bytes: ${doc.contacts.length} contacts, ${messages} messages, ${history} history rows); kills at checkpoints ${reached.join(', ')}; clean run ${(cleanMs / 1000).toFixed(1)} s`;
      },
    );
  });
});
