/**
 * Where a thank-you is drafted, and when — the whole answer is this file plus
 * the scheduler's interpreter:
 * - every tick, src/scheduler/snapshot.ts loads the meetings in the planning
 *   window as plain facts (`MeetingFacts`: end, stage, the owner's last mail,
 *   whether a thank-you draft exists);
 * - `thankYou()` below decides: due at the first `THANK_YOU_HOUR`:00 on the
 *   owner's clock at least `THANK_YOU_MIN_HOURS` after the meeting ended (so
 *   1–2 days later); nothing when the owner already wrote to the contact
 *   after the meeting (that mail was the thank-you: `thank_you_by_owner`
 *   moves the stage instead), when a draft exists, or when the contact left
 *   the main road;
 * - src/scheduler/tick.ts carries out `thank_you_draft` once per meeting (its
 *   job key), and src/scheduler/outbox-effects.ts renders the `thank_you`
 *   template into a contact draft that waits for the owner's approval — it
 *   is never sent without it. A day later, still undecided, `thankYouReminder()`
 *   asks once more.
 */
import { dayBeforeAt, firstHourAtLeast, plusMinutes } from './owner-time.js';
import {
  type DueJob,
  dueNow,
  type MeetingFacts,
  mayBeDue,
  type PendingThankYouFacts,
  type ScheduleClock,
  type ScheduleSettings,
  type ScheduleSnapshot,
} from './schedule.js';
import { SIDE_EXITS, type Stage } from './stages.js';

/** Real hours after a meeting's end before its thank-you draft, at the least. */
export const THANK_YOU_MIN_HOURS = 24;
/** Real hours a thank-you draft may wait for approval before its one reminder. */
export const THANK_YOU_REMINDER_HOURS = 24;

/** A contact who left the main road gets nothing more from a meeting. */
export function exitReason(stage: Stage): string | null {
  return SIDE_EXITS.includes(stage) ? `the contact is ${stage.replace(/_/g, ' ')}` : null;
}

const HOUR = 3_600_000;
const ms = (at: string) => Date.parse(at);

/** Later of two instants. */
function later(a: string, b: string): string {
  return ms(a) >= ms(b) ? a : b;
}

/**
 * The prep brief: `PREP_BRIEF_HOUR`:00 owner time the day before, or at once
 * when the meeting was booked after that. Useless once the meeting began.
 * (The day before at any hour is 1 to 49 hours before the start.)
 */
function prepBrief(m: MeetingFacts, clock: ScheduleClock, s: ScheduleSettings): DueJob | null {
  const start = ms(m.startsAt);
  const booked = ms(m.bookedAt);
  if (!mayBeDue(Math.max(start - 49 * HOUR, booked), Math.max(start, booked), clock)) return null;
  const dueAt = later(dayBeforeAt(m.startsAt, s.timeZone, s.prepBriefHour), m.bookedAt);
  const started = ms(clock.now) >= start;
  return {
    kind: 'prep_brief',
    subjectKey: `meeting:${m.id}`,
    occurrence: m.startsAt,
    dueAt,
    action: { type: 'prep_brief', meetingId: m.id, contactId: m.contactId },
    drop:
      cancelled(m) ??
      exitReason(m.contactStage) ??
      (started ? `the meeting already began at ${m.startsAt}` : null),
  };
}

/** Meeting over: its end plus a margin; the contact moves to met and the owner is asked how it went. */
function meetingOver(m: MeetingFacts, s: ScheduleSettings): DueJob {
  return {
    kind: 'meeting_over',
    subjectKey: `meeting:${m.id}`,
    occurrence: m.startsAt,
    dueAt: later(plusMinutes(m.endsAt, s.meetingOverAfterMinutes), m.bookedAt),
    action: {
      type: 'meeting_over',
      meetingId: m.id,
      contactId: m.contactId,
      moveToMet: m.contactStage === 'scheduled',
    },
    drop: cancelled(m) ?? exitReason(m.contactStage),
  };
}

