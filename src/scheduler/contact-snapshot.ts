import type { Db } from '../db/database.js';
import { followUpFactsOf, keepInTouchFactsOf } from '../db/scheduler-contact-queries.js';
import { meetingFactsOfContacts } from '../db/scheduler-queries.js';
import type { ScheduleSnapshot } from '../pipeline/schedule.js';

const DAY = 86_400_000;
/** A thank-you falls due within two days of a meeting's end; older meetings plan nothing ahead. */
const MEETINGS_BACK_DAYS = 3;

/**
 * The planner's facts for a few contacts (the cards a page shows), loaded by
 * contact id rather than by due window: what `nextStepsByContact` needs to
 * say what comes next for each. Steps that only concern kith's bookkeeping
 * (reminders, moves after a send, referrer updates) are left out.
 */
export async function loadContactSnapshot(
  db: Db,
  contactIds: readonly number[],
  now: Date,
): Promise<ScheduleSnapshot> {
  if (contactIds.length === 0) {
    return {
      meetings: [],
      pendingThankYous: [],
      followUps: [],
      keepInTouch: [],
      referrals: [],
      sentDrafts: [],
    };
  }
  const endedAfter = new Date(now.getTime() - MEETINGS_BACK_DAYS * DAY).toISOString();
  return {
    meetings: await meetingFactsOfContacts(db, contactIds, endedAfter),
    pendingThankYous: [],
    followUps: await followUpFactsOf(db, contactIds),
    keepInTouch: await keepInTouchFactsOf(db, contactIds),
    referrals: [],
    sentDrafts: [],
  };
}
