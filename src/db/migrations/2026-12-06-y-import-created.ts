import type { Kysely } from 'kysely';

/**
 * Which contacts each web import created, so the import can be undone as a
 * whole (only those, and only while nothing has happened to them). A
 * deleted contact leaves no row behind.
 *
 * The `y-` keeps this after the other migrations added the same day, which
 * existing data dirs may already have applied (migrations apply in name order).
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_created')
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'integer', (c) =>
      c.notNull().references('contacts.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('import_created_pk', ['import_id', 'contact_id'])
    .execute();
  // Deleting a contact looks up its rows here (the cascade).
  await db.schema
    .createIndex('import_created_contact')
    .on('import_created')
    .column('contact_id')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_created').execute();
}
