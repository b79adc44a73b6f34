import { lateSince } from '../pipeline/late.js';
import { WAITING_STATES } from '../pipeline/outbox-lifecycle.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';
import { inChunks, NOT_AN_EXCHANGE } from './scheduler-queries.js';

/**
 * What the board, the contact list and the scheduler show or need of many
 * contacts at once, each batch-loaded by contact id (no query per contact):
 * the next meeting, the drafts waiting, the last exchange, a search match.
 */

/** Contact `c` has `q` in its name, company or one of its addresses (a search box). */
export function contactMatches(q: string) {
  const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql<boolean>`(c.name LIKE ${like} ESCAPE '\\' OR c.company LIKE ${like} ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id
      AND e.address LIKE ${like.toLowerCase()} ESCAPE '\\'))`;
}

/** Per contact: the start of the next proposed or confirmed meeting. */
export async function nextMeetings(db: Db, ids: readonly number[], now: Date) {
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('meetings')
    .select(['contact_id', (eb) => eb.fn.min<string>('starts_at').as('next')])
    .where('contact_id', 'in', ids)
    .where('status', 'in', ['proposed', 'confirmed'])
    .where('starts_at', '>=', now.toISOString())
    .groupBy('contact_id')
    .execute();
  for (const r of rows) out.set(r.contact_id, r.next);
  return out;
}

/** Per contact: drafts waiting now, the first of them, and the meeting end of a waiting thank-you. */
export async function waitingDraftCounts(db: Db, ids: readonly number[]) {
  const out = new Map<number, { n: number; first: number; thankYouMeetingEnd: string | null }>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('outbox as o')
    .leftJoin('meetings as m', 'm.id', 'o.meeting_id')
    .select([
      'o.contact_id',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.min<number>('o.id').as('first'),
      sql<string | null>`min(CASE WHEN o.kind = 'thank_you' THEN m.ends_at END)`.as('ty_end'),
    ])
    .where('o.contact_id', 'in', ids)
    .where('o.audience', '=', 'contact')
    .where('o.state', 'in', WAITING_STATES)
    .groupBy('o.contact_id')
    .execute();
  for (const r of rows)
    if (r.contact_id !== null)
      out.set(r.contact_id, { n: Number(r.n), first: r.first, thankYouMeetingEnd: r.ty_end });
  return out;
}

/** The newest human mail either way per contact (what restarts the keep-in-touch timer). */
export async function lastExchanges(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('messages')
      .select(['contact_id', (eb) => eb.fn.max('date').as('last')])
      .where('contact_id', 'in', chunk)
      .where('kind', 'not in', NOT_AN_EXCHANGE)
      .groupBy('contact_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.contact_id as number, String(r.last)]));
}

/** What a next-action line needs of a contact besides the planner: meeting and drafts. */
export interface ContactDueFacts {
  readonly nextMeetingAt: string | null;
  readonly pendingDrafts: number;
  readonly firstDraftId: number | null;
  readonly thankYouLateSince: string | null;
}

/** The next meeting and the drafts waiting, per contact. */
export async function dueFacts(
  db: Db,
  ids: readonly number[],
  now: Date,
): Promise<Map<number, ContactDueFacts>> {
  const meetings = await nextMeetings(db, ids, now);
  const drafts = await waitingDraftCounts(db, ids);
  return new Map(
    ids.map((id) => {
      const draft = drafts.get(id);
      return [
        id,
        {
          nextMeetingAt: meetings.get(id) ?? null,
          pendingDrafts: draft?.n ?? 0,
          firstDraftId: draft?.first ?? null,
          thankYouLateSince: lateSince('thank_you', draft?.thankYouMeetingEnd, now.toISOString()),
        },
      ];
    }),
  );
}
