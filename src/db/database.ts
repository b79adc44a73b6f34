import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { MigrationResultSet } from 'kysely';
import { keepPrivate, makePrivateDir, makePrivateFile } from '../private-files.js';
import { Kysely, Migrator, SqliteDialect, sql } from './kysely.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/** The database file inside the data dir. */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, 'kith.sqlite');
}

/** Opens (creating if needed) the SQLite database with WAL and foreign keys on. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') {
    makePrivateDir(path.dirname(file));
    makePrivateFile(file);
    for (const suffix of ['-wal', '-shm']) keepPrivate(`${file}${suffix}`);
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Another kith command (export, ingest) may hold a write lock for a moment.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  handles.set(db, sqlite);
  return db;
}

const handles = new WeakMap<Db, SQLite.Database>();

/**
 * Whether SQLite itself still has a transaction open on `db` (opened with
 * openDatabase). SQLite ends one on its own after some errors (disk full,
 * I/O); a writer checks this instead of trusting its own bookkeeping.
 */
export function isInTransaction(db: Db): boolean {
  return handles.get(db)?.inTransaction ?? true;
}

/** The folder of `db`'s file, to tell why a write failed (a full disk); undefined in memory. */
export function databaseDir(db: Db): string | undefined {
  const name = handles.get(db)?.name;
  return name && name !== ':memory:' ? path.dirname(name) : undefined;
}

const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely prepares every query anew. Keeping them took a plain reply's whole
 * ingest from 3.4 ms to 2.6 ms on a quiet machine (bench:ingest, 6 Dec 2026;
 * docs/speed-machinery.md). kith runs a small, fixed set of
 * query shapes, so keep their prepared statements (least recently used out).
 * Safe because kith never streams results: a statement is never still in use
 * when the next query with the same SQL starts.
 */
function withStatementCache(sqlite: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string): SQLite.Statement {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(sql, statement);
      return statement;
    },
    close(): void {
      cache.clear();
      sqlite.close();
    },
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<NonNullable<MigrationResultSet['results']>> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
  return results ?? [];
}

/**
 * Runs `work` in a new transaction, or inside the caller's when `db` already
 * is one (Kysely cannot nest them), so a caller can make several parts'
 * writes commit or roll back together.
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * A value that changes whenever any connection commits a change: SQLite's
 * data_version covers other connections (a CLI import), total_changes() this
 * one. Lets the web UI reuse an expensive aggregate until the data moves.
 */
export async function changeStamp(db: Db): Promise<string> {
  const result = await sql<{
    v: number;
    c: number;
  }>`SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS c`.execute(db);
  const row = result.rows[0];
  return `${row?.v ?? 0}:${row?.c ?? 0}`;
}
