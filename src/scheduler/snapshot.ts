import type { Db } from '../db/database.js';
import { loadFollowUpFacts, loadKeepInTouchFacts } from '../db/scheduler-contact-queries.js';
import {
  type InstantRange,
  loadMeetingFacts,
  loadPendingThankYous,
  loadReferralFacts,
  loadSentDrafts,
  type MeetingSelection,
} from '../db/scheduler-queries.js';
import {
  localDaysEarlier,
  meetingOverEnds,
  prepBriefStarts,
  type Range,
  thankYouEnds,
  type Window,
} from '../pipeline/due-windows.js';
import type { ScheduleClock, ScheduleSettings, ScheduleSnapshot } from '../pipeline/schedule.js';
import { THANK_YOU_MIN_HOURS, THANK_YOU_REMINDER_HOURS } from '../pipeline/schedule-meetings.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * Slack on ranges over owner-day arithmetic (a DST hour) and over instants
 * other code wrote: loading a few rows too many costs little (the planner
 * checks each due instant exactly); one too few would lose a job.
 */
const SLACK = 2 * HOUR;

const shift = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();
const widen = (r: Range | null): InstantRange | null =>
  r && { from: shift(r.from, -SLACK), to: shift(r.to, SLACK) };
const day = (at: string) => at.slice(0, 10);

/** The window the loaders cover: back to `since`, or further on a re-check. */
function loadWindow(clock: ScheduleClock): Window {
  const since =
    clock.recheckFrom !== undefined && Date.parse(clock.recheckFrom) < Date.parse(clock.since)
      ? clock.recheckFrom
      : clock.since;
  return { since, now: clock.now };
}

/** The meetings whose prep brief, end or thank-you time falls in the window, or changed in it. */
function meetingSelection(w: Window, s: ScheduleSettings): MeetingSelection {
  const ends = [
    meetingOverEnds(w, s.meetingOverAfterMinutes),
    thankYouEnds(w, s.timeZone, s.thankYouHour, THANK_YOU_MIN_HOURS),
  ].filter((r): r is Range => r !== null);
  return {
    starts: prepBriefStarts(w, s.timeZone, s.prepBriefHour),
    ends,
    updated: { from: shift(w.since, -SLACK), to: w.now },
  };
}

/**
 * Loads everything that can hold a job due in the clock's window, and
 * nothing else: every read is an index range scan over the instants the
 * timing rules count from (see due-windows.ts), then lookups by key.
 */
export async function loadSnapshot(
  db: Db,
  clock: ScheduleClock,
  s: ScheduleSettings,
): Promise<ScheduleSnapshot> {
  const w = loadWindow(clock);
  const recent: InstantRange = { from: shift(w.since, -SLACK), to: w.now };
  const followBase = widen(localDaysEarlier(w, s.followUpAfterDays, s.timeZone));
  return {
    meetings: await loadMeetingFacts(db, meetingSelection(w, s)),
    pendingThankYous: await loadPendingThankYous(db, {
      from: shift(w.since, -THANK_YOU_REMINDER_HOURS * HOUR),
      to: shift(w.now, -THANK_YOU_REMINDER_HOURS * HOUR),
    }),
    followUps: followBase
      ? await loadFollowUpFacts(db, {
          contactedIn: followBase,
          decidedIn: followBase,
          returnDatesIn: {
            from: day(shift(followBase.from, -DAY)),
            to: day(shift(followBase.to, DAY)),
          },
          leftIn: recent,
        })
      : [],
    keepInTouch: await loadKeepInTouchFacts(
      db,
      { exchangedIn: (days) => widen(localDaysEarlier(w, days, s.timeZone)), changedIn: recent },
      s.keepInTouchDays,
    ),
    referrals: await loadReferralFacts(db, recent),
    sentDrafts: await loadSentDrafts(db, { from: shift(w.since, -DAY), to: w.now }),
  };
}
