import { localDate, weeklyOccurrences } from './owner-time.js';
import type { DueJob, ScheduleClock, ScheduleSettings } from './schedule.js';

/**
 * The weekly digest: every `digestWeekday` `digestHour`:00 owner time. After
 * downtime only the latest missed digest is sent (it covers the same ground);
 * older ones are recorded as dropped.
 */
export function planOwnerJobs(clock: ScheduleClock, settings: ScheduleSettings): DueJob[] {
  const occurrences = weeklyOccurrences(
    clock.since,
    clock.now,
    settings.timeZone,
    settings.digestWeekday,
    settings.digestHour,
  );
  const newest = occurrences.at(-1);
  return occurrences.map((at) => {
    const weekOf = localDate(at, settings.timeZone);
    return {
      kind: 'weekly_digest',
      subjectKey: 'owner',
      occurrence: weekOf,
      dueAt: at,
      action: { type: 'weekly_digest', weekOf, at },
      drop:
        at === newest
          ? null
          : `superseded by the digest of ${localDate(newest as string, settings.timeZone)}`,
    };
  });
}
