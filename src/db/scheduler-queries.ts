import { WAITING_STATES } from '../pipeline/outbox-lifecycle.js';
import type {
  MeetingFacts,
  PendingThankYouFacts,
  ReferralFacts,
  SentDraftFacts,
} from '../pipeline/schedule.js';
import type { Stage } from '../pipeline/stages.js';
import type { Db } from './database.js';
import { raiseKeyValue, readKeyValue } from './key-values.js';
import type { JobTable } from './schema.js';

/**
 * The scheduler's reads and writes. Each loader reads only rows that can
 * hold a job due in the planning window, through an index (see the
 * scheduler-indexes migration); `bench/scheduler.ts` prints their plans.
 * Every function takes `db` first, which may be a transaction.
 */

/** Mail that is not an exchange with the contact: machines, and the owner talking to kith. */
export const NOT_AN_EXCHANGE = ['auto_reply', 'bounce', 'owner_note', 'owner_command'] as const;
/** Stages with a keep-in-touch rhythm; a referral counts as met from these on. */
export const KEEP_IN_TOUCH: readonly Stage[] = ['met', 'thanked', 'keeping_in_touch'];
const IN_CHUNK = 500;

/** Runs `query` over `values` in chunks that stay far below SQLite's bound-parameter limit. */
export async function inChunks<V, T>(
  values: readonly V[],
  query: (chunk: V[]) => Promise<T[]>,
): Promise<T[]> {
  const unique = [...new Set(values)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    out.push(...(await query(unique.slice(i, i + IN_CHUNK))));
  }
  return out;
}

// --- planning watermark -------------------------------------------------------

const PLANNED_UNTIL = 'scheduler:planned_until';

/** Where the last complete tick planned up to, if any tick ever completed. */
export async function getPlannedUntil(db: Db): Promise<string | undefined> {
  return readKeyValue(db, PLANNED_UNTIL);
}

/** Moves the watermark forward to `at`; never back (a clock jumping back re-plans nothing). */
export async function advancePlannedUntil(db: Db, at: string, updatedAt: string): Promise<void> {
  await raiseKeyValue(db, PLANNED_UNTIL, at, updatedAt);
}

// --- meetings -------------------------------------------------------------------

/** A half-open range of instants: (from, to], or [from, to) for meeting starts. */
export interface InstantRange {
  readonly from: string;
  readonly to: string;
}

/** Which meetings can hold a job due in the planning window. */
export interface MeetingSelection {
  /** Starting in [from, to): their prep brief is due. */
  readonly starts: InstantRange | null;
  /** Ending in one of these (from, to]: over, or time for the thank-you. */
  readonly ends: readonly InstantRange[];
  /** Changed in (from, to]: booked, confirmed, moved or cancelled late. */
  readonly updated: InstantRange | null;
}

const PLANNED_STATUSES = ['confirmed', 'done', 'cancelled'] as const;

/** Ids of the meetings a selection names; each source is one index range scan. */
async function selectedMeetingIds(db: Db, sel: MeetingSelection): Promise<number[]> {
  const ids = new Set<number>();
  const add = (rows: { id: number }[]) => {
    for (const r of rows) ids.add(r.id);
  };
  if (sel.starts) {
    add(
      await db
        .selectFrom('meetings')
        .select('id')
        .where('status', 'in', PLANNED_STATUSES)
        .where('starts_at', '>=', sel.starts.from)
        .where('starts_at', '<', sel.starts.to)
        .execute(),
    );
  }
  for (const range of sel.ends) {
    add(
      await db
        .selectFrom('meetings')
        .select('id')
        .where('ends_at', '>', range.from)
        .where('ends_at', '<=', range.to)
        .execute(),
    );
  }
  if (sel.updated) {
    add(
      await db
        .selectFrom('meetings')
        .select('id')
        .where('updated_at', '>', sel.updated.from)
        .where('updated_at', '<=', sel.updated.to)
        .execute(),
    );
  }
  return [...ids];
}

