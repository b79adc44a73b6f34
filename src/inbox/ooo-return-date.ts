// The languages kith reads, one by one: the package root builds a dozen locales (~8 MB more RSS).
import type * as chrono from 'chrono-node';
import * as de from 'chrono-node/de';
import * as en from 'chrono-node/en';
import * as es from 'chrono-node/es';
import * as fr from 'chrono-node/fr';
import * as nl from 'chrono-node/nl';
import * as pt from 'chrono-node/pt';
import { detectLanguage, type TextLanguage } from '../pipeline/language.js';

/**
 * The date an out-of-office reply says its sender is back ("back on December
 * 3", "de retour le 3 décembre", "wieder am 3. Dezember", "de vuelta el 3 de
 * diciembre"), so the follow-up waits until after it. Dates in sentences
 * that talk about being away or back are read with chrono-node in the text's
 * language; an explicit "back" date wins over an "until" date.
 */

export interface ReturnDateOptions {
  /** The Date header, an ISO-8601 instant: dates without a year count forward from here. */
  readonly sentAt: string;
  /** The sender's UTC offset in minutes; null if unknown (read as UTC). */
  readonly offsetMinutes: number | null;
}

// Words next to the date of return, per language.
const BACK_WORDS: Readonly<Record<TextLanguage, RegExp>> = {
  en: /\b(back|return|returning|returns|in the office (again )?(on|from)|available (again )?(on|from))\b/i,
  de: /(zurück|wieder|ab dem|ab|erreichbar)/i,
  fr: /(retour|de retour|reviendrai|à partir du)/i,
  es: /(vuelta|regreso|regresaré|volveré|a partir del)/i,
  nl: /(terug|weer|vanaf)/i,
  pt: /(volta|volto|voltarei|regresso|regressarei|retorno|retornarei|a partir d)/i,
};

// Words that mean "away until": the date is the last day away.
const UNTIL_WORDS: Readonly<Record<TextLanguage, RegExp>> = {
  en: /\b(until|till|through|thru)\b/i,
  de: /(bis|einschließlich)/i,
  fr: /(jusqu|au)/i,
  es: /(hasta)/i,
  nl: /(tot|t\/m|tot en met)/i,
  pt: /(até)/i,
};

const MAX_TEXT_CHARS = 4_000;

const PARSERS: Readonly<Record<TextLanguage, chrono.Chrono>> = {
  en: en.casual,
  de: de.casual,
  fr: fr.casual,
  es: es.casual,
  nl: nl.casual,
  pt: pt.casual,
};

/** The return date as `YYYY-MM-DD` in the sender's calendar, or null when the text names none. */
export function extractReturnDate(text: string, options: ReturnDateOptions): string | null {
  const sentAt = new Date(options.sentAt);
  if (Number.isNaN(sentAt.getTime())) return null;
  // The return date is in the opening of an out-of-office text; the quoted mail below is not read.
  const head = withoutQuotedLines(text).slice(0, MAX_TEXT_CHARS);
  const language = detectLanguage(head);
  const parser = PARSERS[language];
  const offset = options.offsetMinutes ?? 0;
  const today = new Date(sentAt.getTime() + offset * 60_000).toISOString().slice(0, 10);
  let back: string | null = null;
  let until: string | null = null;
  for (const sentence of sentencesOf(head)) {
    const isBack = BACK_WORDS[language].test(sentence);
    const isUntil = UNTIL_WORDS[language].test(sentence);
    if (!isBack && !isUntil) continue;
    // No forwardDate: "from November 20 until December 2" sent on the 23rd must
    // stay in this year; chrono then picks the year nearest the mail.
    const results = parser.parse(sentence, { instant: sentAt, timezone: offset });
    for (const result of results) {
      const components = result.end ?? result.start;
      if (!(components.isCertain('day') || components.isCertain('weekday'))) continue;
      let date = calendarDate(components);
      // "back Monday" said on a Monday means the next one.
      if (date && !components.isCertain('day') && date <= today) date = addDays(date, 7);
      if (!date || date < today) continue;
      if (isBack && (back === null || date > back)) back = date;
      else if (isUntil && (until === null || date > until)) until = date;
    }
  }
  return back ?? until;
}

/** The owner's own words quoted below ("> I'm free until the 10th") are no return date. */
function withoutQuotedLines(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('>'))
    .join('\n');
}

function sentencesOf(text: string): string[] {
  return (
    text
      // Not after "3." — German and Dutch dates end in a period ("am 3. Dezember").
      .split(/\n\s*\n|(?<=[^\d\s][.!?])\s+(?=\p{Lu})/u)
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => s !== '')
  );
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function calendarDate(components: chrono.ParsedComponents): string | null {
  const year = components.get('year');
  const month = components.get('month');
  const day = components.get('day');
  if (year === null || month === null || day === null) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
