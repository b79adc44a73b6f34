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
