import type { Kysely } from 'kysely';

/**
 * An approval request remembers the exact text it showed the owner, so an
 * "approve" sends that text and nothing else: a draft changed since (an edit
 * on the web, a rewrite by mail) makes the older request stale.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('approval_text', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('approval_text').execute();
}
