import type { Config } from '../config.js';
import { type Db, databasePath, migrateToLatest, openDatabase } from './database.js';

/** Opens the migrated database for a one-shot command and always closes it. */
export async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(databasePath(config.dataDir));
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}
