import type { Stage } from '../pipeline/stages.js';
import { JOURNEY } from '../pipeline/stages.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';

/**
 * The Numbers page's inputs per contact, for all contacts (ids null) or only
 * some: what numbers-state.ts keeps and refreshes contact by contact.
 */

/** Inbound message kinds written by a person (not auto-replies or bounces). */
export const HUMAN_REPLY_KINDS: readonly string[] = ['reply', 'invite', 'decline'];

/** Per contact: the first time it reached each main-road stage, in JOURNEY order (null: never). */
export type FirstArrivals = readonly (string | null)[];

/** Sent and replied counts of one template, over all contacts. */
export interface TemplateReplies {
  readonly template: string;
  readonly sent: number;
  readonly replied: number;
}

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

/**
 * Sent and replied counts by template, per contact: a mail sent to a contact
 * (from the outbox, by template; or written by the owner and seen by BCC)
 * counts as replied when a person's reply from that contact came after it.
 */
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

export interface ReferralEdge {
  readonly id: number;
  readonly name: string | null;
  readonly referredById: number | null;
  readonly stage: Stage;
}

/** Everyone who referred someone or was referred (one query). */
export async function loadReferralEdges(db: Db): Promise<ReferralEdge[]> {
  const rows = await db
    .selectFrom('contacts as c')
    .select(['c.id', 'c.name', 'c.referred_by_id', 'c.stage'])
    .where((eb) =>
      eb.or([
        eb('c.referred_by_id', 'is not', null),
        eb(
          'c.id',
          'in',
          eb
            .selectFrom('contacts as r')
            .select('r.referred_by_id')
            .where('r.referred_by_id', 'is not', null)
            .$narrowType<{ referred_by_id: number }>(),
        ),
      ]),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    referredById: r.referred_by_id,
    stage: r.stage as Stage,
  }));
}
