import { isStillToSend } from '../pipeline/outbox-lifecycle.js';
import type { FollowUpFacts, KeepInTouchFacts } from '../pipeline/schedule.js';
import type { Stage } from '../pipeline/stages.js';
import { lastExchanges } from './contact-summaries.js';
import type { Db } from './database.js';
import {
  type InstantRange,
  inChunks,
  KEEP_IN_TOUCH,
  NOT_AN_EXCHANGE,
} from './scheduler-queries.js';
import type { OutboxState } from './schema.js';

/**
 * The scheduler's contact-side reads: who may be due a follow-up or a
 * keep-in-touch update. A clock runs out a fixed number of days after its
 * base instant, so the candidates are the contacts whose base lies in a
 * range the adapter computes — one index range scan per kind of base.
 */

/** Stages a contact can reach by stopping to wait for a reply. */
const LEFT_CONTACTED: readonly Stage[] = [
  'replied',
  'scheduled',
  'declined',
  'bounced',
  'archived',
];

/** Where a follow-up step's base may lie (each range is (from, to]). */
export interface FollowUpSelection {
  /** Contacted since then: the round's start. */
  readonly contactedIn: InstantRange;
  /** A follow-up decided (sent, skipped, failed) then: the last step. */
  readonly decidedIn: InstantRange | null;
  /** Back from out-of-office then; compared as `YYYY-MM-DD` prefixes. */
  readonly returnDatesIn: { readonly from: string; readonly to: string } | null;
  /** Stopped waiting then (replied, declined…): a step that fell due meanwhile is dropped. */
  readonly leftIn: InstantRange;
}

/** Contacts whose next follow-up step may fall due, with the facts the planner needs. */
export async function loadFollowUpFacts(db: Db, sel: FollowUpSelection): Promise<FollowUpFacts[]> {
  const waitingIds = new Set<number>();
  for (const row of await db
    .selectFrom('contacts')
    .select('id')
    .where('stage', '=', 'contacted')
    .where('stage_changed_at', '>', sel.contactedIn.from)
    .where('stage_changed_at', '<=', sel.contactedIn.to)
    .execute()) {
    waitingIds.add(row.id);
  }
  if (sel.decidedIn) {
    for (const row of await db
      .selectFrom('outbox')
      .select('contact_id')
      .where('kind', '=', 'follow_up')
      .where('updated_at', '>', sel.decidedIn.from)
      .where('updated_at', '<=', sel.decidedIn.to)
      .execute()) {
      if (row.contact_id !== null) waitingIds.add(row.contact_id);
    }
  }
  if (sel.returnDatesIn) {
    for (const row of await db
      .selectFrom('contacts')
      .select('id')
      .where('away_until', '>=', sel.returnDatesIn.from)
      .where('away_until', '<=', `${sel.returnDatesIn.to}\uffff`)
      .execute()) {
      waitingIds.add(row.id);
    }
  }
  const waiting = await inChunks([...waitingIds], (chunk) =>
    db
      .selectFrom('contacts')
      .select(['id', 'stage', 'stage_changed_at'])
      .where('id', 'in', chunk)
      .where('stage', '=', 'contacted')
      .execute(),
  );
  const left = await db
    .selectFrom('contacts')
    .select(['id', 'stage', 'stage_changed_at'])
    .where('stage', 'in', LEFT_CONTACTED)
    .where('stage_changed_at', '>', sel.leftIn.from)
    .where('stage_changed_at', '<=', sel.leftIn.to)
    .execute();
  if (waiting.length === 0 && left.length === 0) return [];

  const contactedSince = new Map(waiting.map((c) => [c.id, c.stage_changed_at]));
  for (const row of await lastEnteredContacted(
    db,
    left.map((c) => c.id),
  )) {
    if (row.at !== null) contactedSince.set(row.contact_id, row.at);
  }
  const candidates = [...waiting, ...left].filter((c) => contactedSince.has(c.id));
  const ids = candidates.map((c) => c.id);
  const replies = await lastHumanReplies(db, ids);
  const ooo = await outOfOfficeDates(db, ids);
  const drafts = await followUpDrafts(db, ids);
  return candidates.map((c) => {
    const since = contactedSince.get(c.id) as string;
    return {
      contactId: c.id,
      stage: c.stage as Stage,
      contactedSince: since,
      stageChangedAt: c.stage_changed_at,
      lastHumanReplyAt: replies.get(c.id) ?? null,
      outOfOfficeUntil: ooo.get(c.id) ?? null,
      followUps: countFollowUps(drafts.get(c.id) ?? [], since),
    };
  });
}

