import { instant, iso, latestHourAtOrBefore, localDayStart, minusLocalDays } from './owner-time.js';

/**
 * For each timing rule, the range its anchor instant (a meeting's start or
 * end, a follow-up's base…) must lie in for the job to fall due in the
 * planning window (since, now]. The adapter loads only rows whose anchor is
 * in range, through an index — that is how a tick reads only what it must.
 * Each is exact for its rule; the planner still checks every due instant.
 */

/** A half-open range (from, to] of instants, or [from, to) where stated. */
export interface Range {
  readonly from: string;
  readonly to: string;
}

export interface Window {
  readonly since: string;
  readonly now: string;
}

const empty = (w: Window) => instant(w.now) <= instant(w.since);

/**
 * Starts [from, to) whose prep brief — `hour`:00 owner time the day before —
 * falls in (since, now]: the local days after each such `hour`:00.
 */
export function prepBriefStarts(w: Window, zone: string, hour: number): Range | null {
  if (empty(w)) return null;
  const last = latestHourAtOrBefore(w.now, zone, hour);
  if (instant(last) <= instant(w.since)) return null;
  const first = nextHourAfter(w.since, zone, hour);
  return { from: localDayStart(first, zone, 1), to: localDayStart(last, zone, 2) };
}

function nextHourAfter(at: string, zone: string, hour: number): string {
  const latest = instant(latestHourAtOrBefore(at, zone, hour));
  // The next day's hour:00, found again through the zone so DST days come out right.
  return latestHourAtOrBefore(iso(latest.plus({ hours: 36 })), zone, hour);
}

/**
 * Ends (from, to] whose thank-you — the first `hour`:00 at least `minHours`
 * after the end — falls in (since, now]. Empty unless an `hour`:00 passed.
 */
export function thankYouEnds(
  w: Window,
  zone: string,
  hour: number,
  minHours: number,
): Range | null {
  if (empty(w)) return null;
  const before = latestHourAtOrBefore(w.since, zone, hour);
  const after = latestHourAtOrBefore(w.now, zone, hour);
  if (before === after) return null;
  const back = (at: string) => iso(instant(at).minus({ hours: minHours }));
  return { from: back(before), to: back(after) };
}

/** Ends (from, to] whose "meeting over" moment, `minutes` after the end, falls in (since, now]. */
export function meetingOverEnds(w: Window, minutes: number): Range | null {
  if (empty(w)) return null;
  const back = (at: string) => iso(instant(at).minus({ minutes }));
  return { from: back(w.since), to: back(w.now) };
}

/** Bases (from, to] whose `days` owner-days later falls in (since, now]. */
export function localDaysEarlier(w: Window, days: number, zone: string): Range | null {
  if (empty(w)) return null;
  return { from: minusLocalDays(w.since, days, zone), to: minusLocalDays(w.now, days, zone) };
}
