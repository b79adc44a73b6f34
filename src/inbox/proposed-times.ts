// The languages kith reads, one by one: the package root builds a dozen locales (~8 MB more RSS).
import type * as chrono from 'chrono-node';
import * as de from 'chrono-node/de';
import * as en from 'chrono-node/en';
import * as es from 'chrono-node/es';
import * as fr from 'chrono-node/fr';
import * as nl from 'chrono-node/nl';
import * as pt from 'chrono-node/pt';
import { DateTime } from 'luxon';
import { detectLanguage, type TextLanguage } from '../pipeline/language.js';
import { findMeetingPlace } from '../pipeline/meeting-place.js';
import type { ProposedTime, ZoneSource } from '../pipeline/proposed-time.js';
import {
  findStatedZone,
  offsetAfterTime,
  type StatedZone,
  type WriterClock,
} from '../pipeline/stated-zone.js';
import { guessZone } from '../pipeline/zone-guess.js';
import {
  DE_CLOCK_WORDS,
  DOTTED_DATE,
  EN_CLOCK_WORDS,
  ES_HOUR_BEFORE_ZONE,
  ES_HOUR_RANGE,
  H_HOUR,
  LOOSE_HOUR,
  NO_BARE_MERIDIEM,
  NOON_WORDS,
  NOT_A_TIME,
  ORDINAL_DAY,
} from './time-parsers.js';

export { guessZone };

/**
 * Over 400 lines because the steps below share one candidate type and read
 * best in order; chrono's added and corrected forms are time-parsers.ts.
 *
 * Meeting times proposed in the text of a reply, with chrono-node inside the
 * small pipeline LIBRARIES.md measured (35 of 40 phrases against 7 of 40 for
 * a naive parse):
 * 1. the caller passes the reply without quoted history (times in quotes are
 *    no proposals);
 * 2. parse relative to the Date header and the sender's UTC offset in minutes
 *    (chrono ignores an IANA name there), with `forwardDate`, in the locale
 *    the text is written in (the German parser reads English "do" as Donnerstag),
 *    with the forms chrono leaves out or misreads added (time-parsers.ts);
 * 3. keep results with a stated hour that are not in the past;
 * 4. re-place the wall-clock time in the sender's IANA zone with luxon, so a
 *    daylight-saving change between the mail and the meeting comes out right.
 */

export interface ProposedTimesOptions {
  /** The Date header, an ISO-8601 instant: "tomorrow" and "Thursday" count from here. */
  readonly sentAt: string;
  /** The sender's UTC offset in minutes from the Date header; null if unknown. */
  readonly offsetMinutes: number | null;
  /** The sender's IANA zone when known (e.g. from an earlier invite); else guessed from the offset. */
  readonly timeZone?: string | null;
  /** Meeting length when the text gives no end. */
  readonly durationMinutes?: number;
}

const DEFAULT_MEETING_MINUTES = 30;

const MAX_TEXT_CHARS = 10_000;

const PARSERS: Readonly<Record<TextLanguage, chrono.Chrono>> = {
  en: withParsers(en.casual, [LOOSE_HOUR, ORDINAL_DAY, EN_CLOCK_WORDS], [NO_BARE_MERIDIEM]),
  de: withParsers(de.casual, [DOTTED_DATE, DE_CLOCK_WORDS], []),
  fr: withParsers(fr.casual, [NOON_WORDS], []),
  es: withParsers(es.casual, [NOON_WORDS, ES_HOUR_BEFORE_ZONE, ES_HOUR_RANGE], []),
  nl: withParsers(nl.casual, [], []),
  pt: withParsers(pt.casual, [H_HOUR], []),
};

// A proposal in each language, for warmUpDateParsers.
const WARM_UP_TEXTS: Readonly<Record<TextLanguage, string>> = {
  en: 'Does Thursday at 2pm work, or Dec 3 after 4?',
  de: 'Passt Donnerstag um 14 Uhr?',
  fr: 'Jeudi à 14h, ça vous va ?',
  es: '¿Te viene bien el jueves a las 14:00?',
  nl: 'Past donderdag om 14:00?',
  pt: 'Quinta às 14h pode ser?',
};

/**
 * Runs every date parser twice on a short proposal. V8 compiles a regular
 * expression to machine code on its second use, and chrono's English ones
 * are big: that took ~220 ms, which the first reply after start would pay
 * (in a backfill, a twelfth of the whole run). Start-up pays it instead.
 */
export function warmUpDateParsers(): void {
  const at = new Date();
  for (const [language, text] of Object.entries(WARM_UP_TEXTS)) {
    const parser = PARSERS[language as TextLanguage];
    for (let i = 0; i < 2; i++)
      parser.parse(text, { instant: at, timezone: 0 }, { forwardDate: true });
  }
}

