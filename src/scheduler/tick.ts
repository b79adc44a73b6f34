import { applyStageEvent } from '../db/contacts.js';
import type { Db } from '../db/database.js';
import { markMeetingDone } from '../db/meetings.js';
import {
  advancePlannedUntil,
  getPlannedUntil,
  markJobDropped,
  recordedJobKeys,
  recordJobOnce,
} from '../db/scheduler-queries.js';
import { BadInputError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  type DueJob,
  jobKey,
  planDueJobs,
  type ScheduleSettings,
  withoutRecorded,
} from '../pipeline/schedule.js';
import type { StageEvent } from '../pipeline/transitions.js';
import { type EffectNote, JobNotApplicable, type SchedulerEffects } from './effects.js';
import { loadSnapshot } from './snapshot.js';

/**
 * On the very first tick, how far back missed occurrences are looked for;
 * and how far back the first tick of each process re-checks everything.
 */
const LOOKBACK_DAYS = 14;
/** A job whose effect throws this many times in one process is recorded as failed. */
export const MAX_ATTEMPTS = 3;

export interface TickDeps {
  readonly db: Db;
  readonly settings: ScheduleSettings;
  readonly effects: SchedulerEffects;
  readonly logger?: Logger;
  /** Failed attempts per job key, kept by a long-running scheduler across its ticks. */
  readonly attempts?: Map<string, number>;
}

/**
 * done / dropped: recorded now; failed: will be retried; gave_up: recorded as
 * failed after MAX_ATTEMPTS; taken: another tick recorded it first.
 */
type JobResult = 'done' | 'dropped' | 'failed' | 'gave_up' | 'taken';

export interface JobOutcome {
  readonly job: DueJob;
  readonly result: JobResult;
  /** What was done, why it was dropped, or the error. */
  readonly note: string;
}

export interface TickReport {
  readonly now: string;
  readonly since: string;
  readonly outcomes: readonly JobOutcome[];
}

/**
 * One tick at `now`: load what can fall due since the last tick (with
 * `recheck` — the first tick of a process — everything due in the last
 * LOOKBACK_DAYS too), plan, and for each job not yet recorded, record it and
 * carry it out in one transaction. Recording comes first, so a racing tick's
 * insert conflicts and that tick does nothing. The watermark moves only when
 * every job succeeded, so a failed one is retried on the next tick (up to
 * MAX_ATTEMPTS, then recorded as failed).
 */
export async function runTick(
  deps: TickDeps,
  nowDate: Date,
  options: { readonly recheck?: boolean } = {},
): Promise<TickReport> {
  const now = nowDate.toISOString();
  const lookback = new Date(nowDate.getTime() - LOOKBACK_DAYS * 86_400_000).toISOString();
  const since = (await getPlannedUntil(deps.db)) ?? lookback;
  const clock = options.recheck ? { since, now, recheckFrom: lookback } : { since, now };
  const snapshot = await loadSnapshot(deps.db, clock, deps.settings);
  const due = planDueJobs(snapshot, clock, deps.settings);
  const fresh = withoutRecorded(due, await recordedJobKeys(deps.db, due));
  const outcomes: JobOutcome[] = [];
  for (const job of fresh) outcomes.push(await runJob(deps, job, now));
  if (outcomes.every((o) => o.result !== 'failed')) {
    await advancePlannedUntil(deps.db, now, now);
  }
  return { now, since, outcomes };
}

async function runJob(deps: TickDeps, job: DueJob, now: string): Promise<JobOutcome> {
  try {
    // One transaction: the job record and its mail commit or roll back together.
    return await deps.db.transaction().execute(async (db): Promise<JobOutcome> => {
      const state = job.drop === null ? 'done' : 'dropped';
      const recorded = await recordJobOnce(db, job, { state, reason: job.drop, at: now });
      if (!recorded) return { job, result: 'taken', note: 'another tick ran it' };
      if (job.drop !== null) return { job, result: 'dropped', note: job.drop };
      try {
        return { job, result: 'done', note: await carryOut(db, deps.effects, job, now) };
      } catch (error) {
        if (!(error instanceof JobNotApplicable || error instanceof BadInputError)) throw error;
        await markJobDropped(db, job, error.message);
        return { job, result: 'dropped', note: error.message };
      }
    });
  } catch (error) {
    return failed(deps, job, now, error);
  }
}

