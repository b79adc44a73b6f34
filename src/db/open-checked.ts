import { existsSync } from 'node:fs';
import { KithError } from '../errors.js';
import { type Db, databasePath, migrateToLatest, openDatabase } from './database.js';
import { sql } from './kysely.js';
import { writeFailure } from './write-errors.js';

/**
 * Opens the database for `kith serve`: checks it with `PRAGMA quick_check`
 * (a bad page in the middle of the file otherwise shows only when a query
 * reaches it: Health said "ok" while export and backup failed) and migrates
 * it. Whatever goes wrong comes out as one KithError naming the cause and
 * the fix, never SQLite's stack trace.
 */
export async function openCheckedDatabase(dataDir: string): Promise<Db> {
  const file = databasePath(dataDir);
  const existed = existsSync(file);
  let db: Db | undefined;
  try {
    db = openDatabase(file);
    if (existed) {
      const found = await quickCheck(db);
      if (found !== 'ok') throw damaged(file, found);
    }
    await migrateToLatest(db);
    return db;
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw startupDatabaseError(error, file, dataDir);
  }
}

/** 'ok', or SQLite's first finding (one line). */
async function quickCheck(db: Db): Promise<string> {
  const rows = await sql<{ quick_check: string }>`pragma quick_check`.execute(db);
  const findings = rows.rows.map((r) => r.quick_check);
  if (findings.length === 1 && findings[0] === 'ok') return 'ok';
  return `${findings.length} problem(s), first: ${findings[0] ?? 'unknown'}`;
}

function damaged(file: string, found: string): KithError {
  return new KithError(
    'config',
    `kith cannot start: the database ${file} is damaged (${found}): restore your latest backup with \`npm run kith -- restore <file>\` (the damaged file is kept beside it).`,
  );
}

function startupDatabaseError(error: unknown, file: string, dataDir: string): unknown {
  if (error instanceof KithError) return error;
  const failure = writeFailure(error, dataDir);
  if (failure?.cause === 'corrupt') return damaged(file, (error as Error).message);
  if (failure) {
    return new KithError(
      'config',
      `kith cannot start: ${failure.message.replace(/; kith retries by itself$/, '')}, then start kith again.`,
      { cause: error },
    );
  }
  const code = String((error as { code?: unknown })?.code ?? '');
  if (code === 'SQLITE_CANTOPEN' || code === 'EACCES') {
    return new KithError(
      'config',
      `kith cannot start: it cannot open the database ${file}: make KITH_DATA_DIR exist and be writable for the user kith runs as.`,
      { cause: error },
    );
  }
  return error;
}
