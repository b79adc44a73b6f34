import { WAITING_STATES } from '../pipeline/outbox-lifecycle.js';
import type { PutAsideMail } from '../pipeline/put-aside.js';
import type { Db } from './database.js';
import { putAsideFromContacts } from './put-aside-queries.js';
import { NOT_AN_EXCHANGE } from './scheduler-queries.js';
import type { Contact, Meeting, Message } from './schema.js';

/**
 * What the scheduler's mails say: the facts behind a prep brief, a thank-you,
 * a follow-up, a keep-in-touch update, a referrer update and the weekly
 * digest. Read when a job runs (once per occurrence), not on every tick.
 */

/** A contact with the address to show or write to (primary first, never a dead one). */
export interface ContactWithAddress {
  readonly contact: Contact;
  readonly address: string | null;
}

export async function contactWithAddress(
  db: Db,
  contactId: number,
): Promise<ContactWithAddress | undefined> {
  const contact = await db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!contact) return undefined;
  const email = await db
    .selectFrom('contact_emails')
    .select('address')
    .where('contact_id', '=', contactId)
    .where('dead_at', 'is', null)
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .executeTakeFirst();
  return { contact, address: email?.address ?? null };
}

export async function meetingById(db: Db, meetingId: number): Promise<Meeting | undefined> {
  return db.selectFrom('meetings').selectAll().where('id', '=', meetingId).executeTakeFirst();
}

/** The contact's latest meeting that took place (not cancelled, ended by `now`). */
export async function lastMeetingOf(
  db: Db,
  contactId: number,
  now: string,
): Promise<Meeting | undefined> {
  return db
    .selectFrom('meetings')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('status', '!=', 'cancelled')
    .where('ends_at', '<=', now)
    .orderBy('ends_at', 'desc')
    .executeTakeFirst();
}

/**
 * Notes or advice on a contact, oldest first. With a meeting: the ones filed
 * under it, and unfiled ones written after it began (a reply to the
 * post-meeting prompt may not name the meeting).
 */
export async function notesOrAdvice(
  db: Db,
  table: 'notes' | 'advice',
  contactId: number,
  meeting?: Pick<Meeting, 'id' | 'starts_at'>,
): Promise<string[]> {
  let query = db
    .selectFrom(table)
    .select('body')
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .orderBy('id');
  if (meeting) {
    query = query.where((eb) =>
      eb.or([
        eb('meeting_id', '=', meeting.id),
        eb.and([eb('meeting_id', 'is', null), eb('created_at', '>=', meeting.starts_at)]),
      ]),
    );
  }
  return (await query.execute()).map((r) => r.body);
}

/** Who referred whom, from the first person down to the one who referred this contact. */
export async function referralChainOf(db: Db, contact: Contact): Promise<Contact[]> {
  const chain: Contact[] = [];
  const seen = new Set([contact.id]);
  let next = contact.referred_by_id;
  // Bounded and cycle-safe: a hand-edited loop in referred_by must not hang a tick.
  while (next !== null && !seen.has(next) && chain.length < 10) {
    seen.add(next);
    const referrer = await db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', next)
      .executeTakeFirst();
    if (!referrer) break;
    chain.unshift(referrer);
    next = referrer.referred_by_id;
  }
  return chain;
}

/** People this contact referred the owner to, optionally only those created since `since`. */
export async function referralsBy(db: Db, contactId: number, since?: string): Promise<Contact[]> {
  let query = db
    .selectFrom('contacts')
    .selectAll()
    .where('referred_by_id', '=', contactId)
    .orderBy('id');
  if (since) query = query.where('created_at', '>=', since);
  return query.execute();
}

/** The latest human mail either way with the contact, newest first. */
export async function recentExchanges(
  db: Db,
  contactId: number,
  limit: number,
): Promise<Message[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('kind', 'not in', NOT_AN_EXCHANGE)
    .orderBy('date', 'desc')
    .limit(limit)
    .execute();
}