async function failed(
  deps: TickDeps,
  job: DueJob,
  now: string,
  error: unknown,
): Promise<JobOutcome> {
  const key = jobKey(job);
  const message = error instanceof Error ? error.message : String(error);
  const attempts = (deps.attempts?.get(key) ?? 0) + 1;
  deps.attempts?.set(key, attempts);
  deps.logger?.error('scheduled job failed', { job: key, attempt: attempts, error: message });
  if (attempts >= MAX_ATTEMPTS) {
    // Give up loudly rather than retry forever: the row tells the owner what failed.
    await recordJobOnce(deps.db, job, { state: 'failed', reason: message.slice(0, 500), at: now });
    deps.attempts?.delete(key);
    return { job, result: 'gave_up', note: `failed ${attempts} times: ${message}` };
  }
  return { job, result: 'failed', note: message };
}

async function move(
  db: Db,
  contactId: number,
  event: StageEvent,
  at: string,
  cause: string,
): Promise<string> {
  const result = await applyStageEvent(db, contactId, event, { at, cause });
  return result.moved ? `${result.from} → ${result.to}` : `stage kept (${result.reason})`;
}

// A "not mailed: …" note means the effect made nothing, so it replaces the claim.
const said = (done: string, note: EffectNote) =>
  note?.startsWith('not mailed') ? note : note ? `${done} (${note})` : done;

/** Carries one job out inside the transaction that recorded it; returns what it did. */
async function carryOut(
  db: Db,
  effects: SchedulerEffects,
  job: DueJob,
  at: string,
): Promise<string> {
  const a = job.action;
  switch (a.type) {
    case 'prep_brief':
      return said(
        'prep brief queued',
        await effects.prepBrief(db, { meetingId: a.meetingId, contactId: a.contactId, at }),
      );
    case 'meeting_over': {
      const moved = a.moveToMet
        ? await move(
            db,
            a.contactId,
            { type: 'meeting_time_passed' },
            at,
            `meeting ${a.meetingId} is over`,
          )
        : 'stage kept';
      await markMeetingDone(db, a.meetingId);
      const note = await effects.postMeetingPrompt(db, {
        meetingId: a.meetingId,
        contactId: a.contactId,
        at,
      });
      return said(`${moved}; post-meeting prompt queued`, note);
    }
    case 'thank_you_draft':
      return said(
        'thank-you draft made',
        await effects.thankYouDraft(db, { meetingId: a.meetingId, contactId: a.contactId, at }),
      );
    case 'thank_you_by_owner':
      return `you wrote after the meeting (${a.ownerMailAt}): ${await move(
        db,
        a.contactId,
        { type: 'thank_you_sent' },
        at,
        `your mail of ${a.ownerMailAt} after meeting ${a.meetingId} was the thank-you`,
      )}`;
    case 'thank_you_reminder':
      return said(
        'reminder queued',
        await effects.thankYouReminder(db, { draftId: a.draftId, at }),
      );
    case 'follow_up':
      return said(
        `follow-up ${a.number} draft made`,
        await effects.followUpDraft(db, { contactId: a.contactId, number: a.number, at }),
      );
    case 'no_response':
      return move(
        db,
        a.contactId,
        { type: 'follow_ups_exhausted' },
        at,
        'no reply after the follow-ups',
      );
    case 'withdraw_follow_ups':
      return said(
        'follow-up withdrawn',
        await effects.withdrawFollowUps(db, { contactId: a.contactId, draftIds: a.draftIds, at }),
      );
    case 'keep_in_touch':
      return said(
        'keep-in-touch draft made',
        await effects.keepInTouchDraft(db, { contactId: a.contactId, at }),
      );
    case 'referrer_update':
      return said(
        `referrer update draft made (about contact:${a.referralId})`,
        await effects.referrerUpdateDraft(db, {
          referrerId: a.referrerId,
          referralId: a.referralId,
          at,
        }),
      );
    case 'weekly_digest':
      return said(
        'digest queued',
        await effects.weeklyDigest(db, {
          periodStart: new Date(Date.parse(a.at) - 7 * 86_400_000).toISOString(),
          periodEnd: a.at,
          at,
        }),
      );
    case 'stage_after_send':
      return move(
        db,
        a.contactId,
        { type: a.event },
        at,
        a.event === 'thank_you_sent'
          ? 'your thank-you was sent'
          : 'your keep-in-touch mail was sent',
      );
  }
}
