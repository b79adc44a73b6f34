import type { Transaction } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

/**
 * The key_values table: kith's own small records that are no domain data —
 * the send loop's lease, the scheduler's planning watermark, the web login
 * token, sessions and calendar-feed state. Domain facts get columns (an
 * out-of-office date is contacts.away_until, a Drafts copy outbox.drafts_copy_at).
 */

type Executor = Db | Transaction<Database>;

/** The value under `key`, or undefined. */
export async function readKeyValue(db: Executor, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('key_values')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/** Inserts or replaces `key`'s value. */
export async function writeKeyValue(
  db: Executor,
  key: string,
  value: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('key_values')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

/**
 * Writes `value` only where it sorts after the stored one (ISO instants sort
 * as time does), so a watermark never moves back.
 */
export async function raiseKeyValue(
  db: Executor,
  key: string,
  value: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('key_values')
    .values({ key, value, updated_at: at })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value, updated_at: at }).where('key_values.value', '<', value),
    )
    .execute();
}

/** Inserts `key` only if absent; true when this call created it. */
export async function insertKeyValueIfAbsent(
  db: Executor,
  key: string,
  value: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .insertInto('key_values')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Replaces `key`'s value only if it still is `expected` (compare-and-swap); true on success. */
export async function swapKeyValue(
  db: Executor,
  key: string,
  expected: string,
  value: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('key_values')
    .set({ value, updated_at: at })
    .where('key', '=', key)
    .where('value', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes `key`; with `expected`, only while its value still is that (a lease's release). */
export async function deleteKeyValue(db: Executor, key: string, expected?: string): Promise<void> {
  let query = db.deleteFrom('key_values').where('key', '=', key);
  if (expected !== undefined) query = query.where('value', '=', expected);
  await query.execute();
}

/** Deletes the keys starting with `prefix` whose value sorts before `value` (expired instants). */
export async function deleteKeysWithPrefixBelow(
  db: Executor,
  prefix: string,
  value: string,
): Promise<void> {
  await db
    .deleteFrom('key_values')
    .where('key', '>=', prefix)
    .where('key', '<', `${prefix}\uffff`)
    .where('value', '<', value)
    .execute();
}
