/**
 * kith keeps one full name per contact; vCard's N property wants family and
 * given names apart. These guesses only fill N — FN always carries the name
 * exactly as stored — so a wrong split never loses anything.
 */

// In Chinese, Japanese and Korean names the family name comes first.
const FAMILY_FIRST = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Splits a full name into family and given names (best effort). */
export function splitName(name: string): { family: string; given: string } {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length <= 1) return { family: parts[0] ?? '', given: '' };
  if (FAMILY_FIRST.test(name)) return { family: parts[0] ?? '', given: parts.slice(1).join(' ') };
  return { family: parts.at(-1) ?? '', given: parts.slice(0, -1).join(' ') };
}

/** Joins family and given names back into a full name, in the script's usual order. */
export function joinName(given: string, family: string): string {
  const ordered = FAMILY_FIRST.test(`${family}${given}`) ? [family, given] : [given, family];
  return ordered
    .map((p) => p.trim())
    .filter(Boolean)
    .join(' ');
}
