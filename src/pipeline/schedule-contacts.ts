import { plusLocalDays, returnDateInstant } from './owner-time.js';
import {
  type DueJob,
  dueNow,
  type FollowUpFacts,
  type KeepInTouchFacts,
  mayBeDue,
  type ReferralFacts,
  type ScheduleClock,
  type ScheduleSettings,
  type ScheduleSnapshot,
  type SentDraftFacts,
} from './schedule.js';
import { exitReason } from './schedule-meetings.js';
import type { Stage } from './stages.js';

/** Stages that have a keep-in-touch rhythm. */
const KEEP_IN_TOUCH_STAGES: readonly Stage[] = ['met', 'thanked', 'keeping_in_touch'];
/** A referral counts as met from these stages on. */
const REFERRAL_MET_STAGES: readonly Stage[] = ['met', 'thanked', 'keeping_in_touch'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function latest(values: readonly (string | null)[]): string {
  let best: string | null = null;
  for (const value of values) {
    if (value !== null && (best === null || Date.parse(value) > Date.parse(best))) best = value;
  }
  if (best === null) throw new Error('latest() needs at least one instant');
  return best;
}

const after = (a: string, b: string) => Date.parse(a) > Date.parse(b);
const atOrBefore = (a: string, b: string) => Date.parse(a) <= Date.parse(b);

/** `days` owner-days after `base` is that many real days, give or take a DST hour. */
function mayBeDueAfterDays(base: string, days: number, clock: ScheduleClock): boolean {
  const at = Date.parse(base) + days * DAY;
  return mayBeDue(at - HOUR, at + HOUR, clock);
}

/**
 * The next step of an outreach round: follow-up n+1 after FOLLOW_UP_AFTER_DAYS
 * without a reply (counted from the outreach, the last follow-up, or an
 * out-of-office return date, whichever is latest), or — with every follow-up
 * used — the move to no_response. Null while a follow-up waits for approval:
 * the next one counts from when that one is sent.
 */
function nextFollowUpStep(
  f: FollowUpFacts,
  clock: ScheduleClock,
  s: ScheduleSettings,
): DueJob | null {
  if (f.followUps.pendingDraftIds.length > 0) return null;
  const returned = f.outOfOfficeUntil ? returnDateInstant(f.outOfOfficeUntil, s.timeZone) : null;
  const base = latest([f.contactedSince, f.followUps.lastAt, returned]);
  // Past steps of a contact who stopped waiting are looked at back to `since` only.
  const window = f.stage === 'contacted' ? clock : { now: clock.now, since: clock.since };
  if (!mayBeDueAfterDays(base, s.followUpAfterDays, window)) return null;
  const dueAt = plusLocalDays(base, s.followUpAfterDays, s.timeZone);
  const subjectKey = `contact:${f.contactId}`;
  if (f.followUps.used >= s.maxFollowUps) {
    return {
      kind: 'no_response',
      subjectKey,
      occurrence: f.contactedSince,
      dueAt,
      action: { type: 'no_response', contactId: f.contactId },
      drop: null,
    };
  }
  const number = f.followUps.used + 1;
  return {
    kind: 'follow_up',
    subjectKey,
    occurrence: `${f.contactedSince}#${number}`,
    dueAt,
    action: { type: 'follow_up', contactId: f.contactId, number },
    drop: null,
  };
}

function repliedSince(f: FollowUpFacts): string | null {
  return f.lastHumanReplyAt !== null && after(f.lastHumanReplyAt, f.contactedSince)
    ? f.lastHumanReplyAt
    : null;
}

/**
 * A contact still waiting gets the step when due. For one who stopped waiting
 * (replied, declined…) only a step that fell due before they stopped — and
 * after the last tick, so kith was down and never ran it — is recorded, as
 * dropped with the reason: downtime never sends a stale follow-up, and a
 * step that never fell due leaves no trace, as when kith runs throughout.
 */
function followUpJob(f: FollowUpFacts, clock: ScheduleClock, s: ScheduleSettings): DueJob | null {
  const step = nextFollowUpStep(f, clock, s);
  if (step === null || !atOrBefore(step.dueAt, clock.now)) return null;
  const replied = repliedSince(f);
  if (f.stage === 'contacted') {
    if (!dueNow(step.dueAt, clock)) return null;
    return replied ? { ...step, drop: `they replied meanwhile (${replied})` } : step;
  }
  const stoppedAt = replied ?? f.stageChangedAt;
  if (!after(step.dueAt, clock.since) || after(step.dueAt, stoppedAt)) return null;
  return {
    ...step,
    drop: replied
      ? `they replied meanwhile (${replied})`
      : `no longer waiting for a reply: the contact is ${f.stage.replace(/_/g, ' ')}`,
  };
}

/**
 * A contact who stopped waiting (replied, declined…) while a follow-up still
 * waits for the owner's approval: the follow-up is withdrawn, so it can never
 * go out to someone who already answered.
 */
function withdrawJob(f: FollowUpFacts, clock: ScheduleClock): DueJob | null {
  if (f.stage === 'contacted' || f.followUps.pendingDraftIds.length === 0) return null;
  const stoppedAt = repliedSince(f) ?? f.stageChangedAt;
  if (!dueNow(stoppedAt, clock)) return null;
  return {
    kind: 'withdraw_follow_ups',
    subjectKey: `contact:${f.contactId}`,
    occurrence: f.contactedSince,
    dueAt: stoppedAt,
    action: {
      type: 'withdraw_follow_ups',
      contactId: f.contactId,
      draftIds: f.followUps.pendingDraftIds,
    },
    drop: null,
  };
}

/**
 * Keep-in-touch: cadence days after the last exchange either way (any mail,
 * a meeting, a stage change, or the previous keep-in-touch draft).
 */
function keepInTouchJob(
  k: KeepInTouchFacts,
  clock: ScheduleClock,
  s: ScheduleSettings,
): DueJob | null {
  if (!KEEP_IN_TOUCH_STAGES.includes(k.stage)) return null;
  const clockStart = latest([k.lastExchangeAt, k.stageChangedAt, k.lastKeepInTouchAt]);
  const days = k.cadenceDays ?? s.keepInTouchDays;
  if (!mayBeDueAfterDays(clockStart, days, clock)) return null;
  const dueAt = plusLocalDays(clockStart, days, s.timeZone);
  if (!dueNow(dueAt, clock)) return null;
  return {
    kind: 'keep_in_touch',
    subjectKey: `contact:${k.contactId}`,
    occurrence: clockStart,
    dueAt,
    action: { type: 'keep_in_touch', contactId: k.contactId },
    drop: null,
  };
}

/** When someone a contact referred reaches met, that contact hears about it (once per referral). */
function referrerUpdateJob(r: ReferralFacts, clock: ScheduleClock): DueJob | null {
  if (!REFERRAL_MET_STAGES.includes(r.referralStage)) return null;
  // Nothing recorded either: the meeting's over step plans the same key.
  if (r.unheldMeetingEndsAt && after(r.unheldMeetingEndsAt, r.reachedAt)) return null;
  if (!dueNow(r.reachedAt, clock)) return null;
  return {
    kind: 'referrer_update',
    subjectKey: `contact:${r.referrerId}`,
    occurrence: `referral:${r.referralId}`,
    dueAt: r.reachedAt,
    action: { type: 'referrer_update', referrerId: r.referrerId, referralId: r.referralId },
    drop: exitReason(r.referrerStage),
  };
}

/** A sent thank-you moves met → thanked; the first sent keep-in-touch moves on to keeping_in_touch. */
function stageAfterSendJob(d: SentDraftFacts, clock: ScheduleClock): DueJob | null {
  const event =
    d.kind === 'thank_you'
      ? d.contactStage === 'met'
        ? 'thank_you_sent'
        : null
      : d.contactStage === 'met' || d.contactStage === 'thanked'
        ? 'keep_in_touch_sent'
        : null;
  if (event === null || !dueNow(d.sentAt, clock)) return null;
  return {
    kind: 'stage_after_send',
    subjectKey: `outbox:${d.draftId}`,
    occurrence: 'sent',
    dueAt: d.sentAt,
    action: { type: 'stage_after_send', draftId: d.draftId, contactId: d.contactId, event },
    drop: null,
  };
}

/** Follow-ups, no-response moves, keep-in-touch, referrer updates and moves after a send. */
export function planContactJobs(
  snapshot: ScheduleSnapshot,
  clock: ScheduleClock,
  settings: ScheduleSettings,
): DueJob[] {
  const jobs: (DueJob | null)[] = [
    ...snapshot.followUps.map((f) => followUpJob(f, clock, settings)),
    ...snapshot.followUps.map((f) => withdrawJob(f, clock)),
    ...snapshot.keepInTouch.map((k) => keepInTouchJob(k, clock, settings)),
    ...snapshot.referrals.map((r) => referrerUpdateJob(r, clock)),
    ...snapshot.sentDrafts.map((d) => stageAfterSendJob(d, clock)),
  ];
  return jobs.filter((job): job is DueJob => job !== null);
}
