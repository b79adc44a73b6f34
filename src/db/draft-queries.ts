import { OPEN_STATES, WAITING_STATES } from '../pipeline/outbox-lifecycle.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';
import type { OutboxRow, OutboxState } from './schema.js';

/** The drafts page's read model: contact mail that waits for the owner. */

export interface DraftRow {
  readonly id: number;
  readonly kind: string;
  readonly state: OutboxState;
  readonly contactId: number | null;
  readonly contactName: string | null;
  readonly toAddress: string;
  readonly subject: string;
  readonly bodyText: string;
  readonly sendAfter: string | null;
  readonly createdAt: string;
  readonly lastError: string | null;
  /** When the meeting it is about ended (a thank-you is late two days after). */
  readonly meetingEndsAt: string | null;
}

function toDraftRow(
  r: OutboxRow & { contact_name: string | null; meeting_ends_at: string | null },
): DraftRow {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    contactId: r.contact_id,
    contactName: r.contact_name,
    toAddress: r.to_address,
    subject: r.subject,
    bodyText: r.body_text,
    sendAfter: r.send_after,
    createdAt: r.created_at,
    lastError: r.last_error,
    meetingEndsAt: r.meeting_ends_at,
  };
}

/** Contact mail that waits for the owner, oldest first; snoozed drafts after the waiting ones. */
export async function loadPendingDrafts(db: Db): Promise<DraftRow[]> {
  const rows = await db
    .selectFrom('outbox as o')
    .leftJoin('contacts as c', 'c.id', 'o.contact_id')
    .leftJoin('meetings as m', 'm.id', 'o.meeting_id')
    .selectAll('o')
    .select(['c.name as contact_name', 'm.ends_at as meeting_ends_at'])
    .where('o.audience', '=', 'contact')
    .where('o.state', 'in', OPEN_STATES)
    .orderBy(sql`o.state = 'snoozed'`)
    .orderBy('o.created_at')
    .orderBy('o.id')
    .execute();
  return rows.map(toDraftRow);
}

/** One contact draft by id (any state), with its contact's name. */
export async function loadDraft(db: Db, id: number): Promise<DraftRow | undefined> {
  const row = await db
    .selectFrom('outbox as o')
    .leftJoin('contacts as c', 'c.id', 'o.contact_id')
    .leftJoin('meetings as m', 'm.id', 'o.meeting_id')
    .selectAll('o')
    .select(['c.name as contact_name', 'm.ends_at as meeting_ends_at'])
    .where('o.id', '=', id)
    .where('o.audience', '=', 'contact')
    .executeTakeFirst();
  return row ? toDraftRow(row) : undefined;
}

/** How many drafts wait for the owner now (for the navigation badge; snoozed ones do not). */
export async function countPendingDrafts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('audience', '=', 'contact')
    .where('state', 'in', WAITING_STATES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
