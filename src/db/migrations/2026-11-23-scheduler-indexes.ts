import type { Kysely } from 'kysely';

/**
 * Indexes that let a scheduler tick read only what can be due: range scans
 * over the instants a keep-in-touch clock or a stage move depends on,
 * instead of a pass over every contact each minute.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  // Mail whose date falls where a keep-in-touch clock runs out.
  await db.schema.createIndex('messages_date').on('messages').column('date').execute();
  // Meetings that ended where a keep-in-touch clock runs out, or that are over.
  await db.schema.createIndex('meetings_ends').on('meetings').column('ends_at').execute();
  // Meetings booked, moved or cancelled since the last tick.
  await db.schema.createIndex('meetings_updated').on('meetings').column('updated_at').execute();
  // Contacts changed since the last tick (a new cadence re-plans them).
  await db.schema.createIndex('contacts_updated').on('contacts').column('updated_at').execute();
  // The few distinct per-contact cadences.
  await db.schema.createIndex('contacts_cadence').on('contacts').column('cadence_days').execute();
  // Earlier keep-in-touch drafts restart the clock.
  await db.schema.createIndex('jobs_kind_due').on('jobs').columns(['kind', 'due_at']).execute();
  // Sent thank-yous and keep-in-touch updates move the stage.
  await db.schema
    .createIndex('outbox_kind_sent')
    .on('outbox')
    .columns(['kind', 'sent_at'])
    .execute();
  // A thank-you draft made a day ago may need its reminder.
  await db.schema
    .createIndex('outbox_kind_created')
    .on('outbox')
    .columns(['kind', 'created_at'])
    .execute();
  // A follow-up decided (sent, skipped) starts the wait for the next one.
  await db.schema
    .createIndex('outbox_kind_updated')
    .on('outbox')
    .columns(['kind', 'updated_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'outbox_kind_updated',
    'outbox_kind_created',
    'outbox_kind_sent',
    'meetings_updated',
    'jobs_kind_due',
    'contacts_cadence',
    'contacts_updated',
    'meetings_ends',
    'messages_date',
  ]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
}