/** Follow-up facts for these contacts, those of them still waiting for a reply. */
export async function followUpFactsOf(db: Db, ids: readonly number[]): Promise<FollowUpFacts[]> {
  const waiting = await inChunks(ids, (chunk) =>
    db
      .selectFrom('contacts')
      .select(['id', 'stage', 'stage_changed_at'])
      .where('id', 'in', chunk)
      .where('stage', '=', 'contacted')
      .execute(),
  );
  const live = waiting.map((c) => c.id);
  if (live.length === 0) return [];
  const replies = await lastHumanReplies(db, live);
  const ooo = await outOfOfficeDates(db, live);
  const drafts = await followUpDrafts(db, live);
  return waiting.map((c) => ({
    contactId: c.id,
    stage: c.stage as Stage,
    contactedSince: c.stage_changed_at,
    stageChangedAt: c.stage_changed_at,
    lastHumanReplyAt: replies.get(c.id) ?? null,
    outOfOfficeUntil: ooo.get(c.id) ?? null,
    followUps: countFollowUps(drafts.get(c.id) ?? [], c.stage_changed_at),
  }));
}

async function lastEnteredContacted(db: Db, ids: readonly number[]) {
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('stage_history')
      .select((eb) => ['contact_id', eb.fn.max('at').as('at')])
      .where('contact_id', 'in', chunk)
      .where('to_stage', '=', 'contacted')
      // A row that records a fact without a move (an address learned) is no new contact.
      .where((eb) => eb('from_stage', 'is', null).or('from_stage', '!=', eb.ref('to_stage')))
      .groupBy('contact_id')
      .execute(),
  );
}

async function lastHumanReplies(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('messages')
      .select((eb) => ['contact_id', eb.fn.max('date').as('date')])
      .where('contact_id', 'in', chunk)
      .where('direction', '=', 'in')
      .where('kind', 'not in', NOT_AN_EXCHANGE)
      .groupBy('contact_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.contact_id as number, r.date]));
}

/** Out-of-office return dates the inbox read from auto-replies (contacts.away_until). */
async function outOfOfficeDates(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('contacts')
      .select(['id', 'away_until'])
      .where('id', 'in', chunk)
      .where('away_until', 'is not', null)
      .execute(),
  );
  return new Map(rows.map((r) => [r.id, r.away_until as string]));
}

interface DraftRow {
  readonly id: number;
  readonly contact_id: number | null;
  readonly state: OutboxState;
  readonly created_at: string;
  readonly updated_at: string;
}

async function followUpDrafts(db: Db, ids: readonly number[]): Promise<Map<number, DraftRow[]>> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('outbox')
      .select(['id', 'contact_id', 'state', 'created_at', 'updated_at'])
      .where('contact_id', 'in', chunk)
      .where('kind', '=', 'follow_up')
      .execute(),
  );
  const byContact = new Map<number, DraftRow[]>();
  for (const row of rows) {
    const id = row.contact_id as number;
    byContact.set(id, [...(byContact.get(id) ?? []), row]);
  }
  return byContact;
}

/**
 * Sent, skipped and failed follow-ups of this round each use one up, and the
 * next step counts from when the last was decided (its `updated_at`: the
 * send, the skip); an undecided one holds the next step back.
 */
function countFollowUps(drafts: readonly DraftRow[], roundStart: string) {
  let used = 0;
  let lastAt: string | null = null;
  const pendingDraftIds: number[] = [];
  for (const d of drafts) {
    if (d.created_at < roundStart) continue;
    if (isStillToSend(d.state)) {
      pendingDraftIds.push(d.id);
      continue;
    }
    used += 1;
    if (lastAt === null || d.updated_at > lastAt) lastAt = d.updated_at;
  }
  return { used, lastAt, pendingDraftIds };
}

// --- keep in touch ------------------------------------------------------------------

/** Where a keep-in-touch clock's start may lie, per cadence in days. */
export interface KeepInTouchSelection {
  /** The range for a cadence, or null when none can fall due. */
  readonly exchangedIn: (cadenceDays: number) => InstantRange | null;
  /** Contacts changed in (from, to] are re-checked whatever their cadence (a new cadence). */
  readonly changedIn: InstantRange | null;
}

/**
 * Met, thanked and keeping-in-touch contacts whose keep-in-touch clock may
 * run out. A clock restarts at each exchange (mail either way, a meeting's
 * end, a stage change, an earlier keep-in-touch draft), so it runs out
 * `cadence` days after the last one: the candidates are the contacts with
 * an exchange in the cadence's range — one range scan per kind of exchange
 * and distinct cadence — plus contacts changed lately.
 */
