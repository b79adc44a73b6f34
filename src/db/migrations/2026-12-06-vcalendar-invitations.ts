import type { Kysely } from 'kysely';

/**
 * A draft to a contact can carry a calendar invitation (the iTIP object sent
 * as a text/calendar part beside its text), and a meeting remembers the
 * contact's answer to it (ACCEPTED, DECLINED or TENTATIVE).
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('calendar_ics', 'text').execute();
  await db.schema.alterTable('meetings').addColumn('attendee_answer', 'text').execute();
  await db.schema.alterTable('meetings').addColumn('attendee_answer_at', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('meetings').dropColumn('attendee_answer_at').execute();
  await db.schema.alterTable('meetings').dropColumn('attendee_answer').execute();
  await db.schema.alterTable('outbox').dropColumn('calendar_ics').execute();
}
