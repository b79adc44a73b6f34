import {
  closeSync,
  existsSync,
  openSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

/**
 * `kith serve` that cannot run stops at once with one sentence naming the
 * cause and the fix, exit code 1, before any service or job started.
 */

const tempDir = useTempDir();
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

const SECRET = 'startup-test-secret-0123456789-abcdefgh';

function env(data: string, extra: Record<string, string> = {}) {
  return {
    KITH_DATA_DIR: data,
    KITH_SECRET: SECRET,
    KITH_OWNER_EMAIL: 'owner@example.org',
    WEB_PASSWORD: 'a-long-enough-password',
    // Never reached in these tests (kith stops before listening), or overridden.
    WEB_PORT: '39999',
    ...extra,
  };
}

/** One sentence on stderr, no stack, exit 1, and no service started (the Maildir is made by the inbox). */
async function expectRefused(data: string, extra: Record<string, string>, pattern: RegExp) {
  const result = await runCli(['serve'], {
    cwd: path.dirname(data),
    env: env(data, extra),
    timeoutMs: 30_000,
  });
  expect(result.code, `${result.stdout}${result.stderr}`).toBe(1);
  // A warning logged before the refusal (plain HTTP beyond loopback) is not the refusal.
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((line) => !/^\S+ warn /.test(line));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at |call stack/);
  expect(existsSync(path.join(data, 'maildir'))).toBe(false);
  return result;
}

async function takePort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** A migrated kith database with enough rows to span many pages. */
async function filledDatabase(data: string): Promise<string> {
  const made = await runCli(['migrate'], { cwd: path.dirname(data), env: env(data) });
  expect(made.code, made.stderr).toBe(0);
  const file = path.join(data, 'kith.sqlite');
  const db = new SQLite(file);
  db.exec('create table ballast (id integer primary key, body text)');
  const insert = db.prepare('insert into ballast (body) values (?)');
  for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(200)}`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return file;
}

describe('kith serve refuses to start, in one sentence', () => {
  it('on a busy port, before any service started', async () => {
    const data = path.join(tempDir(), 'data');
    const port = await takePort();
    await expectRefused(
      data,
      { WEB_PORT: String(port) },
      new RegExp(`port ${port} .* already in use.*WEB_PORT`),
    );
  });

  it('on an address that is not usable (WEB_HOST=999.1.1.1)', async () => {
    const data = path.join(tempDir(), 'data');
    await expectRefused(
      data,
      { WEB_HOST: '999.1.1.1' },
      /WEB_HOST=999\.1\.1\.1 .*set WEB_HOST to 127\.0\.0\.1/,
    );
  });

  it('on a database with a damaged page in the middle', async () => {
    const data = path.join(tempDir(), 'data');
    const file = await filledDatabase(data);
    const pages = statSync(file).size / 4096;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(pages / 2) * 4096);
    closeSync(fd);
    await expectRefused(data, {}, /database .*kith\.sqlite is damaged .*kith -- restore/);
  });

  it('on a truncated database and on one with a bad header', async () => {
    const data = path.join(tempDir(), 'data');
    const file = await filledDatabase(data);
    truncateSync(file, Math.floor(statSync(file).size / 3));
    await expectRefused(data, {}, /database .*kith\.sqlite is damaged .*kith -- restore/);
    writeFileSync(
      file,
      'this is not a database, just text that happens to be long enough '.repeat(100),
    );
    await expectRefused(data, {}, /database .*kith\.sqlite is damaged .*kith -- restore/);
  });
});
