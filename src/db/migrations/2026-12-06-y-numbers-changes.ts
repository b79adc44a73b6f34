import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * A short log of which contacts' numbers changed, written by triggers, so
 * the Numbers page recomputes only those contacts after a mail or a move
 * instead of every message (see src/web/numbers/numbers-state.ts). `part`
 * says what changed: 'funnel' (stage history), 'replies' (messages, sent
 * drafts) or 'tree' (who referred whom, and the stage and name shown for
 * people in the referral tree). Triggers fire for every writer (ingest,
 * scheduler, CLI, web) and for cascaded deletes, which no code path can
 * forget. The log keeps its last 20,000 rows; a reader further behind
 * recomputes everything.
 *
 * The `y-` keeps this after the other migrations added the same day, which
 * existing data dirs may already have applied (migrations apply in name order).
 */

const LOGGED: { table: string; part: string; update: string; when?: string }[] = [
  { table: 'stage_history', part: 'funnel', update: 'contact_id, to_stage, at' },
  {
    table: 'messages',
    part: 'replies',
    update: 'contact_id, direction, kind, date, message_id',
  },
  { table: 'outbox', part: 'replies', update: 'contact_id, audience, state, sent_at, message_id' },
];

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE numbers_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id INTEGER NOT NULL,
    part TEXT NOT NULL
  )`.execute(db);
  await sql`CREATE TRIGGER numbers_changes_keep_recent AFTER INSERT ON numbers_changes
    BEGIN DELETE FROM numbers_changes WHERE seq <= new.seq - 20000; END`.execute(db);
  for (const { table, part, update } of LOGGED) {
    const log = (row: 'new' | 'old') =>
      `INSERT INTO numbers_changes (contact_id, part) SELECT ${row}.contact_id, '${part}' WHERE ${row}.contact_id IS NOT NULL;`;
    await sql
      .raw(
        `CREATE TRIGGER ${table}_numbers_insert AFTER INSERT ON ${table} BEGIN ${log('new')} END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_numbers_update AFTER UPDATE OF ${update} ON ${table} BEGIN ${log('old')} ${log('new')} END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_numbers_delete AFTER DELETE ON ${table} BEGIN ${log('old')} END`,
      )
      .execute(db);
  }
  // Contacts: only changes the referral tree shows (it draws people who referred or were referred).
  const inTree = (row: 'new' | 'old') =>
    `(${row}.referred_by_id IS NOT NULL OR EXISTS (SELECT 1 FROM contacts r WHERE r.referred_by_id = ${row}.id))`;
  const logTree = (row: 'new' | 'old') =>
    `INSERT INTO numbers_changes (contact_id, part) VALUES (${row}.id, 'tree');`;
  await sql
    .raw(
      `CREATE TRIGGER contacts_numbers_insert AFTER INSERT ON contacts WHEN new.referred_by_id IS NOT NULL BEGIN ${logTree('new')} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER contacts_numbers_update AFTER UPDATE OF referred_by_id, stage, name ON contacts WHEN ${inTree('old')} OR ${inTree('new')} BEGIN ${logTree('new')} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER contacts_numbers_delete AFTER DELETE ON contacts WHEN ${inTree('old')} BEGIN ${logTree('old')} END`,
    )
    .execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['stage_history', 'messages', 'outbox', 'contacts']) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql.raw(`DROP TRIGGER IF EXISTS ${table}_numbers_${event}`).execute(db);
    }
  }
  await sql`DROP TABLE IF EXISTS numbers_changes`.execute(db);
}
