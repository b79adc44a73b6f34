/**
 * Whether a wall-clock time typed by the owner names exactly one instant in
 * its zone. On a daylight-saving switch night a time can be missing (the
 * clocks jump over it) or happen twice (the clocks go back over it); either
 * is asked about with both readings, never shifted silently. Pure: the
 * adapter computes each candidate's offsets with a time-zone library.
 */

/** One way to read the wall time: at this offset, and what the zone says it is then. */
export interface WallReading {
  /** The candidate's UTC offset in minutes (+120 for CEST). */
  readonly offsetMinutes: number;
  /** The zone's real offset at the instant `wall - offsetMinutes`. */
  readonly zoneOffsetMinutes: number;
  /** The zone's short name at that instant ("CEST"), or null when it has none but "GMT+2". */
  readonly abbreviation: string | null;
}

export interface WallTimeFacts {
  /** `YYYY-MM-DDTHH:mm` as typed. */
  readonly wall: string;
  readonly zone: string;
  /** The zone's offsets just before and just after the day (one reading each, maybe equal). */
  readonly readings: readonly WallReading[];
  /** An offset the owner already chose among two readings, if any. */
  readonly chosenOffsetMinutes: number | null;
}

export type WallTimeCheck =
  | { readonly kind: 'ok'; readonly instant: string; readonly offsetMinutes: number }
  | {
      readonly kind: 'missing';
      readonly message: string;
      /** The two wall times the owner may have meant: before and after the jump. */
      readonly suggestions: readonly [string, string];
    }
  | {
      readonly kind: 'twice';
      readonly message: string;
      readonly choices: readonly { readonly offsetMinutes: number; readonly label: string }[];
    };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function wallParts(wall: string) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!m) throw new Error(`not a wall time: ${wall}`);
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return { y, mo, d, h, mi };
}

/** The wall time as if it were UTC, in ms: the base every reading subtracts its offset from. */
function wallAsUtc(wall: string): number {
  const { y, mo, d, h, mi } = wallParts(wall);
  return Date.UTC(y, mo - 1, d, h, mi);
}

function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function dayText(wall: string): string {
  const { y, mo, d } = wallParts(wall);
  return `${d} ${MONTHS[mo - 1]} ${y}`;
}

/** "UTC+2", "UTC-3:30", "UTC". */
export function offsetText(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

function readingLabel(wall: string, r: WallReading): string {
  const at = hhmm(wallAsUtc(wall));
  const offset = offsetText(r.offsetMinutes);
  return r.abbreviation ? `${at} ${r.abbreviation} (${offset})` : `${at} ${offset}`;
}

/** Decides what the typed time means; see WallTimeCheck. */
export function checkWallTime(facts: WallTimeFacts): WallTimeCheck {
  const base = wallAsUtc(facts.wall);
  const seen = new Map<number, WallReading>();
  for (const r of facts.readings) if (!seen.has(r.offsetMinutes)) seen.set(r.offsetMinutes, r);
  const valid = [...seen.values()]
    .filter((r) => r.offsetMinutes === r.zoneOffsetMinutes)
    // Earlier instant first: the larger offset (summer time before the clocks go back).
    .sort((a, b) => b.offsetMinutes - a.offsetMinutes);
  const at = (r: WallReading) => new Date(base - r.offsetMinutes * 60_000).toISOString();
  if (valid.length === 1) {
    const only = valid[0] as WallReading;
    return { kind: 'ok', instant: at(only), offsetMinutes: only.offsetMinutes };
  }
  const typed = hhmm(base);
  if (valid.length === 0) {
    const offsets = [...seen.keys()];
    const jump = Math.abs(Math.max(...offsets) - Math.min(...offsets)) || 60;
    const suggestions: [string, string] = [hhmm(base - jump * 60_000), hhmm(base + jump * 60_000)];
    return {
      kind: 'missing',
      message: `${typed} on ${dayText(facts.wall)} does not exist in ${facts.zone} (the clocks skip it): did you mean ${suggestions[0]} or ${suggestions[1]}?`,
      suggestions,
    };
  }
  const chosen = valid.find((r) => r.offsetMinutes === facts.chosenOffsetMinutes);
  if (chosen) return { kind: 'ok', instant: at(chosen), offsetMinutes: chosen.offsetMinutes };
  const choices = valid.map((r) => ({
    offsetMinutes: r.offsetMinutes,
    label: readingLabel(facts.wall, r),
  }));
  return {
    kind: 'twice',
    message: `${typed} on ${dayText(facts.wall)} happens twice in ${facts.zone} (the clocks go back): ${choices
      .map((c) => c.label)
      .join(' or ')}? Choose one.`,
    choices,
  };
}