/** The owner's latest mail to the contact (what a follow-up follows up on). */
export async function lastOwnerMailTo(db: Db, contactId: number): Promise<Message | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('direction', '=', 'out')
    .where('kind', 'not in', NOT_AN_EXCHANGE)
    .orderBy('date', 'desc')
    .executeTakeFirst();
}

/** The first outreach to the contact, for "how you met". */
export async function firstOutreachTo(db: Db, contactId: number): Promise<Message | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('direction', '=', 'out')
    .where('kind', '=', 'outreach')
    .orderBy('date')
    .executeTakeFirst();
}

// --- the weekly digest ----------------------------------------------------------------

export interface NamedRow {
  readonly id: number;
  readonly name: string | null;
  readonly address: string | null;
}

/** Primary live-or-not address per contact id, for naming people in lists. */
async function addressesOf(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('contact_emails')
    .select(['contact_id', 'address', 'is_primary', 'id'])
    .where('contact_id', 'in', [...new Set(ids)])
    .orderBy('contact_id')
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .execute();
  const first = new Map<number, string>();
  for (const r of rows) if (!first.has(r.contact_id)) first.set(r.contact_id, r.address);
  return first;
}

export interface DigestFacts {
  readonly outreach: number;
  readonly replies: number;
  readonly meetings: number;
  readonly thankYous: number;
  readonly stageCounts: readonly { readonly stage: string; readonly count: number }[];
  readonly upcoming: readonly (NamedRow & {
    readonly startsAt: string;
    readonly timeZone: string;
  })[];
  readonly awaitingApproval: readonly (NamedRow & {
    readonly kind: string;
    readonly createdAt: string;
    /** The meeting a thank-you is about ended then (late two days after). */
    readonly meetingEndsAt: string | null;
  })[];
  readonly noReply: readonly (NamedRow & { readonly since: string })[];
  readonly newReferrals: readonly (NamedRow & { readonly referrerName: string | null })[];
  readonly keepInTouchDue: readonly (NamedRow & { readonly dueAt: string })[];
  /** Mail from known contacts put aside this week: the owner reads it by hand. */
  readonly putAside: readonly PutAsideMail[];
}

const LIST_LIMIT = 20;

