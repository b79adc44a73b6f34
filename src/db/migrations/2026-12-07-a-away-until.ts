import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * An out-of-office return date is a fact about a contact, so it becomes the
 * column contacts.away_until (an ISO date, `YYYY-MM-DD`, as the inbox read it
 * from the auto-reply) instead of a key_values row `ooo_until:<contactId>`.
 * Every such row is copied to its contact and then deleted; a row whose
 * contact no longer exists had nothing to belong to and goes too. The index
 * serves the scheduler's "back from out-of-office in this range" scan.
 */

const PREFIX = 'ooo_until:';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('away_until', 'text').execute();
  await sql`UPDATE contacts SET away_until = (
      SELECT value FROM key_values WHERE key = ${PREFIX} || contacts.id
    ) WHERE EXISTS (SELECT 1 FROM key_values WHERE key = ${PREFIX} || contacts.id)`.execute(db);
  await db
    .deleteFrom('key_values')
    .where('key', '>=', PREFIX)
    .where('key', '<', `${PREFIX}\uffff`)
    .execute();
  await db.schema
    .createIndex('contacts_away_until')
    .on('contacts')
    .column('away_until')
    .where(sql.ref('away_until'), 'is not', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`INSERT OR REPLACE INTO key_values (key, value, updated_at)
    SELECT ${PREFIX} || id, away_until, updated_at FROM contacts
    WHERE away_until IS NOT NULL`.execute(db);
  await db.schema.dropIndex('contacts_away_until').execute();
  await db.schema.alterTable('contacts').dropColumn('away_until').execute();
}