function withParsers(
  base: chrono.Chrono,
  parsers: readonly chrono.Parser[],
  refiners: readonly chrono.Refiner[],
): chrono.Chrono {
  const parser = base.clone();
  parser.parsers.push(...parsers);
  // Before chrono's own refiners, which merge neighbouring results and drop overlaps.
  parser.refiners.unshift(NOT_A_TIME, ...refiners);
  return parser;
}

// Durations and lateness come back as "now + n" ("5 minutes late", "10 hora"): not proposals.
const RELATIVE_TIME_TAG = 'result/relativeDateAndTime';
// ...except a call some hours from now: "can we talk in 2 hours?", "dans 2 heures".
const HOURS_FROM_NOW =
  /^(?:in|dans|en|dentro de)\s+(?:\d{1,2}|an?|one|two|three|une?|deux|trois|einer?|zwei|drei|una?|dos|tres)\s+(?:hours?|heures?|stunden?|horas?)$/i;
// "See you in 2 hours" looks forward to a meeting already agreed; it proposes none.
const ALREADY_AGREED =
  /(?:see you|talk to you|speak to you|à tout à l'heure|à toute|bis gleich|bis dann|nos vemos|hasta)\s*$/i;

/** Whether a result is a time at all: chrono's "now + n" only as a call some hours from now. */
function isClockTime(paragraph: string, result: chrono.ParsedResult): boolean {
  if (!result.start.tags().has(RELATIVE_TIME_TAG)) return true;
  return (
    HOURS_FROM_NOW.test(result.text.trim()) &&
    !ALREADY_AGREED.test(paragraph.slice(Math.max(0, result.index - 24), result.index))
  );
}

// Words that place a time in the past: forwardDate would move "last Monday at 3pm" ahead.
const PAST_WORDS =
  /(^|[^\p{L}])(last|yesterday|ago|earlier|letzte[nrms]?|gestern|vorhin|dernier|dernière|hier|pasado|pasada|ayer|vorige|gisteren|passad[oa]|ontem)(?![\p{L}])/iu;

// A proposal needs a stated hour. Without a digit, the only words the
// parsers in use give a certain hour for are noon/midday/midnight in each
// language, the clock words of EN_CLOCK_WORDS and DE_CLOCK_WORDS ("half past
// three", "halb vier") and "now" (dropped as the send time anyway). Most
// replies have none, and then chrono, the costliest part of ingest's
// extraction, need not run at all.
const MAY_STATE_HOUR =
  /\d|noon|midday|midnight|\bnow\b|jetzt|maintenant|ahora|\bnu\b|agora|mittag|mitternacht|midi|minuit|mediod|medianoche|middag|middernacht|meio-dia|meia-noite|in an hour|dans une heure|in einer stunde|en una hora|half past|quarter|\bhalb\b|viertel/i;

const PARAGRAPH_BREAK = /\n[ \t]*\n/;

/** Times the reply text proposes for a meeting, earliest first. */
export function extractProposedTimes(text: string, options: ProposedTimesOptions): ProposedTime[] {
  const sentAt = new Date(options.sentAt);
  if (Number.isNaN(sentAt.getTime()) || text.trim() === '') return [];
  if (!MAY_STATE_HOUR.test(text.slice(0, MAX_TEXT_CHARS))) return [];
  const offset = options.offsetMinutes ?? 0;
  // Proposals sit near the top of a reply; the cap bounds chrono's work on a very long one.
  const head = text.slice(0, MAX_TEXT_CHARS);
  const parser = PARSERS[detectLanguage(head)];
  // Chrono reads only the paragraphs that may state an hour: its cost grows
  // with the text, and a proposal does not run across a blank line.
  const results = head
    .split(PARAGRAPH_BREAK)
    .filter((paragraph) => MAY_STATE_HOUR.test(paragraph))
    .flatMap((paragraph) =>
      mergeDateThenTime(
        paragraph,
        parser
          .parse(paragraph, { instant: sentAt, timezone: offset }, { forwardDate: true })
          .filter((result) => isClockTime(paragraph, result)),
        { offsetMinutes: options.offsetMinutes, at: sentAt },
      ),
    );
  if (results.length === 0) return [];
  const zone =
    options.timeZone ?? (options.offsetMinutes === null ? null : guessZone(offset, sentAt));
  const place = findMeetingPlace(head);
  const duration = options.durationMinutes ?? DEFAULT_MEETING_MINUTES;
  const seen = new Set<string>();
  const out: ProposedTime[] = [];
  let dated: ProposedTime | null = null;
  for (const result of results) {
    const proposal = toProposal(result, { zone, offset, duration, place });
    // "now", "ahora", "jetzt" come back as the send time itself: no proposal.
    if (
      !proposal ||
      Date.parse(proposal.start) < sentAt.getTime() + 60_000 ||
      seen.has(proposal.start) ||
      (dated !== null && restates(proposal, dated))
    ) {
      continue;
    }
    if (proposal.dayStated) dated = proposal;
    seen.add(proposal.start);
    out.push(proposal);
  }
  return out.sort((a, b) => a.start.localeCompare(b.start));
}

/**
 * "Thursday at 9am EST / 3pm CET": the second clock names no day, and on
 * the day of the time before it is that same instant. It restates the
 * time; read alone it would be a second proposal on the day of sending.
 */
function restates(time: ProposedTime, dated: ProposedTime): boolean {
  if (time.dayStated !== false || !time.wall || !dated.wall) return false;
  const zone = time.timeZone;
  if (!zone) return false;
  const onThatDay = DateTime.fromISO(`${dated.wall.slice(0, 10)}${time.wall.slice(10)}`, { zone });
  return onThatDay.isValid && onThatDay.toMillis() === Date.parse(dated.start);
}

interface Candidate {
  readonly text: string;
  /** A zone named in its words, the rest of its sentence, or else its paragraph. */
  readonly statedZone: StatedZone | null;
  readonly start: chrono.ParsedComponents;
  /** The date part, when it came from a separate result ("Thursday the 12th" + "at 14:00"). */
  readonly dateFrom: chrono.ParsedComponents | null;
  readonly end: chrono.ParsedComponents | null;
}

// How far after a time its zone may be named: "3pm (that's 9am my time)" is within reach.
const ZONE_REACH = 60;

function statedZoneAround(
  paragraph: string,
  start: number,
  end: number,
  writer: WriterClock,
  inParagraph: () => StatedZone | null,
): StatedZone | null {
  const rest = paragraph.slice(end, end + ZONE_REACH);
  const sentenceEnd = rest.search(/[.!?\n](?:\s|$)/);
  const near = paragraph.slice(start, end) + (sentenceEnd < 0 ? rest : rest.slice(0, sentenceEnd));
  return offsetAfterTime(near) ?? findStatedZone(near, writer) ?? inParagraph();
}

/** Whether the words gave a day ("Thursday", "3 December", "tomorrow"), not only a clock time. */
function namesDay(components: chrono.ParsedComponents): boolean {
  return ['day', 'weekday', 'month'].some((part) => components.isCertain(part as chrono.Component));
}

/**
 * Rejoins a date-only result with the time-only result next to it (either
 * order), and gives a clock time without a day the day named before it.
 */
function mergeDateThenTime(
  text: string,
  results: readonly chrono.ParsedResult[],
  writer: WriterClock,
): Candidate[] {
  const out: Candidate[] = [];
  // "All times CET." may stand apart from the times; "your time" elsewhere
  // in a paragraph need not be about this one. Looked for once per paragraph.
  let paragraphZone: StatedZone | null | undefined;
  const inParagraph = () => {
    if (paragraphZone === undefined) {
      const anywhere = findStatedZone(text, writer);
      paragraphZone = anywhere?.kind === 'zone' ? anywhere : null;
    }
    return paragraphZone;
  };
  // The day of the latest time that named one: "Thursday at 2pm or 4pm",
  // "9am EST / 3pm CET", "3pm my time (9am yours)" give the later clock that day.
  let lastDay: chrono.ParsedComponents | null = null;
  const push = (candidate: Candidate) => {
    const named = candidate.dateFrom ?? (namesDay(candidate.start) ? candidate.start : null);
    if (named && !PAST_WORDS.test(candidate.text)) lastDay = named;
    out.push(named || !lastDay ? candidate : { ...candidate, dateFrom: lastDay });
  };
  for (let i = 0; i < results.length; i += 1) {
    const current = results[i]!;
    const next = results[i + 1];
    const gap = next ? text.slice(current.index + current.text.length, next.index) : '';
    // "10am Pacific on Thursday": chrono gives the hour and the day apart.
    if (
      next &&
      current.start.isCertain('hour') &&
      !namesDay(current.start) &&
      !next.start.isCertain('hour') &&
      namesDay(next.start) &&
      gap.length <= 14 &&
      !/[.!?\n]/.test(gap)
    ) {
      push({
        text: text.slice(current.index, next.index + next.text.length),
        statedZone: statedZoneAround(
          text,
          current.index,
          next.index + next.text.length,
          writer,
          inParagraph,
        ),
        start: current.start,
        dateFrom: next.start,
        end: current.end ?? null,
      });
      i += 1;
      continue;
    }
    if (
      next &&
      !current.start.isCertain('hour') &&
      next.start.isCertain('hour') &&
      !next.start.isCertain('day') &&
      !next.start.isCertain('weekday') &&
      gap.length <= 14 &&
      !/[.!?\n]/.test(gap)
    ) {
      push({
        text: text.slice(current.index, next.index + next.text.length),
        statedZone: statedZoneAround(
          text,
          current.index,
          next.index + next.text.length,
          writer,
          inParagraph,
        ),
        start: next.start,
        dateFrom: current.start,
        end: next.end ?? null,
      });
      i += 1;
      continue;
    }
    push({
      text: current.text,
      statedZone: statedZoneAround(
        text,
        current.index,
        current.index + current.text.length,
        writer,
        inParagraph,
      ),
      start: current.start,
      dateFrom: null,
      end: current.end ?? null,
    });
  }
  return out;
}

interface Placement {
  readonly zone: string | null;
  readonly offset: number;
  readonly duration: number;
  readonly place: string | null;
}

function toProposal(candidate: Candidate, placement: Placement): ProposedTime | null {
  const { start } = candidate;
  if (!start.isCertain('hour')) return null;
  if (PAST_WORDS.test(candidate.text)) return null;
  const zoned = zoneFor(candidate, placement);
  const startAt = placeInZone(start, candidate.dateFrom, zoned.zone);
  if (!startAt) return null;
  // In UTC from here: arithmetic in an IANA zone asks Intl for offsets again.
  const startUtc = startAt.toUTC();
  const statedEnd = candidate.end?.isCertain('hour')
    ? placeInZone(candidate.end, candidate.dateFrom, zoned.zone)?.toUTC()
    : undefined;
  const endUtc =
    statedEnd && statedEnd > startUtc ? statedEnd : startUtc.plus({ minutes: placement.duration });
  return {
    start: startUtc.toISO() ?? '',
    end: endUtc.toISO() ?? '',
    timeZone:
      zoned.name ?? (zoned.from === 'text' ? guessZone(startAt.offset, startAt.toJSDate()) : null),
    text: candidate.text.trim(),
    place: placement.place,
    wall: startAt.toFormat("yyyy-MM-dd'T'HH:mm"),
    zoneFrom: zoned.from,
    dayStated: candidate.dateFrom !== null || namesDay(start),
  };
}

/**
 * The zone a candidate's wall-clock time is read in: one named in the text
 * wins over chrono's own reading of an abbreviation, which wins over the
 * Date header. "your time" cannot be placed here (the reader is not known
 * yet): it is placed in the writer's zone and marked for the meeting rules.
 */
function zoneFor(
  candidate: Candidate,
  placement: Placement,
): { zone: string; name: string | null; from: ZoneSource } {
  const writerZone = placement.zone ?? fixedZone(placement.offset);
  // "in 2 hours" was counted on the Date header's clock: a zone named nearby is not its own.
  if (candidate.start.tags().has(RELATIVE_TIME_TAG))
    return { zone: writerZone, name: placement.zone, from: 'header' };
  const stated = candidate.statedZone;
  if (stated?.kind === 'zone') return { zone: stated.zone, name: stated.zone, from: 'text' };
  if (stated) return { zone: writerZone, name: placement.zone, from: stated.kind };
  if (candidate.start.isCertain('timezoneOffset')) {
    const offset = candidate.start.get('timezoneOffset') ?? 0;
    return { zone: fixedZone(offset), name: null, from: 'text' };
  }
  return { zone: writerZone, name: placement.zone, from: 'header' };
}

/**
 * The proposal's wall-clock time placed in `zone`. An hour without am/pm
 * from 1 to 7 is read as afternoon, because nobody proposes a 4 a.m. chat.
 */
function placeInZone(
  components: chrono.ParsedComponents,
  dateFrom: chrono.ParsedComponents | null,
  zone: string,
): DateTime | null {
  const day = dateFrom ?? components;
  let hour = components.get('hour') ?? 0;
  if (!components.isCertain('meridiem') && hour >= 1 && hour <= 7) hour += 12;
  const wall = {
    year: day.get('year') ?? 0,
    month: day.get('month') ?? 1,
    day: day.get('day') ?? 1,
    hour,
    minute: components.get('minute') ?? 0,
  };
  const placed = DateTime.fromObject(wall, { zone });
  return placed.isValid ? placed : null;
}

function fixedZone(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 === 0 ? '' : `:${String(abs % 60).padStart(2, '0')}`}`;
}
