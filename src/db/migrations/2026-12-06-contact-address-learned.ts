import type { Kysely } from 'kysely';

/**
 * An address kith learned from a reply (a contact's second mailbox) says why
 * it was added, so the owner can see it on the contact page and undo it.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contact_emails').addColumn('learned_cause', 'text').execute();
  await db.schema.alterTable('contact_emails').addColumn('learned_at', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contact_emails').dropColumn('learned_at').execute();
  await db.schema.alterTable('contact_emails').dropColumn('learned_cause').execute();
}