export async function loadKeepInTouchFacts(
  db: Db,
  sel: KeepInTouchSelection,
  defaultCadence: number,
): Promise<KeepInTouchFacts[]> {
  const ids = new Set<number>();
  const custom = await db
    .selectFrom('contacts')
    .select('cadence_days')
    .distinct()
    .where('cadence_days', 'is not', null)
    .execute();
  const cadences = new Set([defaultCadence, ...custom.map((r) => r.cadence_days as number)]);
  for (const days of cadences) {
    const range = sel.exchangedIn(days);
    if (range === null) continue;
    for (const id of await exchangesIn(db, range, days, defaultCadence)) ids.add(id);
  }
  if (sel.changedIn) {
    for (const row of await db
      .selectFrom('contacts')
      .select('id')
      .where('updated_at', '>', sel.changedIn.from)
      .where('updated_at', '<=', sel.changedIn.to)
      .where('stage', 'in', KEEP_IN_TOUCH)
      .execute()) {
      ids.add(row.id);
    }
  }
  return keepInTouchFactsOf(db, [...ids]);
}

/** Ids of keep-in-touch contacts on this cadence with an exchange dated in the range. */
async function exchangesIn(
  db: Db,
  range: InstantRange,
  cadence: number,
  defaultCadence: number,
): Promise<number[]> {
  const mail = await db
    .selectFrom('messages as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .select('c.id')
    .where('m.date', '>', range.from)
    .where('m.date', '<=', range.to)
    .where('c.stage', 'in', KEEP_IN_TOUCH)
    .where((eb) => eb(eb.fn.coalesce('c.cadence_days', eb.val(defaultCadence)), '=', cadence))
    .execute();
  const meetings = await db
    .selectFrom('meetings as mt')
    .innerJoin('contacts as c', 'c.id', 'mt.contact_id')
    .select('c.id')
    .where('mt.ends_at', '>', range.from)
    .where('mt.ends_at', '<=', range.to)
    .where('mt.status', '!=', 'cancelled')
    .where('c.stage', 'in', KEEP_IN_TOUCH)
    .where((eb) => eb(eb.fn.coalesce('c.cadence_days', eb.val(defaultCadence)), '=', cadence))
    .execute();
  const moves = await db
    .selectFrom('contacts as c')
    .select('c.id')
    .where('c.stage', 'in', KEEP_IN_TOUCH)
    .where('c.stage_changed_at', '>', range.from)
    .where('c.stage_changed_at', '<=', range.to)
    .where((eb) => eb(eb.fn.coalesce('c.cadence_days', eb.val(defaultCadence)), '=', cadence))
    .execute();
  const earlier = await db
    .selectFrom('jobs')
    .select('subject_key')
    .where('kind', '=', 'keep_in_touch')
    .where('due_at', '>', range.from)
    .where('due_at', '<=', range.to)
    .execute();
  return [
    ...mail.map((r) => r.id),
    ...meetings.map((r) => r.id),
    ...moves.map((r) => r.id),
    ...earlier.map((r) => contactIdOf(r.subject_key)).filter((id) => id !== null),
  ];
}

function contactIdOf(subjectKey: string): number | null {
  const match = /^contact:(\d+)$/.exec(subjectKey);
  return match ? Number(match[1]) : null;
}

/** The facts a keep-in-touch clock needs, for contacts still in a keep-in-touch stage. */
export async function keepInTouchFactsOf(
  db: Db,
  ids: readonly number[],
): Promise<KeepInTouchFacts[]> {
  const contacts = await inChunks(ids, (chunk) =>
    db
      .selectFrom('contacts')
      .select(['id', 'stage', 'cadence_days', 'stage_changed_at'])
      .where('id', 'in', chunk)
      .where('stage', 'in', KEEP_IN_TOUCH)
      .execute(),
  );
  if (contacts.length === 0) return [];
  const live = contacts.map((c) => c.id);
  const lastMail = await lastExchanges(db, live);
  const meetings = await inChunks(live, (chunk) =>
    db
      .selectFrom('meetings')
      .select((eb) => ['contact_id', eb.fn.max('ends_at').as('at')])
      .where('contact_id', 'in', chunk)
      .where('status', '!=', 'cancelled')
      .groupBy('contact_id')
      .execute(),
  );
  const earlier = await inChunks(
    live.map((id) => `contact:${id}`),
    (chunk) =>
      db
        .selectFrom('jobs')
        .select((eb) => ['subject_key', eb.fn.max('due_at').as('at')])
        .where('kind', '=', 'keep_in_touch')
        .where('subject_key', 'in', chunk)
        .groupBy('subject_key')
        .execute(),
  );
  const lastMeeting = new Map(meetings.map((r) => [r.contact_id, r.at]));
  const lastKeepInTouch = new Map(earlier.map((r) => [contactIdOf(r.subject_key), r.at]));
  return contacts.map((c) => ({
    contactId: c.id,
    stage: c.stage as Stage,
    cadenceDays: c.cadence_days,
    lastExchangeAt: laterOf(lastMail.get(c.id) ?? null, lastMeeting.get(c.id) ?? null),
    stageChangedAt: c.stage_changed_at,
    lastKeepInTouchAt: lastKeepInTouch.get(c.id) ?? null,
  }));
}

function laterOf(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
