/** Levenshtein distance: single-character insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        substitution,
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number; allowed: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word, name);
    // A third of the longer name may differ: KITH_OWNER_EMAL, IMAP_PASSWORD, WEB_PASS.
    const allowed = Math.max(2, Math.floor(Math.max(word.length, name.length) / 3));
    if (distance <= allowed && (!best || distance < best.distance)) {
      best = { name, distance, allowed };
    }
  }
  return best?.name;
}
