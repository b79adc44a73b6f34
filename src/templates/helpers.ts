import type Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { describeAdvice } from './advice.js';
import { bothClocks } from './both-clocks.js';

/**
 * Helpers every template may use. Handlebars' strict mode checks plain
 * `{{a.b}}` lookups but passes a missing helper argument as `undefined`, so
 * each helper checks its own arguments and names the template line.
 */

interface HelperOptionsWithLoc extends Handlebars.HelperOptions {
  readonly name?: string;
  readonly loc?: { start: { line: number; column: number } };
}

/** Thrown by a helper; `line` is 1-based within the compiled part. */
export class HelperArgumentError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, options: HelperOptionsWithLoc) {
    const where = options.loc ? ` - ${options.loc.start.line}:${options.loc.start.column}` : '';
    super(`${message}${where}`);
    this.name = 'HelperArgumentError';
    this.line = options.loc?.start.line;
    this.column = options.loc?.start.column;
  }
}

/** Splits `(a, b, ..., options)` as Handlebars calls helpers. */
function split(args: unknown[]): { values: unknown[]; options: HelperOptionsWithLoc } {
  const options = args[args.length - 1] as HelperOptionsWithLoc;
  return { values: args.slice(0, -1), options };
}

function need(values: unknown[], count: number, options: HelperOptionsWithLoc): void {
  const helper = options.name ?? 'helper';
  if (values.length < count) {
    throw new HelperArgumentError(`${helper} needs ${count} argument(s)`, options);
  }
  values.slice(0, count).forEach((v, i) => {
    if (v === undefined) {
      throw new HelperArgumentError(
        `${helper}: argument ${i + 1} is not a known variable`,
        options,
      );
    }
  });
}

function toDateTime(value: unknown, zone: unknown, options: HelperOptionsWithLoc): DateTime {
  if (typeof zone !== 'string' || zone === '') {
    throw new HelperArgumentError(`${options.name}: the time zone must be a name`, options);
  }
  const instant =
    value instanceof Date
      ? DateTime.fromJSDate(value)
      : DateTime.fromISO(String(value), { setZone: false });
  if (!instant.isValid) {
    throw new HelperArgumentError(`${options.name}: "${String(value)}" is not a date`, options);
  }
  const zoned = instant.setZone(zone);
  if (!zoned.isValid) {
    throw new HelperArgumentError(`${options.name}: unknown time zone "${zone}"`, options);
  }
  return zoned.setLocale('en-GB');
}

/** "(New York, UTC−5)": a city anyone recognises, and the offset to be exact. */
function zoneLabel(dt: DateTime): string {
  const zone = dt.zoneName ?? 'UTC';
  const city = zone.includes('/') ? (zone.split('/').pop() as string).replace(/_/g, ' ') : zone;
  const offset = dt.offset === 0 ? '' : dt.toFormat('Z').replace('-', '−');
  return `(${city}, UTC${offset})`;
}

/** "Ana María Souza" → "Ana"; a null name gives the fallback (or ""). */
export function firstNameOf(name: string | null | undefined, fallback = ''): string {
  const first = (name ?? '').trim().split(/\s+/)[0] ?? '';
  return first === '' ? fallback : first;
}

/** ["a","b","c"] → "a, b and c". */
export function joinList(items: readonly string[], last = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

function stringsOf(value: unknown, key: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) =>
    typeof key === 'string' && item && typeof item === 'object'
      ? String((item as Record<string, unknown>)[key] ?? '')
      : String(item),
  );
}

