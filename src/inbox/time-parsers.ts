import type * as chrono from 'chrono-node';

/**
 * Clock and day forms chrono-node's locale parsers leave out or misread,
 * added to them in proposed-times.ts. Each returns only what the words
 * state; the proposal rules (a stated hour, not in the past, the zone) stay
 * in proposed-times.ts.
 */

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_AHEAD =
  /^\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|^\s+(?:floor|stor(?:e)?y|time|round|place|attempt|try|option|one|week|edition|year|level|row|page|call|interview|meeting|quarter|century|anniversary|birthday|grade|person|team|of\s+(?:the|my|our|your|their|them|us))\b/i;

interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The wall-clock date of the parse's reference instant, in the writer's offset. */
function referenceDay(context: chrono.ParsingContext): CalendarDay {
  const offset = context.reference.timezoneOffset ?? 0;
  const wall = new Date(context.reference.instant.getTime() + offset * 60_000);
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The next day-of-month `day` from the reference day on, on `weekday`
 * (0 = Sunday) when one is named: "Thursday the 10th" is the next 10th
 * that is a Thursday, not this week's Thursday.
 */
function nextDayOfMonth(
  context: chrono.ParsingContext,
  day: number,
  weekday: number | null,
): CalendarDay | null {
  const today = referenceDay(context);
  let fallback: CalendarDay | null = null;
  for (let ahead = 0; ahead <= 12; ahead++) {
    const at = new Date(Date.UTC(today.year, today.month - 1 + ahead, day));
    if (at.getUTCDate() !== day) continue; // no 31st in this month
    if (ahead === 0 && day < today.day) continue;
    const found = { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day };
    if (weekday === null || at.getUTCDay() === weekday) return found;
    fallback ??= found;
  }
  return fallback;
}

/**
 * "the 25th", "on the 2nd", "Thursday the 10th": a day of the month with
 * no month, which chrono's English parser reads as nothing (or as only the
 * weekday, so "Thursday the 10th" became this week's Thursday).
 */
export const ORDINAL_DAY: chrono.Parser = {
  pattern: () =>
    /(?:\b(sun|mon|tue|wed|thu|fri|sat)[a-z]*,?\s+(?:the\s+)?|\bthe\s+)([0-3]?\d)(?:st|nd|rd|th)\b/i,
  extract: (context, match) => {
    const after = context.text.slice((match.index ?? 0) + match[0].length);
    if (MONTH_AHEAD.test(after)) return null;
    const day = Number(match[2]);
    if (day < 1 || day > 31) return null;
    const weekday = match[1] ? WEEKDAYS.indexOf(match[1].toLowerCase()) : null;
    return nextDayOfMonth(context, day, weekday);
  },
};

/** "3.12.", "3.12.2026": the German numeric date, which chrono's German parser leaves out. */
export const DOTTED_DATE: chrono.Parser = {
  pattern: () => /(?<![\d.])([0-3]?\d)\.([01]?\d)\.((?:20)?\d{2})?(?![\d])/,
  extract: (context, match) => {
    const day = Number(match[1]);
    const month = Number(match[2]);
    if (day < 1 || day > 31 || month < 1 || month > 12) return null;
    if (match[3]) {
      const year = Number(match[3]) + (match[3].length === 2 ? 2000 : 0);
      return { day, month, year };
    }
    const today = referenceDay(context);
    const later = month > today.month || (month === today.month && day >= today.day);
    return { day, month, year: later ? today.year : today.year + 1 };
  },
};

const EN_NUMBERS = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];
const DE_NUMBERS = [
  'eins',
  'zwei',
  'drei',
  'vier',
  'fünf',
  'sechs',
  'sieben',
  'acht',
  'neun',
  'zehn',
  'elf',
  'zwölf',
];

function hourOf(word: string, names: readonly string[]): number | null {
  const n = /^\d+$/.test(word) ? Number(word) : names.indexOf(word.toLowerCase()) + 1;
  return n >= 1 && n <= 12 ? n : null;
}

/** "half past three", "a quarter to five", "quarter past ten am". */
export const EN_CLOCK_WORDS: chrono.Parser = {
  pattern: () =>
    new RegExp(
      `\\b(?:a\\s+)?(half|quarter)\\s+(past|after|to|till|before)\\s+(${EN_NUMBERS.join('|')}|\\d{1,2})\\b(?:\\s*([ap])\\.?m\\b\\.?)?`,
      'i',
    ),
  extract: (_context, match) => {
    const named = hourOf(match[3] ?? '', EN_NUMBERS);
    if (named === null) return null;
    const half = match[1]?.toLowerCase() === 'half';
    const before = /^(to|till|before)$/i.test(match[2] ?? '');
    if (half && before) return null;
    const hour = before ? named - 1 : named;
    const minute = half ? 30 : before ? 45 : 15;
    const meridiem = match[4]?.toLowerCase();
    if (!meridiem) return { hour: hour === 0 ? 12 : hour, minute };
    const h12 = hour % 12;
    return { hour: meridiem === 'p' ? h12 + 12 : h12, minute, meridiem: meridiem === 'p' ? 1 : 0 };
  },
};

