import type { Kysely } from 'kysely';

// Migrations never import app code: they must keep working as the app changes.

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text')
    .addColumn('company', 'text')
    .addColumn('title', 'text')
    .addColumn('linkedin_url', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('referred_by_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_changed_at', 'text', (c) => c.notNull())
    .addColumn('cadence_days', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contacts_stage')
    .on('contacts')
    .columns(['stage', 'stage_changed_at'])
    .execute();
  await db.schema
    .createIndex('contacts_referred_by')
    .on('contacts')
    .column('referred_by_id')
    .execute();
  await db.schema.createIndex('contacts_linkedin').on('contacts').column('linkedin_url').execute();

  await db.schema
    .createTable('contact_emails')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('contact_id', 'integer', (c) =>
      c.notNull().references('contacts.id').onDelete('cascade'),
    )
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dead_at', 'text')
    .addColumn('dead_reason', 'text')
    .execute();
  await db.schema
    .createIndex('contact_emails_contact')
    .on('contact_emails')
    .column('contact_id')
    .execute();

  await db.schema
    .createTable('threads')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('contact_id', 'integer', (c) =>
      c.notNull().references('contacts.id').onDelete('cascade'),
    )
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('threads_contact').on('threads').column('contact_id').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('thread_id', 'integer', (c) => c.references('threads.id').onDelete('set null'))
    .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('to_addresses', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('in_reply_to', 'text')
    .addColumn('references', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('messages_contact_date')
    .on('messages')
    .columns(['contact_id', 'date'])
    .execute();
  await db.schema.createIndex('messages_thread').on('messages').column('thread_id').execute();

  await db.schema
    .createTable('meetings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('contact_id', 'integer', (c) =>
      c.notNull().references('contacts.id').onDelete('cascade'),
    )
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ical_uid', 'text')
    .addColumn('ical_sequence', 'integer')
    .addColumn('source_message_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('meetings_status_start')
    .on('meetings')
    .columns(['status', 'starts_at'])
    .execute();
  await db.schema.createIndex('meetings_contact').on('meetings').column('contact_id').execute();
  await db.schema.createIndex('meetings_ical_uid').on('meetings').column('ical_uid').execute();

  for (const table of ['notes', 'advice'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('contact_id', 'integer', (c) =>
        c.notNull().references('contacts.id').onDelete('cascade'),
      )
      .addColumn('meeting_id', 'integer', (c) => c.references('meetings.id').onDelete('set null'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('source_message_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex(`${table}_contact`).on(table).column('contact_id').execute();
  }

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('cascade'))
    .addColumn('meeting_id', 'integer', (c) => c.references('meetings.id').onDelete('set null'))
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text')
    .addColumn('in_reply_to', 'text')
    .addColumn('references', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('send_after', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('draft_id', 'integer', (c) => c.references('outbox.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('outbox_state_after')
    .on('outbox')
    .columns(['state', 'send_after'])
    .execute();
  await db.schema.createIndex('outbox_contact').on('outbox').column('contact_id').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('occurrence', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('ran_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('jobs_once', ['kind', 'subject_key', 'occurrence'])
    .execute();

  await db.schema
    .createTable('stage_history')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('contact_id', 'integer', (c) =>
      c.notNull().references('contacts.id').onDelete('cascade'),
    )
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('manual', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source_message_id', 'text')
    .execute();
  await db.schema
    .createIndex('stage_history_contact')
    .on('stage_history')
    .columns(['contact_id', 'at'])
    .execute();

  await db.schema
    .createTable('sync_state')
    .addColumn('mailbox', 'text', (c) => c.primaryKey())
    .addColumn('uid_validity', 'text', (c) => c.notNull())
    .addColumn('last_uid', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('subject', 'text')
    .addColumn('size', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('key_values')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'key_values',
    'quarantine',
    'sync_state',
    'stage_history',
    'jobs',
    'outbox',
    'advice',
    'notes',
    'meetings',
    'messages',
    'threads',
    'contact_emails',
    'contacts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
