import type { ImportedPerson } from './imported-person.js';

/** One person as found in a file, possibly on several lines. */
export interface PersonGroup {
  readonly lines: readonly number[];
  readonly person: ImportedPerson;
}

/**
 * Joins records of the same file that share an address or a LinkedIn URL
 * before anything is stored: LinkedIn may list a person once without an
 * address and once with one, and matching the two halves to the database
 * one by one could file them under two contacts. Fields come from the first
 * record that has them; addresses are the union, in file order.
 */
export function groupSamePeople(
  records: readonly { line: number; person: ImportedPerson }[],
): PersonGroup[] {
  const parent = records.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    parent[i] = r;
    return r;
  };
  const owner = new Map<string, number>();
  records.forEach(({ person }, i) => {
    const keys = [...person.emails.map((e) => `email:${e}`)];
    if (person.linkedinUrl) keys.push(`url:${person.linkedinUrl}`);
    for (const key of keys) {
      const seen = owner.get(key);
      if (seen === undefined) owner.set(key, i);
      else {
        // The earlier record stays the root, so groups keep file order.
        const [a, b] = [root(seen), root(i)].sort((x, y) => x - y) as [number, number];
        parent[b] = a;
      }
    }
  });
  const groups = new Map<number, { line: number; person: ImportedPerson }[]>();
  records.forEach((record, i) => {
    const r = root(i);
    const members = groups.get(r);
    if (members) members.push(record);
    else groups.set(r, [record]);
  });
  return [...groups.values()].map((members) => ({
    lines: members.map((m) => m.line),
    person: combine(members.map((m) => m.person)),
  }));
}

function combine(people: readonly ImportedPerson[]): ImportedPerson {
  const pick = (get: (p: ImportedPerson) => string | null) =>
    people.map(get).find((v) => v !== null) ?? null;
  return {
    name: pick((p) => p.name),
    emails: [...new Set(people.flatMap((p) => p.emails))],
    company: pick((p) => p.company),
    title: pick((p) => p.title),
    linkedinUrl: pick((p) => p.linkedinUrl),
    referredByEmail: pick((p) => p.referredByEmail),
  };
}