async function countBetween(
  db: Db,
  table: 'messages',
  direction: 'in' | 'out',
  kinds: 'outreach' | 'replies',
  from: string,
  to: string,
): Promise<number> {
  let query = db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('date', '>', from)
    .where('date', '<=', to)
    .where('direction', '=', direction);
  query =
    kinds === 'outreach'
      ? query.where('kind', '=', 'outreach')
      : query.where('kind', 'not in', NOT_AN_EXCHANGE).where('contact_id', 'is not', null);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** Everything the weekly digest reports for the week (from, to]. */
export async function digestFacts(
  db: Db,
  period: { from: string; to: string },
  options: { now: string; waitingSince: string },
): Promise<DigestFacts> {
  const { from, to } = period;
  const meetings = await db
    .selectFrom('meetings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ends_at', '>', from)
    .where('ends_at', '<=', to)
    .where('status', '!=', 'cancelled')
    .executeTakeFirstOrThrow();
  const thankYous = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'thank_you')
    .where('sent_at', '>', from)
    .where('sent_at', '<=', to)
    .executeTakeFirstOrThrow();
  const stageCounts = await db
    .selectFrom('contacts')
    .select((eb) => ['stage', eb.fn.countAll<number>().as('count')])
    .groupBy('stage')
    .execute();
  const upcoming = await db
    .selectFrom('meetings as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .select(['c.id', 'c.name', 'm.starts_at', 'm.time_zone', 'c.time_zone as contact_zone'])
    .where('m.status', '=', 'confirmed')
    .where('m.starts_at', '>', options.now)
    .orderBy('m.starts_at')
    .limit(LIST_LIMIT)
    .execute();
  const awaiting = await db
    .selectFrom('outbox as o')
    .innerJoin('contacts as c', 'c.id', 'o.contact_id')
    .leftJoin('meetings as m', 'm.id', 'o.meeting_id')
    .select(['c.id', 'c.name', 'o.kind', 'o.created_at', 'm.ends_at as meeting_ends_at'])
    .where('o.state', 'in', WAITING_STATES)
    .where('o.audience', '=', 'contact')
    .orderBy('o.created_at')
    .limit(LIST_LIMIT)
    .execute();
  const noReply = await db
    .selectFrom('contacts as c')
    .select(['c.id', 'c.name', 'c.stage_changed_at'])
    .where('c.stage', '=', 'contacted')
    .where('c.stage_changed_at', '<=', options.waitingSince)
    .orderBy('c.stage_changed_at')
    .limit(LIST_LIMIT)
    .execute();
  const newReferrals = await db
    .selectFrom('contacts as c')
    .innerJoin('contacts as r', 'r.id', 'c.referred_by_id')
    .select(['c.id', 'c.name', 'r.name as referrer_name'])
    .where('c.stage', '=', 'prospect')
    .where('c.stage_changed_at', '>', from)
    .where('c.stage_changed_at', '<=', to)
    .limit(LIST_LIMIT)
    .execute();
  const keepInTouch = await db
    .selectFrom('jobs')
    .select(['subject_key', 'due_at'])
    .where('kind', '=', 'keep_in_touch')
    .where('due_at', '>', from)
    .where('due_at', '<=', to)
    .where('state', '=', 'done')
    .limit(LIST_LIMIT)
    .execute();
  const keepInTouchPeople = await namedContacts(
    db,
    keepInTouch.map((j) => Number(j.subject_key.replace('contact:', ''))),
  );
  const addresses = await addressesOf(db, [
    ...upcoming.map((r) => r.id),
    ...awaiting.map((r) => r.id),
    ...noReply.map((r) => r.id),
    ...newReferrals.map((r) => r.id),
  ]);
  const address = (id: number) => addresses.get(id) ?? null;
  return {
    outreach: await countBetween(db, 'messages', 'out', 'outreach', from, to),
    replies: await countBetween(db, 'messages', 'in', 'replies', from, to),
    meetings: Number(meetings.n),
    thankYous: Number(thankYous.n),
    stageCounts: stageCounts.map((r) => ({ stage: r.stage, count: Number(r.count) })),
    upcoming: upcoming.map((r) => ({
      id: r.id,
      name: r.name,
      address: address(r.id),
      startsAt: r.starts_at,
      // The contact's own clock when known: the meeting's zone is whoever proposed it.
      timeZone: r.contact_zone ?? r.time_zone,
    })),
    awaitingApproval: awaiting.map((r) => ({
      id: r.id,
      name: r.name,
      address: address(r.id),
      kind: r.kind,
      createdAt: r.created_at,
      meetingEndsAt: r.meeting_ends_at,
    })),
    noReply: noReply.map((r) => ({
      id: r.id,
      name: r.name,
      address: address(r.id),
      since: r.stage_changed_at,
    })),
    newReferrals: newReferrals.map((r) => ({
      id: r.id,
      name: r.name,
      address: address(r.id),
      referrerName: r.referrer_name,
    })),
    keepInTouchDue: keepInTouch.flatMap((j) => {
      const person = keepInTouchPeople.get(Number(j.subject_key.replace('contact:', '')));
      return person ? [{ ...person, dueAt: j.due_at }] : [];
    }),
    putAside: await putAsideFromContacts(db, { from, to, limit: LIST_LIMIT }),
  };
}

async function namedContacts(db: Db, ids: readonly number[]): Promise<Map<number, NamedRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'name'])
    .where('id', 'in', [...ids])
    .execute();
  const addresses = await addressesOf(db, ids);
  return new Map(
    rows.map((r) => [r.id, { id: r.id, name: r.name, address: addresses.get(r.id) ?? null }]),
  );
}
