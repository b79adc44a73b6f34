/**
 * The owner's snooze command, pure: `snooze`, `snooze 3d`, `snooze for 2
 * weeks`, `snooze until monday` (and the snooze word in the other languages
 * kith reads), and when such a snooze ends. A draft command like approve and
 * skip; read as part of an owner's reply in owner-commands.ts.
 */

type SnoozeUntil =
  | {
      readonly kind: 'weekday' /** ISO weekday, 1 = Monday … 7 = Sunday. */;
      readonly weekday: number;
    }
  | {
      readonly kind: 'date';
      readonly year: number | null;
      readonly month: number;
      readonly day: number;
    }
  | { readonly kind: 'days-from-now'; readonly days: number }
  | { readonly kind: 'unknown' };

export type Snooze =
  | { readonly kind: 'for'; readonly minutes: number; readonly text: string }
  | { readonly kind: 'until'; readonly until: SnoozeUntil; readonly text: string };

// The snooze word in the other languages; the duration grammar is shared.
const SNOOZE_WORDS = /^(reporter|später|spaeter|verschieben|posponer|aplazar)(?=\s|$)/;

const WEEKDAYS: Readonly<Record<string, number>> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

function unitMinutes(unit: string): number | null {
  const u = unit.toLowerCase();
  if (/^(min|mins|minute|minutes)$/.test(u)) return 1;
  if (/^(h|hr|hrs|hour|hours)$/.test(u)) return 60;
  if (/^(d|day|days|j|jours?|t|tage?n?|d[ií]as?)$/.test(u)) return 24 * 60;
  if (/^(w|wk|wks|week|weeks|semaines?|wochen?|semanas?)$/.test(u)) return 7 * 24 * 60;
  if (/^(m|mo|mos|month|months)$/.test(u)) return 30 * 24 * 60;
  return null;
}

function parseUntil(text: string): SnoozeUntil {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/^(next|this)\s+(?=\w+day\b)/, '');
  if (t === 'tomorrow') return { kind: 'days-from-now', days: 1 };
  if (t === 'next week') return { kind: 'weekday', weekday: 1 };
  const weekday = WEEKDAYS[t];
  if (weekday !== undefined) return { kind: 'weekday', weekday };
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (iso)
    return { kind: 'date', year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  const monthFirst = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$/.exec(t);
  const dayFirst = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$/.exec(t);
  const monthName = monthFirst?.[1] ?? dayFirst?.[2];
  const day = monthFirst?.[2] ?? dayFirst?.[1];
  const year = monthFirst?.[3] ?? dayFirst?.[3];
  const month = monthName === undefined ? undefined : MONTHS[monthName];
  if (month !== undefined && day !== undefined) {
    return { kind: 'date', year: year ? Number(year) : null, month, day: Number(day) };
  }
  return { kind: 'unknown' };
}

/** `snooze`, `snooze 3d`, `snooze for 2 weeks`, `snooze until monday`; null if not a snooze. */
export function parseSnooze(normalizedLine: string): Snooze | null {
  const normalized = normalizedLine.replace(SNOOZE_WORDS, 'snooze');
  if (!/^snooze\b/.test(normalized)) return null;
  const rest = normalized.replace(/^snooze\s*(it\s*)?/, '').trim();
  if (rest === '') return { kind: 'for', minutes: 24 * 60, text: normalized };
  const duration = /^(?:for\s+)?(\d+)\s*(\p{L}+)$/u.exec(rest);
  if (duration) {
    const per = unitMinutes(duration[2] ?? '');
    if (per !== null) return { kind: 'for', minutes: Number(duration[1]) * per, text: normalized };
  }
  const until = /^(?:until|till|til|to|on)\s+(.+)$/.exec(rest)?.[1] ?? rest;
  return { kind: 'until', until: parseUntil(until), text: normalized };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Snoozes of whole days end at this local hour unless the caller names another (THANK_YOU_HOUR). */
const SNOOZE_WAKE_HOUR = 9;

function localMidnightMs(localMs: number): number {
  return Math.floor(localMs / DAY_MS) * DAY_MS;
}

/**
 * When a snooze ends, as an ISO UTC instant, or null when its date is
 * unreadable or already past. `now` is the clock's ISO instant;
 * `offsetMinutes` the owner's UTC offset (a day starts at their midnight).
 * A snooze of whole days ("3d", "until monday") ends at `wakeHour` local
 * time — the hour kith asks about thank-yous — not at the minute it was
 * given: "snooze 3d" typed at 23:40 must not wake the owner at 23:40.
 * Hours and minutes ("snooze 4h") are taken as they are.
 */
export function resolveSnooze(
  snooze: Snooze,
  now: string,
  offsetMinutes: number,
  wakeHour: number = SNOOZE_WAKE_HOUR,
): string | null {
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) return null;
  if (snooze.kind === 'for' && snooze.minutes % (24 * 60) !== 0) {
    return new Date(nowMs + snooze.minutes * 60_000).toISOString();
  }
  const offsetMs = offsetMinutes * 60_000;
  const localNow = nowMs + offsetMs;
  const today = localMidnightMs(localNow);
  const wake = wakeHour * 60 * 60 * 1000;
  const until: SnoozeUntil =
    snooze.kind === 'for'
      ? { kind: 'days-from-now', days: snooze.minutes / (24 * 60) }
      : snooze.until;
  let localTarget: number | null = null;
  if (until.kind === 'days-from-now') {
    localTarget = today + until.days * DAY_MS + wake;
  } else if (until.kind === 'weekday') {
    const isoToday = ((new Date(today).getUTCDay() + 6) % 7) + 1;
    const ahead = (until.weekday - isoToday + 7) % 7 || 7;
    localTarget = today + ahead * DAY_MS + wake;
  } else if (until.kind === 'date') {
    const thisYear = new Date(today).getUTCFullYear();
    const candidate = (year: number): number => Date.UTC(year, until.month - 1, until.day) + wake;
    localTarget = candidate(until.year ?? thisYear);
    if (until.year === null && localTarget <= localNow) localTarget = candidate(thisYear + 1);
    if (new Date(localTarget - wake).getUTCDate() !== until.day) localTarget = null;
  }
  if (localTarget === null || localTarget <= localNow) return null;
  return new Date(localTarget - offsetMs).toISOString();
}
