import { planContactJobs } from './schedule-contacts.js';
import { planMeetingJobs } from './schedule-meetings.js';
import { planOwnerJobs } from './schedule-owner.js';
import type { Stage } from './stages.js';

/**
 * What the scheduler should do now, as a pure function of a snapshot of the
 * relevant state, the clock and the timing settings. Every job carries a
 * unique key (kind, subject, occurrence): the adapter records the key before
 * it acts, so each occurrence runs once however many ticks see it due —
 * after downtime, after a restart, or with two ticks racing.
 */

/** Timing settings, all read on the owner's wall clock. */
export interface ScheduleSettings {
  /** IANA zone of the owner (`KITH_TIMEZONE`). */
  readonly timeZone: string;
  readonly prepBriefHour: number;
  readonly thankYouHour: number;
  readonly meetingOverAfterMinutes: number;
  readonly followUpAfterDays: number;
  readonly maxFollowUps: number;
  readonly keepInTouchDays: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly digestWeekday: number;
  readonly digestHour: number;
}

/** A confirmed, done or cancelled meeting in the planning window. */
export interface MeetingFacts {
  readonly id: number;
  readonly contactId: number;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: 'proposed' | 'confirmed' | 'cancelled' | 'done';
  /**
   * When kith last learned something about it (booked, confirmed, moved):
   * a step whose time had already passed then is due at once.
   */
  readonly bookedAt: string;
  readonly contactStage: Stage;
  /** Whoever referred the contact: they hear about it once the contact is met. */
  readonly referrer: { readonly id: number; readonly stage: Stage } | null;
  /** The owner's latest mail to this contact (any thread), or null. */
  readonly lastOwnerMailAt: string | null;
  /** A thank-you draft for this meeting exists already (made earlier or by hand). */
  readonly hasThankYouDraft: boolean;
}

/** A thank-you draft still waiting for the owner's approval. */
export interface PendingThankYouFacts {
  readonly draftId: number;
  readonly contactId: number;
  readonly createdAt: string;
}

/** The follow-up drafts of the current outreach round. */
interface FollowUpCount {
  /** Drafts sent or skipped: each uses up one of MAX_FOLLOW_UPS. */
  readonly used: number;
  /** When the last used one was sent (or skipped). */
  readonly lastAt: string | null;
  /** Drafted, waiting for approval, snoozed or approved: the next step waits for these. */
  readonly pendingDraftIds: readonly number[];
}

/**
 * A contact waiting for a reply (stage contacted), or one that stopped
 * waiting since the last tick (so a follow-up that fell due meanwhile can be
 * dropped with its reason instead of silently forgotten).
 */
export interface FollowUpFacts {
  readonly contactId: number;
  readonly stage: Stage;
  /** When the contact last entered `contacted`: the round's start and key. */
  readonly contactedSince: string;
  /** When the current stage began: for one who stopped waiting, when they stopped. */
  readonly stageChangedAt: string;
  /** The latest human (not automatic) mail from the contact, or null. */
  readonly lastHumanReplyAt: string | null;
  /** From an out-of-office reply: a date (`YYYY-MM-DD`) or an instant; the clock restarts there. */
  readonly outOfOfficeUntil: string | null;
  readonly followUps: FollowUpCount;
}

/** A met, thanked or keeping-in-touch contact whose keep-in-touch clock may have run out. */
export interface KeepInTouchFacts {
  readonly contactId: number;
  readonly stage: Stage;
  /** Per-contact cadence in days; null means the setting's default. */
  readonly cadenceDays: number | null;
  /** Latest mail either way or meeting end; null if none. */
  readonly lastExchangeAt: string | null;
  readonly stageChangedAt: string;
  /** Due instant of the latest keep-in-touch job: an unanswered draft restarts the clock too. */
  readonly lastKeepInTouchAt: string | null;
}

/** A referred contact that reached met (or later), with whoever referred them. */
export interface ReferralFacts {
  readonly referralId: number;
  readonly referralStage: Stage;
  readonly reachedAt: string;
  readonly referrerId: number;
  readonly referrerStage: Stage;
  /**
   * The end of a confirmed meeting that had not ended when they reached met
   * (moved by hand ahead of it), or null: the referrer then hears only once
   * that meeting is over, from the meeting's own step.
   */
  readonly unheldMeetingEndsAt?: string | null;
}

/** A thank-you or keep-in-touch draft that was sent: it moves the stage. */
export interface SentDraftFacts {
  readonly draftId: number;
  readonly kind: 'thank_you' | 'keep_in_touch';
  readonly contactId: number;
  readonly contactStage: Stage;
  readonly sentAt: string;
}

/** Everything the planner looks at; the adapter loads only what can be due. */
export interface ScheduleSnapshot {
  readonly meetings: readonly MeetingFacts[];
  readonly pendingThankYous: readonly PendingThankYouFacts[];
  readonly followUps: readonly FollowUpFacts[];
  readonly keepInTouch: readonly KeepInTouchFacts[];
  readonly referrals: readonly ReferralFacts[];
  readonly sentDrafts: readonly SentDraftFacts[];
}

/**
 * The planning window (since, now]: `since` is where the previous complete
 * tick planned up to, so everything due earlier is recorded already. The
 * first tick of a process passes `recheckFrom` too: everything due after it
 * is planned again (the adapter skips what is recorded), which repairs
 * anything a window missed — a restored backup, a late-written row — without
 * digging up years-old occurrences.
 */
