import type { Db } from './database.js';
import { sql } from './kysely.js';
import { migrations } from './migrations/index.js';

export interface DatabaseHealth {
  /** 'ok', or SQLite's description of the damage. */
  readonly integrity: string;
  readonly pendingMigrations: number;
  readonly contacts: number;
}

/** A quick integrity check plus migration state, for doctor and the health page. */
export async function databaseHealth(db: Db): Promise<DatabaseHealth> {
  const check = await sql<{ quick_check: string }>`pragma quick_check`.execute(db);
  const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`
    .execute(db)
    .then((r) => r.rows[0]?.n ?? 0)
    .catch(() => 0);
  const contacts = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
    .then((r) => Number(r?.n ?? 0))
    .catch(() => 0);
  return {
    integrity: check.rows[0]?.quick_check ?? 'unknown',
    pendingMigrations: Math.max(0, Object.keys(migrations).length - applied),
    contacts,
  };
}
