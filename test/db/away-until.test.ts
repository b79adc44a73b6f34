import { afterEach, describe, expect, it } from 'vitest';
import { mergeContacts } from '../../src/db/contact-edits.js';
import { createContact } from '../../src/db/contacts.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { oooReturnDate, setOooReturnDate } from '../../src/db/inbox-queries.js';

/** contacts.away_until: written by the inbox, kept through a merge. */

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
  it('keeps the later of two return dates', async () => {
    const { db, a } = await twoContacts();
    await setOooReturnDate(db, a, '2026-12-14', AT);
    await setOooReturnDate(db, a, '2026-12-10', AT);
    expect(await oooReturnDate(db, a)).toBe('2026-12-14');
  });

  it('moves to the kept contact in a merge unless it has its own', async () => {
    const { db, a, b } = await twoContacts();
    await setOooReturnDate(db, b, '2026-12-20', AT);
    await mergeContacts(db, a, b, AT);
    expect(await oooReturnDate(db, a)).toBe('2026-12-20');

    const other = await twoContacts();
    await setOooReturnDate(other.db, other.a, '2026-12-05', AT);
    await setOooReturnDate(other.db, other.b, '2026-12-20', AT);
    await mergeContacts(other.db, other.a, other.b, AT);
    expect(await oooReturnDate(other.db, other.a)).toBe('2026-12-05');
  });
});
