import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { BadInputError } from '../../src/errors.js';
import { exportContacts } from '../../src/exchange/export.js';
import { type ImportProgress, importFile, importText } from '../../src/exchange/import.js';
import { fixture, useTestDb } from './test-db.js';

const openDb = useTestDb();
const now = new Date('2026-11-22T10:00:00.000Z');
const connections = fixture('linkedin-connections.csv');

interface Exported {
  contacts: {
    id: number;
    name: string | null;
    emails: { address: string; dead: boolean }[];
    company: string | null;
    title: string | null;
    linkedinUrl: string | null;
    source: string;
    stage: string;
    referredBy: number | null;
  }[];
}

const summary = (json: string) =>
  (JSON.parse(json) as Exported).contacts.map((c) => ({
    id: c.id,
    name: c.name,
    emails: c.emails.map((e) => e.address),
    company: c.company,
    title: c.title,
    linkedinUrl: c.linkedinUrl,
    source: c.source,
    stage: c.stage,
  }));

const person = (
  id: number,
  name: string,
  emails: string[],
  company: string | null,
  title: string | null,
  slug: string,
) => ({
  id,
  name,
  emails,
  company,
  title,
  linkedinUrl: `https://www.linkedin.com/in/${slug}`,
  source: 'import:linkedin',
  stage: 'prospect',
});

describe('LinkedIn import', () => {
  it('has a fixture with the real export’s byte-order mark, CRLF lines and preamble', () => {
    const raw = readFileSync(connections, 'utf8');
    expect(raw.startsWith('\uFEFFNotes:\r\n')).toBe(true);
    expect(raw.split('\r\n')[3]).toBe(
      'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
    );
  });

  it('imports every connection once, merging the duplicate, and exports them exactly', async () => {
    const db = await openDb();
    const report = await importFile(db, 'linkedin', connections, now);
    expect(report).toEqual({ created: 5, merged: 1, errors: [] });
    expect(summary(await exportContacts(db, 'json'))).toEqual([
      person(1, 'Ana Souza', ['ana@example.com'], 'Acme, Inc.', 'Data engineer', 'ana-souza'),
      person(2, 'José Álvarez', [], 'Globex', 'Director, Platform', 'jose-alvarez-1a2b3c'),
      person(3, 'Zoë Dubois', ['zoe.dubois@example.fr'], null, 'Head of "Growth"', 'zoedubois'),
      person(4, '山田 太郎', [], '株式会社サンプル', 'エンジニア', 'yamada-taro'),
      // First seen without address or title; the second row fills both in.
      person(5, 'Bob Lee', ['bob@initech.example'], 'Initech', 'Engineering manager', 'bob-lee'),
    ]);
  });

  it('merges everything on a second import and leaves the export byte-identical', async () => {
    const db = await openDb();
    await importFile(db, 'linkedin', connections, now);
    const first = await exportContacts(db, 'json');
    const again = await importFile(db, 'linkedin', connections, new Date('2026-12-01T00:00:00Z'));
    expect(again).toEqual({ created: 0, merged: 6, errors: [] });
    expect(await exportContacts(db, 'json')).toBe(first);
  });

  it('fills only empty fields of a known contact and never moves its stage', async () => {
    const db = await openDb();
    await createContact(
      db,
      { name: null, emails: ['bob@initech.example'], company: 'Initrode', source: 'outreach' },
      '2026-11-01T00:00:00.000Z',
    );
    await db.updateTable('contacts').set({ stage: 'met' }).where('id', '=', 1).execute();
    const report = await importFile(db, 'linkedin', connections, now);
    expect(report).toEqual({ created: 4, merged: 2, errors: [] });
    const bob = (JSON.parse(await exportContacts(db, 'json')) as Exported).contacts[0];
    expect(bob).toMatchObject({
      id: 1,
      name: 'Bob Lee',
      emails: [{ address: 'bob@initech.example', dead: false }],
      company: 'Initrode',
      title: 'Engineering manager',
      linkedinUrl: 'https://www.linkedin.com/in/bob-lee',
      source: 'outreach',
      stage: 'met',
    });
  });

  it('reports a bad row by its line in the file, preamble included, and keeps the rest', async () => {
    const db = await openDb();
    const text = [
      'Notes:',
      '"When exporting your connection data,',
      'you may notice that some of the email addresses are missing."',
      '',
      'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
      'Ana,Souza,https://www.linkedin.com/in/ana,ana@example.com,Acme,Engineer,03 Nov 2026',
      'Broken,Row,https://www.linkedin.com/in/broken,not-an-address,Acme,,03 Nov 2026',
      'Short,Row,https://www.linkedin.com/in/short',
      ',,,,Acme,Engineer,03 Nov 2026',
      'Cleo,Park,https://www.linkedin.com/in/cleo,,"Park, Lee & Co",,03 Nov 2026',
    ].join('\r\n');
    const report = await importText(db, 'linkedin', text, now);
    expect(report).toEqual({
      created: 2,
      merged: 0,
      errors: [
        { line: 7, message: 'invalid email address "not-an-address"' },
        { line: 8, message: 'expected 7 columns as in the header, found 3' },
        { line: 9, message: 'no name, email address or LinkedIn URL' },
      ],
    });
    expect(summary(await exportContacts(db, 'json')).map((c) => c.company)).toEqual([
      'Acme',
      'Park, Lee & Co',
    ]);
  });

  it('refuses a file that is not a LinkedIn export, naming the header it looked for', async () => {
    const db = await openDb();
    const attempt = importText(db, 'linkedin', 'Name,Email\nAna,ana@example.com\n', now);
    await expect(attempt).rejects.toBeInstanceOf(BadInputError);
    await expect(attempt).rejects.toThrow(/First Name,Last Name,URL/);
  });

  it('reports progress: rows read, then saved, with what became of them', async () => {
    const db = await openDb();
    const calls: ImportProgress[] = [];
    await importFile(db, 'linkedin', connections, now, {
      onProgress: (progress) => calls.push(progress),
    });
    expect(calls[0]).toMatchObject({ phase: 'reading', read: 0, done: 0 });
    // Bob's two lines are one person: his first line creates, his second merges.
    expect(calls.at(-1)).toEqual({
      phase: 'saving',
      read: 6,
      total: 6,
      done: 6,
      created: 5,
      merged: 1,
      skipped: 0,
    });
    const dones = calls.map((c) => c.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
  });
});
