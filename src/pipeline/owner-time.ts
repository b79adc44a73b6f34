import { DateTime } from 'luxon';

/**
 * Time arithmetic in the owner's zone. Every reminder is timed on the
 * owner's wall clock ("17:00 the day before"), so it must survive
 * daylight-saving switches and owners east or west of UTC. Inputs and
 * outputs are ISO-8601 UTC instants, like everything in the database.
 */

/** Parses an ISO-8601 instant; throws on nonsense so a bad row is loud, not silently "never due". */
export function instant(iso: string): DateTime {
  const parsed = DateTime.fromISO(iso, { zone: 'utc' });
  if (!parsed.isValid) throw new Error(`not an ISO-8601 instant: "${iso}"`);
  return parsed;
}

/** The canonical stored form: `2026-11-22T09:00:00.000Z`. */
export function iso(time: DateTime): string {
  return time.toUTC().toISO() as string;
}

/** `at` wall-clock hour:00 on the local day that `time` falls on in `zone`. */
function atHourOnDay(time: DateTime, zone: string, hour: number): DateTime {
  // On a spring-forward day a missing hour (02:00 in Berlin) is moved forward by luxon.
  return time.setZone(zone).set({ hour, minute: 0, second: 0, millisecond: 0 });
}

/** `hour`:00 owner time on the day before the local day of `start`. */
export function dayBeforeAt(start: string, zone: string, hour: number): string {
  const local = instant(start).setZone(zone).startOf('day').minus({ days: 1 });
  return iso(atHourOnDay(local, zone, hour));
}

/**
 * The first `hour`:00 owner time that is at least `minHours` real hours after
 * `from`. Real hours, not wall-clock hours: "24 h after the meeting" must not
 * shrink to 23 h across a daylight-saving switch.
 */
export function firstHourAtLeast(
  from: string,
  minHours: number,
  zone: string,
  hour: number,
): string {
  const earliest = instant(from).plus({ hours: minHours });
  let candidate = atHourOnDay(earliest, zone, hour);
  // A few steps at most: the same day, else the next one (a DST gap can shift a day's hour).
  while (candidate < earliest) candidate = atHourOnDay(candidate.plus({ days: 1 }), zone, hour);
  return iso(candidate);
}

/** `days` calendar days later on the owner's wall clock (keeps the hour across DST). */
export function plusLocalDays(from: string, days: number, zone: string): string {
  return iso(instant(from).setZone(zone).plus({ days }));
}

/** Adds real minutes. */
export function plusMinutes(from: string, minutes: number): string {
  return iso(instant(from).plus({ minutes }));
}

/**
 * A return date as written in an out-of-office reply: a calendar date
 * (`2026-12-03`, read as the start of that day in `zone`) or a full instant.
 */
export function returnDateInstant(value: string, zone: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const local = DateTime.fromISO(value, { zone });
    if (!local.isValid) throw new Error(`not a calendar date: "${value}"`);
    return iso(local.startOf('day'));
  }
  return iso(instant(value));
}

/**
 * Every weekly `weekday` (1 = Monday … 7 = Sunday) `hour`:00 owner time in
 * the half-open range (after, until], oldest first.
 */
export function weeklyOccurrences(
  after: string,
  until: string,
  zone: string,
  weekday: number,
  hour: number,
): string[] {
  const start = instant(after);
  const end = instant(until);
  if (end <= start) return [];
  const local = start.setZone(zone).startOf('day');
  const back = (local.weekday - weekday + 7) % 7;
  let day = local.minus({ days: back });
  const found: string[] = [];
  for (;;) {
    const at = atHourOnDay(day, zone, hour);
    if (at > end) break;
    if (at > start) found.push(iso(at));
    day = day.plus({ weeks: 1 });
  }
  return found;
}

/** `days` calendar days earlier on the owner's wall clock. */
export function minusLocalDays(from: string, days: number, zone: string): string {
  return iso(instant(from).setZone(zone).minus({ days }));
}

/** The latest `hour`:00 owner time at or before `at`. */
export function latestHourAtOrBefore(at: string, zone: string, hour: number): string {
  const time = instant(at);
  let candidate = atHourOnDay(time, zone, hour);
  while (candidate > time) candidate = atHourOnDay(candidate.minus({ days: 1 }), zone, hour);
  return iso(candidate);
}

/** Start (00:00 owner time) of the local day `days` after the one `at` falls on. */
export function localDayStart(at: string, zone: string, days = 0): string {
  return iso(instant(at).setZone(zone).startOf('day').plus({ days }));
}

/** The owner's local calendar date of an instant, `YYYY-MM-DD`. */
export function localDate(at: string, zone: string): string {
  return instant(at).setZone(zone).toISODate() as string;
}
