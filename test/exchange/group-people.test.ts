import { describe, expect, it } from 'vitest';
import { groupSamePeople } from '../../src/exchange/group-people.js';
import type { ImportedPerson } from '../../src/exchange/imported-person.js';

const person = (fields: Partial<ImportedPerson>): ImportedPerson => ({
  name: null,
  emails: [],
  company: null,
  title: null,
  linkedinUrl: null,
  referredByEmail: null,
  ...fields,
});

describe('groupSamePeople', () => {
  it('joins records that share an address or URL, also through a third record', () => {
    const groups = groupSamePeople([
      { line: 2, person: person({ name: 'Ana', emails: ['a@x.org'] }) },
      { line: 3, person: person({ name: 'Bob', emails: ['b@x.org'] }) },
      { line: 4, person: person({ linkedinUrl: 'u', company: 'Acme' }) },
      { line: 5, person: person({ name: 'Ana S.', emails: ['a2@x.org'], linkedinUrl: 'u' }) },
      { line: 6, person: person({ emails: ['a2@x.org', 'a@x.org'], title: 'CTO' }) },
    ]);
    expect(groups).toEqual([
      {
        lines: [2, 4, 5, 6],
        person: person({
          name: 'Ana',
          emails: ['a@x.org', 'a2@x.org'],
          company: 'Acme',
          title: 'CTO',
          linkedinUrl: 'u',
        }),
      },
      { lines: [3], person: person({ name: 'Bob', emails: ['b@x.org'] }) },
    ]);
  });

  it('never joins records that have only a name', () => {
    const groups = groupSamePeople([
      { line: 1, person: person({ name: 'Kim' }) },
      { line: 2, person: person({ name: 'Kim' }) },
    ]);
    expect(groups.map((g) => g.lines)).toEqual([[1], [2]]);
  });
});
