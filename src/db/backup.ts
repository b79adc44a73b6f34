import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { KithError } from '../errors.js';
import { LEASE_KEY, liveHolder } from '../outbox/lease.js';
import { keepPrivate, makePrivateFile } from '../private-files.js';
import { migrations } from './migrations/index.js';

/** What a backup file holds, found by opening it read-only. */
export interface BackupInfo {
  readonly contacts: number;
  readonly migrations: readonly string[];
}

/**
 * Copies the live database to `target` with SQLite's online backup API, which
 * gives a consistent snapshot even while kith keeps writing (WAL mode).
 */
export async function backupDatabase(source: string, target: string): Promise<BackupInfo> {
  if (!existsSync(source))
    throw new KithError('not_found', `no database at ${source}: nothing to back up`);
  if (existsSync(target)) {
    throw new KithError('bad_input', `${target} already exists; choose a new file name`);
  }
  if (!existsSync(path.dirname(path.resolve(target)))) {
    throw new KithError(
      'not_found',
      `the folder ${path.dirname(path.resolve(target))} does not exist; create it or choose another place for the backup`,
    );
  }
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    // A backup holds everything the database does: private from its first byte.
    makePrivateFile(target);
    await db.backup(target);
  } catch (error) {
    rmSync(target, { force: true });
    throw new KithError('bad_input', `could not write ${target}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    db.close();
  }
  return inspectBackup(target);
}

/** Opens a backup read-only and checks it is an intact kith database. */
export function inspectBackup(file: string): BackupInfo {
  if (!existsSync(file)) throw new KithError('not_found', `${file} does not exist`);
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new KithError('bad_input', `${file} is not an SQLite database`, { cause: error });
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      throw new KithError('bad_input', `${file} is damaged: ${String(integrity)}`);
    const hasTables = db
      .prepare(
        "select count(*) as n from sqlite_master where type = 'table' and name in ('contacts', 'kysely_migration')",
      )
      .get() as { n: number };
    if (hasTables.n < 2) throw new KithError('bad_input', `${file} is not a kith database`);
    const applied = (
      db.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    ).map((r) => r.name);
    const unknown = applied.filter((name) => !(name in migrations));
    if (unknown.length > 0) {
      throw new KithError(
        'bad_input',
        `${file} was made by a newer kith (migration ${unknown[0]}); upgrade kith before restoring it`,
      );
    }
    const contacts = (db.prepare('select count(*) as n from contacts').get() as { n: number }).n;
    return { contacts, migrations: applied };
  } catch (error) {
    if (error instanceof KithError) throw error;
    throw new KithError('bad_input', `${file} cannot be read as a kith backup`, { cause: error });
  } finally {
    db.close();
  }
}

/**
 * A restore under a running kith loses what it writes afterwards (it keeps
 * its handle on the file that was moved aside), so it is refused while the
 * sender lease has a live holder. A lease left by a process that is gone
 * does not count.
 */
function refuseWhileServed(target: string): void {
  let raw: string | undefined;
  try {
    const live = new SQLite(target, { readonly: true, fileMustExist: true });
    try {
      raw = (
        live.prepare('select value from key_values where key = ?').get(LEASE_KEY) as
          | { value: string }
          | undefined
      )?.value;
    } finally {
      live.close();
    }
  } catch {
    // No lease table, or a damaged file: nothing can be serving from it.
    return;
  }
  const holder = raw === undefined ? null : liveHolder(raw, new Date());
  if (holder) {
    throw new KithError(
      'locked',
      `kith is running on this data dir (pid ${holder.pid} on ${holder.host}, since ${holder.since}): stop it first (e.g. \`systemctl stop kith\`), then restore; nothing was changed.`,
    );
  }
}

/**
 * Replaces the database with a checked backup. The current database is kept
 * beside it (`<file>.before-restore-<stamp>`) so a restore can be undone.
 */
export function restoreDatabase(
  backup: string,
  target: string,
  stamp: string,
): { kept: string | null } & BackupInfo {
  const info = inspectBackup(backup);
  let kept: string | null = null;
  if (existsSync(target)) refuseWhileServed(target);
  if (existsSync(target)) {
    // Fold the WAL into the main file first so the kept copy is complete.
    const live = new SQLite(target);
    live.pragma('wal_checkpoint(TRUNCATE)');
    live.close();
    kept = `${target}.before-restore-${stamp}`;
    renameSync(target, kept);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  copyFileSync(backup, `${target}.restoring`);
  keepPrivate(`${target}.restoring`);
  renameSync(`${target}.restoring`, target);
  return { kept, ...info };
}