/** "halb vier" (3:30), "Viertel nach drei" (3:15), "Viertel vor fünf" / "dreiviertel fünf" (4:45). */
export const DE_CLOCK_WORDS: chrono.Parser = {
  pattern: () =>
    new RegExp(
      `(?<![\\p{L}])(halb|viertel\\s+nach|viertel\\s+vor|dreiviertel)\\s+(${DE_NUMBERS.join('|')}|\\d{1,2})(?![\\p{L}\\d])(?:\\s+uhr)?`,
      'iu',
    ),
  extract: (_context, match) => {
    const named = hourOf(match[2] ?? '', DE_NUMBERS);
    if (named === null) return null;
    const form = (match[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
    if (form === 'viertel nach') return { hour: named, minute: 15 };
    const hour = named === 1 ? 12 : named - 1;
    return { hour, minute: form === 'halb' ? 30 : 45 };
  },
};

/** French "midi" (not "après-midi") and Spanish "mediodía": noon, which only English chrono knows. */
export const NOON_WORDS: chrono.Parser = {
  pattern: () => /(?<![\p{L}-])(?:à\s+|al\s+)?(?:midi|mediod[ií]a)(?![\p{L}-])/iu,
  extract: () => ({ hour: 12, minute: 0 }),
};

/**
 * "a las 10 hora de Madrid": chrono's Spanish parser takes "10 hora" for a
 * duration (ten hours from now); the clock time is read here instead.
 */
export const ES_HOUR_BEFORE_ZONE: chrono.Parser = {
  pattern: () => /(?<![\p{L}])a\s+las?\s+(\d{1,2})(?:[:.](\d{2}))?(?=\s+hora\s+(?:de|del)\s)/iu,
  extract: (_context, match) => {
    const hour = Number(match[1]);
    const minute = match[2] ? Number(match[2]) : 0;
    if (hour > 23 || minute > 59) return null;
    return { hour, minute };
  },
};

/** "after 4", "from 3:30", "around 10" — a clock time chrono's English parser leaves out. */
export const LOOSE_HOUR: chrono.Parser = {
  // Not a version, price or count: "from 3.4", "after 2,5", "around 10 people".
  pattern: () =>
    /\b(?:after|from|around|anytime after|any time after|before)\s+(\d{1,2})(?::(\d{2}))?(?!\s*(?:%|\/|-\d|\d|[.,]\d|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|people|percent))\b/i,
  extract: (_context, match) => {
    const hour = Number(match[1]);
    const minute = match[2] ? Number(match[2]) : 0;
    if (hour > 23 || minute > 59) return null;
    return { hour, minute };
  },
};

/** "às 14h", "14h30", "a las 14 horas": the Portuguese parser knows none of these. */
export const H_HOUR: chrono.Parser = {
  pattern: () => /(?<![\d:.])(\d{1,2})\s*(?:h|horas)(?:\s*(\d{2}))?(?![\p{L}\d])/iu,
  extract: (_context, match) => {
    const hour = Number(match[1]);
    const minute = match[2] ? Number(match[2]) : 0;
    if (hour > 23 || minute > 59) return null;
    return { hour, minute };
  },
};

/**
 * "12.50 a month": chrono's English parser takes a lone "a" after a number
 * for a.m. A time whose meridiem is a bare letter followed by a word is no time.
 */
export const NO_BARE_MERIDIEM: chrono.Refiner = {
  refine: (context, results) =>
    results.filter((result) => {
      if (!/\d\s*[ap]$/i.test(result.text)) return true;
      const after = context.text.slice(result.index + result.text.length);
      return !/^\s+\p{L}/u.test(after);
    }),
};

/** "de 16 a 17", "de 10:30 a 11": an hour range chrono's Spanish parser reads half of, or none. */
export const ES_HOUR_RANGE: chrono.Parser = {
  pattern: () =>
    /(?<![\p{L}])de\s+(\d{1,2})(?:[:.](\d{2}))?\s+a\s+(\d{1,2})(?:[:.](\d{2}))?(?:\s*(?:h|hs|horas)\b)?(?![\d%€$]|[:.,]\d|\s*(?:personas?|años|días|semanas|meses|minutos|euros|dólares|veces|kg|km)\b)/iu,
  extract: (context, match) => {
    const [startHour, startMinute, endHour, endMinute] = [1, 2, 3, 4].map((i) =>
      Number(match[i] ?? 0),
    ) as [number, number, number, number];
    if (startHour > 23 || endHour > 23 || startMinute > 59 || endMinute > 59) return null;
    if (endHour * 60 + endMinute <= startHour * 60 + startMinute) return null;
    return context.createParsingResult(
      match.index ?? 0,
      match[0],
      { hour: startHour, minute: startMinute },
      { hour: endHour, minute: endMinute },
    );
  },
};

/**
 * Readings no locale should make: a time starting inside a word (Spanish
 * "planta 4" gave "a 4"), the idiom "24/7" as 24 July, and a pair of digits
 * out of a phone number ("au 01 23 45 67 89" gave 1 o'clock).
 */
export const NOT_A_TIME: chrono.Refiner = {
  refine: (context, results) =>
    results.filter((result) => {
      const before = context.text.slice(0, result.index);
      const after = context.text.slice(result.index + result.text.length);
      if (/\p{L}$/u.test(before) && /^\p{L}/u.test(result.text)) return false;
      if (/^24\/7(?!\/\d)/.test(result.text)) return false;
      if (/^[\s.-]?\d{2}[\s.-]\d{2}/.test(after) && /\d$/.test(result.text)) return false;
      if (/\d{2}[\s.-]\d{2}[\s.-]?$/.test(before) && /^\d/.test(result.text)) return false;
      return true;
    }),
};
