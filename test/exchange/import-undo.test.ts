import { describe, expect, it } from 'vitest';
import { applyStageEvent, createContact, findContactByEmail } from '../../src/db/contacts.js';
import { addNote } from '../../src/db/notes.js';
import { type ImportProgress, importText } from '../../src/exchange/import.js';
import { undoImport } from '../../src/exchange/undo-import.js';
import { useTestDb } from './test-db.js';

const openDb = useTestDb();
const now = new Date('2026-11-22T10:00:00.000Z');
const at = now.toISOString();

function connections(count: number, first = 0): string {
  const lines = ['First Name,Last Name,URL,Email Address,Company,Position,Connected On'];
  for (let i = first; i < first + count; i++) {
    lines.push(
      `P${i},Lee,https://www.linkedin.com/in/p-${i},p${i}@example.org,Acme,Engineer,03 Nov 2026`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const countContacts = async (db: Awaited<ReturnType<typeof openDb>>) =>
  Number(
    (
      await db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a large import', () => {
  it('is read and saved in slices, with the event loop free between them', async () => {
    const db = await openDb();
    const progress: ImportProgress[] = [];
    let turns = 0;
    // Counts how often other work (a web request, a timer) could run during the import.
    const ticker = setInterval(() => {
      turns += 1;
    }, 0);
    try {
      await importText(db, 'linkedin', connections(3000), now, {
        onProgress: (p) => progress.push(p),
      });
    } finally {
      clearInterval(ticker);
    }
    const saving = progress.filter((p) => p.phase === 'saving');
    const reading = progress.filter((p) => p.phase === 'reading');
    expect(reading.length).toBeGreaterThanOrEqual(3);
    expect(saving.length).toBeGreaterThanOrEqual(6);
    expect(turns).toBeGreaterThanOrEqual(6);
    // Each report is a whole number of slices, none bigger than 500 rows.
    const steps = saving.slice(1).map((p, i) => p.done - (saving[i] as ImportProgress).done);
    expect(Math.max(...steps)).toBeLessThanOrEqual(500);
    expect(progress.at(-1)).toMatchObject({ total: 3000, done: 3000, created: 3000 });
  });
});

describe('undoing an import', () => {
  it('removes the contacts it created that nothing has happened to, and says why the rest stay', async () => {
    const db = await openDb();
    const known = await createContact(
      db,
      { name: 'Known', emails: ['p0@example.org'], source: 'manual' },
      at,
    );
    const report = await importText(db, 'linkedin', connections(6), now, { importId: 'imp-1' });
    expect(report).toMatchObject({ created: 5, merged: 1 });
    const contactOf = async (n: number) => (await findContactByEmail(db, `p${n}@example.org`))!;
    await addNote(db, (await contactOf(1)).id, 'met at a meetup', at);
    await applyStageEvent(
      db,
      (await contactOf(2)).id,
      { type: 'manual_move', to: 'contacted' },
      { at, cause: 'moved by hand' },
    );
    // Another import of the same people neither creates nor claims them.
    await importText(db, 'linkedin', connections(6), now, { importId: 'imp-2' });

    const undo = await undoImport(db, 'imp-1');
    expect(undo).toEqual({ removed: 3, kept: { notes: 1, stage: 1 } });
    expect(await findContactByEmail(db, 'p0@example.org')).toMatchObject({ id: known.id });
    for (const n of [1, 2]) expect(await findContactByEmail(db, `p${n}@example.org`)).toBeDefined();
    for (const n of [3, 4, 5])
      expect(await findContactByEmail(db, `p${n}@example.org`)).toBeUndefined();
    expect(await countContacts(db)).toBe(3);
    // Undoing again finds only the kept ones; an unknown import removes nothing.
    expect(await undoImport(db, 'imp-1')).toEqual({ removed: 0, kept: { notes: 1, stage: 1 } });
    expect(await undoImport(db, 'imp-2')).toEqual({ removed: 0, kept: {} });
  });

  it('removes thousands in slices', async () => {
    const db = await openDb();
    await importText(db, 'linkedin', connections(1200), now, { importId: 'big' });
    expect(await undoImport(db, 'big')).toEqual({ removed: 1200, kept: {} });
    expect(await countContacts(db)).toBe(0);
  });
});
