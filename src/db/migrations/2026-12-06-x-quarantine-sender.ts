import type { Kysely } from 'kysely';

/**
 * Who sent mail that was put aside, so mail from a known contact can be
 * shown to the owner (Health, weekly digest) instead of sitting unseen
 * while the contact stays "contacted". Null for rows from before, and for
 * mail whose From could not be read.
 *
 * The `x-` keeps this after the other migrations added the same day, which
 * existing data dirs may already have applied (migrations apply in name order).
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('quarantine').addColumn('from_address', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('quarantine').dropColumn('from_address').execute();
}
