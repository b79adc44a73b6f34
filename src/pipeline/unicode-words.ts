// JavaScript's `\b` only knows ASCII letters, so `\bdécliner\b` or `\bnão\b`
// fail next to accented letters. This boundary counts every Unicode letter.
const WORD = String.raw`[\p{L}\p{N}_]`;
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;

/** The same pattern with `\b` meaning a Unicode word boundary (adds the `u` flag). */
export function unicodeWords(pattern: RegExp): RegExp {
  const source = pattern.source.replace(/\\b/g, BOUNDARY);
  const flags = pattern.flags.includes('u') ? pattern.flags : `${pattern.flags}u`;
  return new RegExp(source, flags);
}

/** A list of phrase patterns, matched with Unicode word boundaries. */
export interface WordPatterns {
  /** The first pattern that matches `text`, or null. */
  firstMatch(text: string): RegExp | null;
  test(text: string): boolean;
  /** False when no pattern can match `text` (the quick scan alone). */
  mayMatch(text: string): boolean;
  /** The patterns with their Unicode boundaries, in order. */
  readonly exact: readonly RegExp[];
}

/**
 * `patterns` through `unicodeWords`, behind one quick scan: the same
 * patterns without their boundaries, joined into a single alternation. That
 * scan matches whenever one of the exact patterns would (dropping a
 * zero-width assertion only widens a match), so text it rejects skips them.
 * Most text matches none, and the exact ones are slow to scan: a boundary
 * with lookbehind at every position keeps V8 from skipping ahead.
 */
export function wordPatterns(patterns: readonly RegExp[]): WordPatterns {
  const flags = new Set(patterns.map((p) => p.flags));
  if (flags.size > 1) throw new Error('wordPatterns: all patterns need the same flags');
  const quick = new RegExp(
    patterns.map((p) => `(?:${p.source.replace(/\\b/g, '')})`).join('|'),
    patterns[0]?.flags ?? '',
  );
  const exact = patterns.map(unicodeWords);
  const mayMatch = (text: string) => quick.test(text);
  const firstMatch = (text: string) =>
    mayMatch(text) ? (exact.find((re) => re.test(text)) ?? null) : null;
  return { firstMatch, test: (text) => firstMatch(text) !== null, mayMatch, exact };
}