/**
 * The selected confirmed, done and cancelled meetings, with what their jobs
 * need: the contact's stage and referrer, the owner's last mail to the
 * contact, and whether a thank-you draft exists.
 */
export async function loadMeetingFacts(db: Db, sel: MeetingSelection): Promise<MeetingFacts[]> {
  return meetingFactsOf(db, await selectedMeetingIds(db, sel));
}

/** The planned meetings of these contacts that ended after `endedAfter` or are still to come. */
export async function meetingFactsOfContacts(
  db: Db,
  contactIds: readonly number[],
  endedAfter: string,
): Promise<MeetingFacts[]> {
  const rows = await inChunks(contactIds, (chunk) =>
    db
      .selectFrom('meetings')
      .select('id')
      .where('contact_id', 'in', chunk)
      .where('ends_at', '>', endedAfter)
      .execute(),
  );
  return meetingFactsOf(
    db,
    rows.map((r) => r.id),
  );
}

async function meetingFactsOf(db: Db, ids: readonly number[]): Promise<MeetingFacts[]> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('meetings as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .leftJoin('contacts as r', 'r.id', 'c.referred_by_id')
      .select((eb) => [
        'm.id',
        'm.contact_id',
        'm.starts_at',
        'm.ends_at',
        'm.status',
        'm.updated_at',
        'c.stage',
        'r.id as referrer_id',
        'r.stage as referrer_stage',
        eb
          .selectFrom('messages as msg')
          .select('msg.date')
          .whereRef('msg.contact_id', '=', 'm.contact_id')
          .where('msg.direction', '=', 'out')
          .where('msg.kind', 'not in', NOT_AN_EXCHANGE)
          .orderBy('msg.date', 'desc')
          .limit(1)
          .as('last_owner_mail'),
        eb
          .exists(
            eb
              .selectFrom('outbox as o')
              .select('o.id')
              .whereRef('o.contact_id', '=', 'm.contact_id')
              .whereRef('o.meeting_id', '=', 'm.id')
              .where('o.kind', '=', 'thank_you'),
          )
          .as('has_thank_you'),
      ])
      .where('m.id', 'in', chunk)
      .where('m.status', 'in', PLANNED_STATUSES)
      .execute(),
  );
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    status: r.status,
    bookedAt: r.updated_at,
    contactStage: r.stage as Stage,
    referrer:
      r.referrer_id !== null && r.referrer_stage !== null
        ? { id: r.referrer_id, stage: r.referrer_stage as Stage }
        : null,
    lastOwnerMailAt: r.last_owner_mail ?? null,
    hasThankYouDraft: Boolean(r.has_thank_you),
  }));
}

/** Thank-you drafts made in (from, to] that are still undecided. */
export async function loadPendingThankYous(
  db: Db,
  madeIn: InstantRange,
): Promise<PendingThankYouFacts[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'contact_id', 'created_at'])
    .where('kind', '=', 'thank_you')
    .where('created_at', '>', madeIn.from)
    .where('created_at', '<=', madeIn.to)
    .where('state', 'in', WAITING_STATES)
    .execute();
  return rows
    .filter((r) => r.contact_id !== null)
    .map((r) => ({ draftId: r.id, contactId: r.contact_id as number, createdAt: r.created_at }));
}

// --- referrals and sent drafts ----------------------------------------------------------

