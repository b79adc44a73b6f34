import path from 'node:path';
import { afterEach } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

export const fixture = (name: string) =>
  path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/import', name);

/** A fresh, migrated SQLite file per call, closed after each test. */
export function useTestDb(): () => Promise<Db> {
  const tempDir = useTempDir('kith-exchange-');
  const open: Db[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
  });
  return async () => {
    const db = openDatabase(path.join(tempDir(), 'kith.sqlite'));
    open.push(db);
    await migrateToLatest(db);
    return db;
  };
}
