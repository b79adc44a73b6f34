import type { Config } from '../config.js';
import { type Db, databasePath, migrateToLatest, openDatabase } from './database.js';
import { WriteStoppedError, writeFailure } from './write-errors.js';

/**
 * Opens the migrated database for a one-shot command and always closes it.
 * A full disk, a read-only or damaged file comes out as one KithError that
 * names the cause and the fix, not as SQLite's bare message.
 */
export async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  let db: Db | undefined;
  try {
    db = openDatabase(databasePath(config.dataDir));
    await migrateToLatest(db);
    return await work(db);
  } catch (error) {
    const failure = writeFailure(error, config.dataDir);
    if (failure && !(error instanceof WriteStoppedError))
      throw new WriteStoppedError(failure, { cause: error });
    throw error;
  } finally {
    await db?.destroy();
  }
}
