import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupDatabase, inspectBackup } from '../../src/db/backup.js';
import { createContact } from '../../src/db/contacts.js';
import { databasePath, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

describe('backup and restore', () => {
  it('takes a consistent copy while another connection keeps writing', async () => {
    const dir = tempDir();
    const file = databasePath(dir);
    const db = openDatabase(file);
    await migrateToLatest(db);
    for (let i = 0; i < 300; i++) {
      await createContact(
        db,
        { name: `Seed ${i}`, emails: [`seed${i}@example.org`], source: 'test' },
        new Date(0).toISOString(),
      );
    }
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await createContact(
          db,
          { name: `Live ${written}`, emails: [`live${written}@example.org`], source: 'test' },
          new Date().toISOString(),
        );
        written++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const target = path.join(dir, 'copy.sqlite');
    const info = await backupDatabase(file, target);
    writing = false;
    await writer;
    await db.destroy();

    expect(written).toBeGreaterThan(0);
    expect(info.contacts).toBeGreaterThanOrEqual(300);
    const copy = new SQLite(target, { readonly: true });
    // Consistent: every contact in the copy has its creation history row and its address.
    const orphans = copy
      .prepare(
        `select count(*) as n from contacts c
         where not exists (select 1 from stage_history h where h.contact_id = c.id)
            or not exists (select 1 from contact_emails e where e.contact_id = c.id)`,
      )
      .get() as { n: number };
    copy.close();
    expect(orphans.n).toBe(0);
  });

  it('restores a backup through the CLI and the export is the same', async () => {
    const cwd = tempDir();
    const env = { KITH_DATA_DIR: path.join(cwd, 'data') };
    const db = openDatabase(databasePath(env.KITH_DATA_DIR));
    await migrateToLatest(db);
    await createContact(
      db,
      { name: 'Ana Souza', emails: ['ana@example.org'], company: 'Acme', source: 'test' },
      '2026-11-01T10:00:00.000Z',
    );
    await db.destroy();

    const before = await runCli(['export'], { cwd, env });
    expect(before.code).toBe(0);
    const backup = await runCli(['backup', path.join(cwd, 'b.sqlite')], { cwd, env });
    expect(backup.stdout).toContain('backed up 1 contacts');

    const db2 = openDatabase(databasePath(env.KITH_DATA_DIR));
    await createContact(
      db2,
      { name: 'Added Later', emails: ['later@example.org'], source: 'test' },
      '2026-11-02T10:00:00.000Z',
    );
    await db2.destroy();
    const changed = await runCli(['export'], { cwd, env });
    expect(changed.stdout).not.toBe(before.stdout);

    const restore = await runCli(['restore', path.join(cwd, 'b.sqlite')], { cwd, env });
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('the previous database is kept as');
    const after = await runCli(['export'], { cwd, env });
    expect(after.stdout).toBe(before.stdout);
  });

  it('refuses a file that is not a kith database, and keeps the current one', async () => {
    const cwd = tempDir();
    const env = { KITH_DATA_DIR: path.join(cwd, 'data') };
    writeFileSync(path.join(cwd, 'junk.sqlite'), 'not a database at all');
    const plain = new SQLite(path.join(cwd, 'other.sqlite'));
    plain.exec('create table t (x)');
    plain.close();
    expect(() => inspectBackup(path.join(cwd, 'junk.sqlite'))).toThrow(
      /not an SQLite database|cannot be read/,
    );
    expect(() => inspectBackup(path.join(cwd, 'other.sqlite'))).toThrow(/not a kith database/);
    await runCli(['migrate'], { cwd, env });
    const result = await runCli(['restore', path.join(cwd, 'other.sqlite')], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a kith database');
    expect(existsSync(databasePath(env.KITH_DATA_DIR))).toBe(true);
  });
});
