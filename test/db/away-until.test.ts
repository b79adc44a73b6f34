import { afterEach, describe, expect, it } from 'vitest';
import { mergeContacts } from '../../src/db/contact-edits.js';
import { createContact } from '../../src/db/contacts.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { setAwayUntil } from '../../src/db/inbox-queries.js';
import { awayUntil } from '../inbox/ingest-helpers.js';

/** contacts.away_until: written by the inbox, the later date kept through a merge (src/pipeline/away.ts). */

const open: Db[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});
const AT = '2026-12-01T09:00:00.000Z';

async function twoContacts() {
  const db = openDatabase(':memory:');
  open.push(db);
  await migrateToLatest(db);
  const a = await createContact(db, { name: 'A', emails: ['a@x.example'], source: 'outreach' }, AT);
  const b = await createContact(db, { name: 'B', emails: ['b@x.example'], source: 'outreach' }, AT);
  return { db, a: a.id, b: b.id };
}

describe('away until', () => {
  it('is stored per contact and read back', async () => {
    const { db, a, b } = await twoContacts();
    await setAwayUntil(db, a, '2026-12-14');
    expect(await awayUntil(db, a)).toBe('2026-12-14');
    expect(await awayUntil(db, b)).toBeUndefined();
  });

  it('keeps the later of the two dates in a merge, as the inbox does for a second auto-reply', async () => {
    const { db, a, b } = await twoContacts();
    await setAwayUntil(db, b, '2026-12-20');
    await mergeContacts(db, a, b, AT);
    expect(await awayUntil(db, a)).toBe('2026-12-20');

    const other = await twoContacts();
    await setAwayUntil(other.db, other.a, '2026-12-05');
    await setAwayUntil(other.db, other.b, '2026-12-20');
    await mergeContacts(other.db, other.a, other.b, AT);
    expect(await awayUntil(other.db, other.a)).toBe('2026-12-20');

    const third = await twoContacts();
    await setAwayUntil(third.db, third.a, '2026-12-20');
    await setAwayUntil(third.db, third.b, '2026-12-05');
    await mergeContacts(third.db, third.a, third.b, AT);
    expect(await awayUntil(third.db, third.a)).toBe('2026-12-20');
  });
});
