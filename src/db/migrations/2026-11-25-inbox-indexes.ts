import type { Kysely } from 'kysely';

/**
 * Indexes for the ingest path, which runs these lookups for every message:
 * the Message-ID dedupe also checks mail put aside (quarantine), and a reply
 * matched only by address finds its contact's thread by subject.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('quarantine_message_id')
    .on('quarantine')
    .column('message_id')
    .execute();
  await db.schema
    .createIndex('threads_contact_subject')
    .on('threads')
    .columns(['contact_id', 'subject_key'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('threads_contact_subject').ifExists().execute();
  await db.schema.dropIndex('quarantine_message_id').ifExists().execute();
}
