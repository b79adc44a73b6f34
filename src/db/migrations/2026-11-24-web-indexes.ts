import type { Kysely } from 'kysely';

/**
 * An index for the web UI's numbers page: the reply rate per template looks
 * up, for each mail sent, a person's reply from that contact after it — and
 * lists the owner's own outreach — by direction and kind, covered by the
 * index so the mail texts are never read.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('messages_direction_kind')
    .on('messages')
    .columns(['direction', 'kind', 'contact_id', 'date'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_direction_kind').ifExists().execute();
}
