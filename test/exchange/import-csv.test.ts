import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { BadInputError } from '../../src/errors.js';
import { exportContacts } from '../../src/exchange/export.js';
import { importFile, importText } from '../../src/exchange/import.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { fixture, useTestDb } from './test-db.js';

const openDb = useTestDb();
const tempDir = useTempDir();
const now = new Date('2026-11-22T10:00:00.000Z');

interface Exported {
  contacts: {
    id: number;
    name: string | null;
    emails: { address: string }[];
    company: string | null;
    title: string | null;
    linkedinUrl: string | null;
    referredBy: number | null;
    source: string;
  }[];
}

async function contacts(db: Awaited<ReturnType<typeof openDb>>) {
  const doc = JSON.parse(await exportContacts(db, 'json')) as Exported;
  return doc.contacts.map((c) => ({
    id: c.id,
    name: c.name,
    emails: c.emails.map((e) => e.address),
    company: c.company,
    title: c.title,
    linkedinUrl: c.linkedinUrl,
    referredBy: c.referredBy,
  }));
}

describe('CSV import', () => {
  it('skips each bad row with its line number and keeps every good one', async () => {
    const db = await openDb();
    const report = await importFile(db, 'csv', fixture('contacts-with-errors.csv'), now);
    expect(report).toEqual({
      created: 4,
      merged: 0,
      errors: [
        { line: 5, message: 'invalid email address "dan-at-example.com"' },
        { line: 6, message: 'expected 6 columns as in the header, found 3' },
        { line: 7, message: 'no name, email address or LinkedIn URL' },
        { line: 10, message: expect.stringMatching(/^malformed CSV: Invalid Closing Quote/) },
        {
          line: 11,
          message: 'referred by nobody@example.com, but no contact has that address',
        },
      ],
    });
    expect(await contacts(db)).toEqual([
      {
        id: 1,
        name: 'Ana Souza',
        emails: ['ana@example.com'],
        company: 'Acme, Inc.',
        title: 'Data engineer',
        linkedinUrl: null,
        referredBy: null,
      },
      {
        id: 2,
        name: 'Carla Mendes',
        emails: ['carla@example.com', 'carla.m@example.org'],
        company: 'Umbrella',
        title: 'CTO',
        linkedinUrl: 'https://www.linkedin.com/in/carla-mendes',
        referredBy: 1,
      },
      {
        id: 3,
        name: 'Fay Wong',
        emails: ['fay@example.com'],
        company: 'Multi line Co',
        title: 'Founder',
        linkedinUrl: null,
        referredBy: 2,
      },
      {
        id: 4,
        name: 'Ivy Chen',
        emails: ['ivy@example.com'],
        company: 'Acme',
        title: 'PM',
        linkedinUrl: null,
        referredBy: null,
      },
    ]);
  });

  it('reads other header names, a semicolon delimiter and a referrer defined later', async () => {
    const db = await openDb();
    const text = [
      'First Name;Last name;E-Mail Address;Company Name;Job Title;Profile URL;Referrer',
      'Lia;Kovač;lia@example.si;"Acme; Ljubljana";Analyst;https://si.linkedin.com/in/liakovac;max@example.com',
      'Max;Roth;MAX@example.com;;;;',
    ].join('\n');
    expect(await importText(db, 'csv', text, now)).toEqual({ created: 2, merged: 0, errors: [] });
    expect(await contacts(db)).toEqual([
      {
        id: 1,
        name: 'Lia Kovač',
        emails: ['lia@example.si'],
        company: 'Acme; Ljubljana',
        title: 'Analyst',
        linkedinUrl: 'https://www.linkedin.com/in/liakovac',
        referredBy: 2,
      },
      {
        id: 2,
        name: 'Max Roth',
        emails: ['max@example.com'],
        company: null,
        title: null,
        linkedinUrl: null,
        referredBy: null,
      },
    ]);
  });

  it('merges by any address, adds new ones and keeps an existing referrer', async () => {
    const db = await openDb();
    const at = now.toISOString();
    await createContact(db, { name: 'Ana', emails: ['ana@x.org'], source: 'manual' }, at);
    await createContact(db, { name: 'Zed', emails: ['zed@x.org'], source: 'manual' }, at);
    await createContact(db, { emails: ['ref@x.org'], source: 'manual', referredById: 2 }, at);
    const text = [
      'name,email,referred by',
      'Ana Souza,ana2@x.org;ana@x.org,ref@x.org',
      'Ref Erer,ref@x.org,ana2@x.org',
    ].join('\n');
    expect(await importText(db, 'csv', text, now)).toEqual({ created: 0, merged: 2, errors: [] });
    const [ana, , ref] = await contacts(db);
    expect(ana).toMatchObject({ name: 'Ana', emails: ['ana@x.org', 'ana2@x.org'], referredBy: 3 });
    expect(ref).toMatchObject({ name: 'Ref Erer', referredBy: 2 });
  });

  it('keeps re-imports of name-only rows idempotent', async () => {
    const db = await openDb();
    const text = 'name,company\nKim Lee,Acme\nPat Doe,\n';
    expect(await importText(db, 'csv', text, now)).toEqual({ created: 2, merged: 0, errors: [] });
    expect(await importText(db, 'csv', text, now)).toEqual({ created: 0, merged: 2, errors: [] });
    expect((await contacts(db)).map((c) => c.name)).toEqual(['Kim Lee', 'Pat Doe']);
  });

  it('reads a Windows-1252 file from an older spreadsheet', async () => {
    const db = await openDb();
    const file = path.join(tempDir(), 'outlook.csv');
    writeFileSync(file, Buffer.from('name,email\nJos\xe9 \xc1lvarez,jose@example.com\n', 'latin1'));
    expect(await importFile(db, 'csv', file, now)).toMatchObject({ created: 1, errors: [] });
    expect((await contacts(db))[0]?.name).toBe('José Álvarez');
  });

  it('reads UTF-16 bytes with a byte-order mark ("Unicode text" from a spreadsheet)', async () => {
    const db = await openDb();
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('name\temail\r\nZoë 山田\tzoe@example.jp\r\n', 'utf16le'),
    ]);
    expect(await importText(db, 'csv', bytes, now)).toMatchObject({ created: 1, errors: [] });
    expect(await contacts(db)).toMatchObject([{ name: 'Zoë 山田', emails: ['zoe@example.jp'] }]);
  });

  it('refuses a CSV whose first line names no person column', async () => {
    const db = await openDb();
    await expect(importText(db, 'csv', 'foo,bar\n1,2\n', now)).rejects.toBeInstanceOf(
      BadInputError,
    );
    await expect(importText(db, 'csv', '', now)).rejects.toThrow(/header/);
  });

  it('says which file it could not read', async () => {
    const db = await openDb();
    await expect(importFile(db, 'csv', '/nonexistent/people.csv', now)).rejects.toThrow(
      /people\.csv \(ENOENT\)/,
    );
  });
});
