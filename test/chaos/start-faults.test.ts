import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort, type KithChild, spawnKith } from './child.js';
import { held } from './results.js';

/**
 * Item 2 of issue 18 against the real `kith` command: a damaged page in the
 * middle of the database, `restore` while a kith serves, a busy port. Each
 * stops in one sentence and loses nothing.
 */

const SUITE = '2 start-up and restore';
const tempDir = useTempDir('kith-chaos-start-');
const children: KithChild[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function envFor(data: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KITH_DATA_DIR: data,
    KITH_SECRET: 'chaos-start-secret-0123456789-abcdefghij',
    KITH_OWNER_EMAIL: 'owner@example.org',
    WEB_PASSWORD: 'a-long-enough-password',
    ...extra,
  };
}

function cli(args: string[], data: string, extra: Record<string, string> = {}) {
  return runCli(args, { cwd: path.dirname(data), env: envFor(data, extra), timeoutMs: 60_000 });
}

function rows(file: string, table: string): number {
  const db = new SQLite(file, { readonly: true });
  try {
    return Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

function csv(dir: string, name: string, from: number, count: number): string {
  const file = path.join(dir, name);
  const lines = ['name,email'];
  for (let i = from; i < from + count; i++) lines.push(`Person ${i},p${i}@people.example`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function serving(data: string, port: number): Promise<KithChild> {
  const kith = spawnKith(['serve'], envFor(data, { WEB_PORT: String(port) }));
  children.push(kith);
  await waitFor(
    () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000, what: 'kith serve listening' },
  );
  return kith;
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('start-up and restore faults', () => {
  it('a damaged page in the middle of the database', async () => {
    const data = path.join(tempDir(), 'data');
    const made = await cli(['import', 'csv', csv(path.dirname(data), 'a.csv', 0, 400)], data);
    expect(made.code, made.stderr).toBe(0);
    const file = path.join(data, 'kith.sqlite');
    const db = new SQLite(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const pages = statSync(file).size / 4096;
    const damagedPage = Math.floor(pages / 2);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, damagedPage * 4096);
    closeSync(fd);
    const sizeBefore = statSync(file).size;

    const serve = await cli(['serve'], data, { WEB_PORT: String(await freePort()) });
    const doctor = await cli(['doctor'], data);
    await held(
      {
        suite: SUITE,
        tried: `page ${damagedPage} of ${pages} (4 KB of 0xA5) overwritten in a database of 400 contacts; then \`kith serve\` and \`kith doctor\``,
        times: 2,
      },
      () => {
        expect(serve.code).toBe(1);
        expect(oneLine(serve.stderr)).toHaveLength(1);
        expect(serve.stderr).toMatch(/database .*kith\.sqlite is damaged .*restore <file>/);
        expect(serve.stderr).not.toMatch(/\n\s+at /);
        expect(existsSync(path.join(data, 'maildir'))).toBe(false);
        expect(doctor.code).toBe(1);
        expect(doctor.stdout).toMatch(/database.*damaged/);
        expect(statSync(file).size).toBe(sizeBefore);
        return `serve exit ${serve.code} in ${oneLine(serve.stderr).length} line ("…${serve.stderr.trim().slice(-70)}"), no service started; doctor exit ${doctor.code}: "${doctor.stdout
          .split('\n')
          .find((l) => /damaged/.test(l))
          ?.trim()
          .slice(0, 80)}"; file untouched`;
      },
    );
  });

  it('restore while a kith serves on the data dir', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    expect((await cli(['migrate'], data)).code).toBe(0);
    const backup = path.join(dir, 'empty-backup.sqlite');
    expect((await cli(['backup', backup], data)).code).toBe(0);
    const kith = await serving(data, await freePort());
    const before = await cli(['import', 'csv', csv(dir, 'before.csv', 0, 25)], data);
    expect(before.code, before.stderr).toBe(0);
    const restore = await cli(['restore', backup], data);
    const after = await cli(['import', 'csv', csv(dir, 'after.csv', 100, 5)], data);
    const stillServing = kith.alive();
    kith.process.kill('SIGTERM');
    const exit = await kith.exited;
    const contacts = rows(path.join(data, 'kith.sqlite'), 'contacts');
    const kept = readdirSync(data).filter((n) => n.includes('before-restore'));
    await held(
      {
        suite: SUITE,
        tried:
          '`kith restore <backup of an empty database>` while `kith serve` runs, 25 contacts imported before and 5 after the attempt',
        times: 1,
      },
      () => {
        expect(restore.code).toBe(1);
        expect(oneLine(restore.stderr)).toHaveLength(1);
        expect(restore.stderr).toMatch(/kith is running on this data dir .*nothing was changed/);
        expect(after.code, after.stderr).toBe(0);
        expect(stillServing).toBe(true);
        expect(exit).toBe(0);
        expect(contacts).toBe(30);
        expect(kept).toEqual([]);
        return `restore refused (exit ${restore.code}, 1 line); kith kept serving; ${contacts}/30 contacts in the database after it stopped (exit ${exit}); no .before-restore copy made`;
      },
    );
  });

  it('a busy port', async () => {
    const data = path.join(tempDir(), 'data');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const started = Date.now();
    const serve = await cli(['serve'], data, { WEB_PORT: String(port) });
    const ms = Date.now() - started;
    const jobs = existsSync(path.join(data, 'kith.sqlite'))
      ? rows(path.join(data, 'kith.sqlite'), 'jobs')
      : 0;
    await held(
      {
        suite: SUITE,
        tried: `\`kith serve\` with WEB_PORT=${port} held by another listener`,
        times: 1,
      },
      () => {
        expect(serve.code).toBe(1);
        expect(oneLine(serve.stderr)).toHaveLength(1);
        expect(serve.stderr).toMatch(new RegExp(`port ${port} .*already in use.*WEB_PORT`));
        expect(jobs).toBe(0);
        expect(existsSync(path.join(data, 'maildir'))).toBe(false);
        return `exit ${serve.code} after ${(ms / 1000).toFixed(1)} s in 1 line ("…${serve.stderr.trim().slice(-60)}"); ${jobs} jobs run, no Maildir made (no service started)`;
      },
    );
  });
});