/** Registers kith's helpers on an isolated Handlebars environment. */
export function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('firstName', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    return firstNameOf(values[0] as string | null, typeof values[1] === 'string' ? values[1] : '');
  });
  // {{when instant zone}} → "Tuesday 1 December 2026, 14:00 (Berlin, UTC+1)"
  hb.registerHelper('when', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 2, options);
    const dt = toDateTime(values[0], values[1], options);
    return `${dt.toFormat('cccc d LLLL yyyy, HH:mm')} ${zoneLabel(dt)}`;
  });
  // {{clocks instant ownerZone contactZone contactName}} → "Thu 5 Nov, 17:00 your time (14:00 in Los Angeles, Priya's time)"
  hb.registerHelper('clocks', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 2, options);
    toDateTime(values[0], values[1], options);
    const contactZone = typeof values[2] === 'string' && values[2] !== '' ? values[2] : null;
    if (contactZone) toDateTime(values[0], contactZone, options);
    const name = typeof values[3] === 'string' ? values[3] : null;
    const instant = values[0] instanceof Date ? values[0].toISOString() : String(values[0]);
    return bothClocks(instant, values[1] as string, contactZone, name);
  });
  // {{day instant zone}} → "Tuesday 1 December"
  hb.registerHelper('day', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 2, options);
    return toDateTime(values[0], values[1], options).toFormat('cccc d LLLL');
  });
  // {{time instant zone}} → "14:00"
  hb.registerHelper('time', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 2, options);
    return toDateTime(values[0], values[1], options).toFormat('HH:mm');
  });
  // {{list items ["key"]}} → "a, b and c"
  hb.registerHelper('list', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    return joinList(stringsOf(values[0], values[1]).filter(Boolean));
  });
  // {{bullets items ["key"]}} → "- a\n- b" (plain-text list)
  hb.registerHelper('bullets', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    return stringsOf(values[0], values[1])
      .filter(Boolean)
      .map((s) => `- ${s.replace(/\n/g, '\n  ')}`)
      .join('\n');
  });
  // {{plural count "meeting" "meetings"}}
  hb.registerHelper('plural', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 3, options);
    return values[0] === 1 ? values[1] : values[2];
  });
  hb.registerHelper('eq', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 2, options);
    return values[0] === values[1];
  });
  // {{or a b}}: the first value that is set (for "name or address" fallbacks).
  hb.registerHelper('or', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 2, options);
    return values.find((v) => v !== null && v !== '' && v !== false) ?? '';
  });
  // {{names people}} → "Lena Fischer and noah@example.com": a name, else the address.
  hb.registerHelper('names', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    const people = Array.isArray(values[0]) ? (values[0] as unknown[]) : [];
    return joinList(
      people
        .map((p) => {
          const { name, email } = (p ?? {}) as { name?: unknown; email?: unknown };
          return typeof name === 'string' && name.trim() !== '' ? name.trim() : String(email ?? '');
        })
        .filter(Boolean),
    );
  });
  // {{suggestions items "your"}} → "your suggestions to learn dbt and to read …";
  // without a possessor → "to learn dbt and to read …" (see advice.ts).
  // With subject=true the phrase opens a sentence: an item with its own comma
  // ("show process, not just polished screens") gets the closing comma.
  hb.registerHelper('suggestions', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    const possessor = typeof values[1] === 'string' && values[1] !== '' ? values[1] : null;
    const items = stringsOf(values[0], undefined);
    const phrase = describeAdvice(items, possessor);
    const subject = (options.hash as Record<string, unknown> | undefined)?.subject === true;
    return subject && items.some((item) => item.includes(',')) ? `${phrase},` : phrase;
  });
  // {{#if (many items)}}: more than one, for "it"/"them", "was"/"were".
  hb.registerHelper('many', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    return Array.isArray(values[0]) && values[0].length > 1;
  });
  // {{capitalize text}}: a helper's phrase at the start of a sentence.
  hb.registerHelper('capitalize', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    const text = String(values[0] ?? '');
    return text.charAt(0).toUpperCase() + text.slice(1);
  });
  // {{a label}} → "a follow-up", "an outreach": the article a label takes.
  hb.registerHelper('a', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    const text = String(values[0] ?? '');
    return `${/^[aeiou]/i.test(text) ? 'an' : 'a'} ${text}`;
  });
  hb.registerHelper('indent', (...args: unknown[]) => {
    const { values, options } = split(args);
    need(values, 1, options);
    const prefix = typeof values[1] === 'string' ? values[1] : '    ';
    return String(values[0] ?? '')
      .split('\n')
      .map((line) => (line === '' ? line : `${prefix}${line}`))
      .join('\n');
  });
}