/**
 * The thank-you: the first `THANK_YOU_HOUR`:00 at least 24 h after the end
 * (so 1–2 days after). If the owner already wrote to the contact after the
 * meeting, that mail was the thank-you and no draft is made.
 */
function thankYou(m: MeetingFacts, clock: ScheduleClock, s: ScheduleSettings): DueJob | null {
  const end = ms(m.endsAt);
  const booked = ms(m.bookedAt);
  const first = end + THANK_YOU_MIN_HOURS * HOUR;
  // The hour comes within a day after that, give or take a DST hour.
  if (!mayBeDue(Math.max(first, booked), Math.max(first + 25 * HOUR, booked), clock)) return null;
  const dueAt = later(
    firstHourAtLeast(m.endsAt, THANK_YOU_MIN_HOURS, s.timeZone, s.thankYouHour),
    m.bookedAt,
  );
  const ownerWrote =
    m.lastOwnerMailAt !== null && ms(m.lastOwnerMailAt) > end ? m.lastOwnerMailAt : null;
  return {
    kind: 'thank_you',
    subjectKey: `meeting:${m.id}`,
    occurrence: m.startsAt,
    dueAt,
    action: ownerWrote
      ? {
          type: 'thank_you_by_owner',
          meetingId: m.id,
          contactId: m.contactId,
          ownerMailAt: ownerWrote,
        }
      : { type: 'thank_you_draft', meetingId: m.id, contactId: m.contactId },
    drop:
      cancelled(m) ??
      exitReason(m.contactStage) ??
      (m.hasThankYouDraft && !ownerWrote
        ? 'a thank-you draft for this meeting exists already'
        : null),
  };
}

/**
 * When a meeting moves its contact to met, whoever referred them hears about
 * it (once per referral: the key is the referral, not the meeting).
 */
function referrerUpdate(m: MeetingFacts, over: DueJob): DueJob | null {
  if (m.referrer === null || m.status === 'cancelled' || exitReason(m.contactStage)) return null;
  return {
    kind: 'referrer_update',
    subjectKey: `contact:${m.referrer.id}`,
    occurrence: `referral:${m.contactId}`,
    dueAt: over.dueAt,
    action: { type: 'referrer_update', referrerId: m.referrer.id, referralId: m.contactId },
    drop: exitReason(m.referrer.stage),
  };
}

function cancelled(m: MeetingFacts): string | null {
  return m.status === 'cancelled' ? 'the meeting was cancelled' : null;
}

/** One reminder when a thank-you draft still waits for approval a day later. */
function thankYouReminder(d: PendingThankYouFacts): DueJob {
  return {
    kind: 'thank_you_reminder',
    subjectKey: `outbox:${d.draftId}`,
    occurrence: 'once',
    dueAt: plusMinutes(d.createdAt, THANK_YOU_REMINDER_HOURS * 60),
    action: { type: 'thank_you_reminder', draftId: d.draftId, contactId: d.contactId },
    drop: null,
  };
}

/** Every meeting job and thank-you reminder that is due at `clock.now`. */
export function planMeetingJobs(
  snapshot: ScheduleSnapshot,
  clock: ScheduleClock,
  settings: ScheduleSettings,
): DueJob[] {
  const jobs: DueJob[] = [];
  for (const meeting of snapshot.meetings) {
    // A proposed time is not a meeting yet: nothing is planned until it is confirmed.
    if (meeting.status === 'proposed') continue;
    const over = meetingOver(meeting, settings);
    const update = referrerUpdate(meeting, over);
    for (const job of [
      prepBrief(meeting, clock, settings),
      over,
      thankYou(meeting, clock, settings),
      update,
    ]) {
      if (job) jobs.push(job);
    }
  }
  for (const draft of snapshot.pendingThankYous) jobs.push(thankYouReminder(draft));
  return jobs.filter((job) => dueNow(job.dueAt, clock));
}