export interface ScheduleClock {
  readonly now: string;
  readonly since: string;
  readonly recheckFrom?: string;
}

/** The window as epoch milliseconds: (lower, upper]. */
function bounds(clock: ScheduleClock): { lower: number; upper: number } {
  const since = Date.parse(clock.since);
  const lower =
    clock.recheckFrom === undefined ? since : Math.min(since, Date.parse(clock.recheckFrom));
  return { lower, upper: Date.parse(clock.now) };
}

/** Whether a due instant belongs to this tick. */
export function dueNow(dueAt: string, clock: ScheduleClock): boolean {
  const due = Date.parse(dueAt);
  const { lower, upper } = bounds(clock);
  return due > lower && due <= upper;
}

/**
 * Whether a due instant known to lie in [earliest, latest] (epoch ms) can
 * belong to this tick: a cheap test before the exact owner-zone arithmetic,
 * which is what a tick would otherwise spend its time on.
 */
export function mayBeDue(earliest: number, latest: number, clock: ScheduleClock): boolean {
  const { lower, upper } = bounds(clock);
  return latest > lower && earliest <= upper;
}

/** What carrying out a job means; the adapter maps each to its effects. */
export type JobAction =
  | { readonly type: 'prep_brief'; readonly meetingId: number; readonly contactId: number }
  | {
      readonly type: 'meeting_over';
      readonly meetingId: number;
      readonly contactId: number;
      /** The contact is still scheduled: move them to met. */
      readonly moveToMet: boolean;
    }
  | { readonly type: 'thank_you_draft'; readonly meetingId: number; readonly contactId: number }
  | {
      /** The owner already wrote after the meeting: that mail was the thank-you. */
      readonly type: 'thank_you_by_owner';
      readonly meetingId: number;
      readonly contactId: number;
      readonly ownerMailAt: string;
    }
  | { readonly type: 'thank_you_reminder'; readonly draftId: number; readonly contactId: number }
  | { readonly type: 'follow_up'; readonly contactId: number; readonly number: number }
  | { readonly type: 'no_response'; readonly contactId: number }
  | {
      /** They stopped waiting (replied, declined…): undecided follow-ups are withdrawn. */
      readonly type: 'withdraw_follow_ups';
      readonly contactId: number;
      readonly draftIds: readonly number[];
    }
  | { readonly type: 'keep_in_touch'; readonly contactId: number }
  | { readonly type: 'referrer_update'; readonly referrerId: number; readonly referralId: number }
  | { readonly type: 'weekly_digest'; readonly weekOf: string; readonly at: string }
  | {
      readonly type: 'stage_after_send';
      readonly draftId: number;
      readonly contactId: number;
      readonly event: 'thank_you_sent' | 'keep_in_touch_sent';
    };

const JOB_KINDS = [
  'prep_brief',
  'meeting_over',
  'thank_you',
  'thank_you_reminder',
  'follow_up',
  'no_response',
  'withdraw_follow_ups',
  'keep_in_touch',
  'referrer_update',
  'weekly_digest',
  'stage_after_send',
] as const;

type JobKind = (typeof JOB_KINDS)[number];

/** One occurrence that is due, and whether it still makes sense. */
export interface DueJob {
  readonly kind: JobKind;
  /** `meeting:12`, `contact:7`, `outbox:3` or `owner`. */
  readonly subjectKey: string;
  /** With kind and subject, unique: a moved meeting or a new round gets new occurrences. */
  readonly occurrence: string;
  readonly dueAt: string;
  readonly action: JobAction;
  /** Why it no longer makes sense (recorded, nothing done), or null to carry it out. */
  readonly drop: string | null;
}

/** The string form of a job's unique key. */
export function jobKey(job: Pick<DueJob, 'kind' | 'subjectKey' | 'occurrence'>): string {
  return `${job.kind}|${job.subjectKey}|${job.occurrence}`;
}

const KIND_ORDER: Readonly<Record<JobKind, number>> = Object.fromEntries(
  JOB_KINDS.map((kind, i) => [kind, i]),
) as Record<JobKind, number>;

/**
 * Every job of the snapshot due in the clock's window, oldest first (so a
 * meeting's "over" step runs before its thank-you). Jobs already recorded
 * are the adapter's to skip; see `withoutRecorded`.
 */
export function planDueJobs(
  snapshot: ScheduleSnapshot,
  clock: ScheduleClock,
  settings: ScheduleSettings,
): DueJob[] {
  const jobs = [
    ...planMeetingJobs(snapshot, clock, settings),
    ...planContactJobs(snapshot, clock, settings),
    ...planOwnerJobs(clock, settings),
  ];
  return jobs.sort(
    (a, b) =>
      compare(a.dueAt, b.dueAt) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      compare(a.subjectKey, b.subjectKey),
  );
}

// Canonical ISO instants sort as plain strings; no locale rules wanted.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The jobs whose key is not yet recorded, without duplicates. */
export function withoutRecorded(jobs: readonly DueJob[], recorded: ReadonlySet<string>): DueJob[] {
  const seen = new Set(recorded);
  const fresh: DueJob[] = [];
  for (const job of jobs) {
    const key = jobKey(job);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(job);
  }
  return fresh;
}
