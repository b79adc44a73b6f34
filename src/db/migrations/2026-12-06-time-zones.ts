import type { Kysely } from 'kysely';

/**
 * A contact's time zone, learned (an invite's TZID, a zone their mail
 * names, their usual Date offset) or set by the owner, with where it came
 * from so a better source replaces a weaker one but never the owner's.
 * A meeting remembers which side proposed it: an agreement confirms only
 * the other side's proposal.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('time_zone', 'text').execute();
  await db.schema.alterTable('contacts').addColumn('time_zone_source', 'text').execute();
  await db.schema.alterTable('meetings').addColumn('proposed_by', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('meetings').dropColumn('proposed_by').execute();
  await db.schema.alterTable('contacts').dropColumn('time_zone_source').execute();
  await db.schema.alterTable('contacts').dropColumn('time_zone').execute();
}