/** Referred contacts that reached met (or later) in (from, to], with their referrer. */
export async function loadReferralFacts(db: Db, reachedIn: InstantRange): Promise<ReferralFacts[]> {
  const rows = await db
    .selectFrom('contacts as c')
    .innerJoin('contacts as r', 'r.id', 'c.referred_by_id')
    .select((eb) => [
      'c.id as referral_id',
      'c.stage as referral_stage',
      'c.stage_changed_at',
      'r.id as referrer_id',
      'r.stage as referrer_stage',
      eb
        .selectFrom('meetings as m')
        .select((m) => m.fn.min<string>('m.ends_at').as('ends_at'))
        .whereRef('m.contact_id', '=', 'c.id')
        .where('m.status', '=', 'confirmed')
        .whereRef('m.ends_at', '>', 'c.stage_changed_at')
        .as('unheld_meeting_ends_at'),
    ])
    .where('c.stage', 'in', KEEP_IN_TOUCH)
    .where('c.stage_changed_at', '>', reachedIn.from)
    .where('c.stage_changed_at', '<=', reachedIn.to)
    .execute();
  return rows.map((r) => ({
    referralId: r.referral_id,
    referralStage: r.referral_stage as Stage,
    reachedAt: r.stage_changed_at,
    referrerId: r.referrer_id,
    referrerStage: r.referrer_stage as Stage,
    unheldMeetingEndsAt: r.unheld_meeting_ends_at ?? null,
  }));
}

/** Thank-yous and keep-in-touch updates sent in (from, to]. */
export async function loadSentDrafts(db: Db, sentIn: InstantRange): Promise<SentDraftFacts[]> {
  const rows = await db
    .selectFrom('outbox as o')
    .innerJoin('contacts as c', 'c.id', 'o.contact_id')
    .select(['o.id', 'o.kind', 'o.contact_id', 'o.sent_at', 'c.stage'])
    .where('o.kind', 'in', ['thank_you', 'keep_in_touch'])
    .where('o.sent_at', '>', sentIn.from)
    .where('o.sent_at', '<=', sentIn.to)
    .where('o.state', '=', 'sent')
    .execute();
  return rows.map((r) => ({
    draftId: r.id,
    kind: r.kind as 'thank_you' | 'keep_in_touch',
    contactId: r.contact_id as number,
    contactStage: r.stage as Stage,
    sentAt: r.sent_at as string,
  }));
}

// --- the jobs table -------------------------------------------------------------------

export interface JobIdentity {
  readonly kind: string;
  readonly subjectKey: string;
  readonly occurrence: string;
}

/** Which of these job keys are recorded already (`kind|subject|occurrence`). */
export async function recordedJobKeys(db: Db, jobs: readonly JobIdentity[]): Promise<Set<string>> {
  const byKind = new Map<string, string[]>();
  for (const job of jobs) byKind.set(job.kind, [...(byKind.get(job.kind) ?? []), job.subjectKey]);
  const keys = new Set<string>();
  for (const [kind, subjects] of byKind) {
    const rows = await inChunks(subjects, (chunk) =>
      db
        .selectFrom('jobs')
        .select(['kind', 'subject_key', 'occurrence'])
        .where('kind', '=', kind)
        .where('subject_key', 'in', chunk)
        .execute(),
    );
    for (const r of rows) keys.add(`${r.kind}|${r.subject_key}|${r.occurrence}`);
  }
  return keys;
}

/**
 * Records a job under its unique key; false when some other tick recorded it
 * first. Run it first inside the transaction that carries the job out.
 */
export async function recordJobOnce(
  db: Db,
  job: JobIdentity & { readonly dueAt: string },
  outcome: {
    readonly state: JobTable['state'];
    readonly reason: string | null;
    readonly at: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values({
      kind: job.kind,
      subject_key: job.subjectKey,
      occurrence: job.occurrence,
      due_at: job.dueAt,
      state: outcome.state,
      reason: outcome.reason,
      ran_at: outcome.at,
    })
    .onConflict((oc) => oc.columns(['kind', 'subject_key', 'occurrence']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Turns a job recorded as done into dropped, with the reason (an effect found it made no sense). */
export async function markJobDropped(db: Db, job: JobIdentity, reason: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ state: 'dropped', reason: reason.slice(0, 500) })
    .where('kind', '=', job.kind)
    .where('subject_key', '=', job.subjectKey)
    .where('occurrence', '=', job.occurrence)
    .execute();
}
