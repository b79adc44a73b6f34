import { JOURNEY } from '../pipeline/stages.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';
import type { FirstArrivals } from './web-queries.js';
import { HUMAN_REPLY_KINDS } from './web-queries.js';

/**
 * The Numbers page's inputs per contact, for all contacts (ids null) or only
 * some: what numbers-state.ts keeps and refreshes contact by contact.
 */

const idFilter = (column: string, ids: readonly number[] | null) =>
  ids === null ? sql`1` : sql`${sql.ref(column)} IN (${sql.join(ids.map((id) => sql`${id}`))})`;

/** Each contact's first arrival at each main-road stage (JOURNEY order, null for never). */
export async function loadFirstArrivalsOf(
  db: Db,
  ids: readonly number[] | null,
): Promise<Map<number, FirstArrivals>> {
  const columns = sql.join(
    JOURNEY.map(
      (stage, i) => sql`MIN(CASE WHEN to_stage = ${stage} THEN at END) AS ${sql.ref(`s${i}`)}`,
    ),
  );
  const result = await sql<Record<string, string | null> & { contact_id: number }>`
    SELECT contact_id, ${columns} FROM stage_history
    WHERE ${idFilter('contact_id', ids)} GROUP BY contact_id`.execute(db);
  return new Map(
    result.rows.map((row) => [row.contact_id, JOURNEY.map((_, i) => row[`s${i}`] ?? null)]),
  );
}

/** Sent and replied counts by template, per contact (the rule is loadReplyRates'). */
export type ContactReplies = ReadonlyMap<string, { sent: number; replied: number }>;

export async function loadReplyCountsOf(
  db: Db,
  ids: readonly number[] | null,
): Promise<Map<number, ContactReplies>> {
  const kinds = sql.join(HUMAN_REPLY_KINDS.map((k) => sql`${k}`));
  const result = await sql<{ contact_id: number; template: string; sent: number; replied: number }>`
    WITH sends AS (
      SELECT o.kind AS template, o.contact_id AS contact_id, o.sent_at AS at
      FROM outbox o
      WHERE o.audience = 'contact' AND o.state = 'sent' AND o.contact_id IS NOT NULL
        AND o.sent_at IS NOT NULL AND ${idFilter('o.contact_id', ids)}
      UNION ALL
      SELECT 'written by you' AS template, m.contact_id, m.date
      FROM messages m
      WHERE m.direction = 'out' AND m.kind = 'outreach' AND m.contact_id IS NOT NULL
        AND ${idFilter('m.contact_id', ids)}
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.message_id)
    )
    SELECT contact_id, template, COUNT(*) AS sent,
      SUM(EXISTS (SELECT 1 FROM messages r
        WHERE r.direction = 'in' AND r.kind IN (${kinds})
          AND r.contact_id = sends.contact_id AND r.date > sends.at)) AS replied
    FROM sends GROUP BY contact_id, template`.execute(db);
  const byContact = new Map<number, Map<string, { sent: number; replied: number }>>();
  for (const row of result.rows) {
    let templates = byContact.get(row.contact_id);
    if (!templates) {
      templates = new Map();
      byContact.set(row.contact_id, templates);
    }
    templates.set(row.template, { sent: Number(row.sent), replied: Number(row.replied) });
  }
  return byContact;
}

export interface NumbersChange {
  readonly seq: number;
  readonly contactId: number;
  readonly part: 'funnel' | 'replies' | 'tree';
}

/** Changes logged after `afterSeq`, and the oldest sequence number still kept (null when none). */
export async function loadNumbersChanges(
  db: Db,
  afterSeq: number,
): Promise<{ changes: NumbersChange[]; oldest: number | null; latest: number }> {
  const bounds = await db
    .selectFrom('numbers_changes')
    .select((eb) => [eb.fn.min('seq').as('oldest'), eb.fn.max('seq').as('latest')])
    .executeTakeFirst();
  const rows = await db
    .selectFrom('numbers_changes')
    .select(['seq', 'contact_id', 'part'])
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .execute();
  return {
    changes: rows.map((r) => ({ seq: r.seq, contactId: r.contact_id, part: r.part })),
    oldest: bounds?.oldest ?? null,
    latest: bounds?.latest ?? afterSeq,
  };
}
