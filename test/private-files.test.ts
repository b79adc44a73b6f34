import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMaildirSource } from '../src/inbox/maildir-source.js';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';
import { captureLogger, testDb, testIngester } from './inbox/ingest-helpers.js';

const tempDir = useTempDir();
const modeOf = (file: string) => statSync(file).mode & 0o777;

// The widest umask, inherited by the CLI children: every mode checked below
// must come from kith itself.
let umaskBefore = 0;
beforeEach(() => {
  umaskBefore = process.umask(0);
});
afterEach(() => {
  process.umask(umaskBefore);
});

describe('files kith writes are private whatever the umask', () => {
  it('data dir 0700; database, its WAL, the secret, backups and restores 0600', async () => {
    const cwd = tempDir();
    const data = path.join(cwd, 'data');
    const migrated = await runCli(['migrate'], { cwd });
    expect(migrated.code).toBe(0);
    expect(modeOf(data)).toBe(0o700);
    const written = readdirSync(data).sort();
    expect(written).toEqual(expect.arrayContaining(['kith.sqlite', 'secret']));
    for (const name of written)
      expect([name, modeOf(path.join(data, name))]).toEqual([name, 0o600]);

    const backup = path.join(cwd, 'kith-backup.sqlite');
    expect((await runCli(['backup', backup], { cwd })).code).toBe(0);
    expect(modeOf(backup)).toBe(0o600);

    expect((await runCli(['restore', backup], { cwd })).code).toBe(0);
    for (const name of readdirSync(data)) {
      expect([name, modeOf(path.join(data, name))]).toEqual([name, 0o600]);
    }
  });

  it('tightens a database an older kith left readable', async () => {
    const cwd = tempDir();
    expect((await runCli(['migrate'], { cwd })).code).toBe(0);
    const db = path.join(cwd, 'data', 'kith.sqlite');
    chmodSync(db, 0o644);
    chmodSync(path.join(cwd, 'data'), 0o755);
    expect((await runCli(['migrate'], { cwd })).code).toBe(0);
    expect(modeOf(db)).toBe(0o600);
    expect(modeOf(path.join(cwd, 'data'))).toBe(0o700);
  });

  it('the Maildir folders kith creates are 0700', async () => {
    const root = tempDir();
    const db = await testDb(root);
    const { ingester } = testIngester(db, { now: () => new Date() });
    const dir = path.join(root, 'maildir');
    const source = createMaildirSource({ dir, ingester, logger: captureLogger().logger });
    try {
      await source.start();
      for (const sub of ['', 'new', 'cur', 'tmp', 'quarantine']) {
        expect([sub, modeOf(path.join(dir, sub))]).toEqual([sub, 0o700]);
      }
      expect(modeOf(path.join(root, 'kith.sqlite'))).toBe(0o600);
      for (const suffix of ['-wal', '-shm']) {
        const file = path.join(root, `kith.sqlite${suffix}`);
        if (existsSync(file)) expect([suffix, modeOf(file)]).toEqual([suffix, 0o600]);
      }
    } finally {
      await source.stop();
      await db.destroy();
    }
  });
});
