import type { DueJob, JobAction, ScheduleSettings, ScheduleSnapshot } from './schedule.js';
import { planContactJobs } from './schedule-contacts.js';
import { planMeetingJobs } from './schedule-meetings.js';

/** What the owner will next see happen for a contact, as the scheduler plans it. */
export interface NextStep {
  readonly kind: 'follow_up' | 'no_response' | 'thank_you' | 'keep_in_touch';
  readonly dueAt: string;
}

const DAY_MS = 86_400_000;

/**
 * How far ahead to ask the planner: past the longest rhythm anyone is on, so
 * a keep-in-touch clock months away still shows, however rarely.
 */
function horizonDays(snapshot: ScheduleSnapshot, s: ScheduleSettings): number {
  const cadences = snapshot.keepInTouch.map((k) => k.cadenceDays ?? s.keepInTouchDays);
  return Math.max(s.followUpAfterDays, s.keepInTouchDays, ...cadences) + 3;
}

/** The step a job means for its contact, if it is one the owner cares to see coming. */
function stepOf(job: DueJob): { contactId: number; kind: NextStep['kind'] } | null {
  if (job.drop !== null) return null;
  const a: JobAction = job.action;
  switch (a.type) {
    case 'follow_up':
      return { contactId: a.contactId, kind: 'follow_up' };
    case 'no_response':
      return { contactId: a.contactId, kind: 'no_response' };
    case 'thank_you_draft':
      return { contactId: a.contactId, kind: 'thank_you' };
    case 'keep_in_touch':
      return { contactId: a.contactId, kind: 'keep_in_touch' };
    default:
      // Meeting steps show as the meeting itself; the rest is kith's own bookkeeping.
      return null;
  }
}

/**
 * Per contact, the next step the scheduler's own planner will take after
 * `now`, given the same facts a tick would load. Asked of the planner rather
 * than estimated, so a skipped follow-up, a snoozed draft or a manual move
 * changes the answer exactly as it changes what the scheduler does. Steps
 * already due (at or before `now`) are the next tick's to run or drop, and
 * are not promised here.
 */
export function nextStepsByContact(
  snapshot: ScheduleSnapshot,
  now: string,
  settings: ScheduleSettings,
): Map<number, NextStep> {
  const horizon = new Date(Date.parse(now) + horizonDays(snapshot, settings) * DAY_MS);
  const clock = { since: now, now: horizon.toISOString() };
  // The planner's own per-subject rules; the owner's weekly digests concern no card.
  const jobs = [
    ...planMeetingJobs(snapshot, clock, settings),
    ...planContactJobs(snapshot, clock, settings),
  ].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  const out = new Map<number, NextStep>();
  // Oldest first: the first step seen for a contact is its next one.
  for (const job of jobs) {
    const step = stepOf(job);
    if (step === null || out.has(step.contactId)) continue;
    out.set(step.contactId, { kind: step.kind, dueAt: job.dueAt });
  }
  return out;
}
