import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * Whether a draft has a copy in the owner's IMAP Drafts folder is a fact
 * about that outbox row, so it becomes outbox.drafts_copy_at (when the copy
 * was put there) instead of a key_values row `outbox.imap-draft.<outboxId>`.
 * Each such row is copied to its draft and deleted; a row whose draft no
 * longer exists named nothing kith could still remove, and goes too.
 */

const PREFIX = 'outbox.imap-draft.';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('drafts_copy_at', 'text').execute();
  await sql`UPDATE outbox SET drafts_copy_at = (
      SELECT updated_at FROM key_values WHERE key = ${PREFIX} || outbox.id
    ) WHERE EXISTS (SELECT 1 FROM key_values WHERE key = ${PREFIX} || outbox.id)`.execute(db);
  await db
    .deleteFrom('key_values')
    .where('key', '>=', PREFIX)
    .where('key', '<', `${PREFIX}\uffff`)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`INSERT OR REPLACE INTO key_values (key, value, updated_at)
    SELECT ${PREFIX} || id, 'appended', drafts_copy_at FROM outbox
    WHERE drafts_copy_at IS NOT NULL`.execute(db);
  await db.schema.alterTable('outbox').dropColumn('drafts_copy_at').execute();
}
