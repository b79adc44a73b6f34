import { describe, expect, it } from 'vitest';
import { exportContacts } from '../../src/exchange/export.js';
import { importFile, importText } from '../../src/exchange/import.js';
import { fixture, useTestDb } from './test-db.js';

const openDb = useTestDb();
const now = new Date('2026-11-22T10:00:00.000Z');

interface Exported {
  contacts: {
    name: string | null;
    emails: { address: string }[];
    company: string | null;
    title: string | null;
    linkedinUrl: string | null;
    source: string;
    stage: string;
  }[];
}

async function contacts(db: Awaited<ReturnType<typeof openDb>>) {
  const doc = JSON.parse(await exportContacts(db, 'json')) as Exported;
  return doc.contacts.map((c) => ({ ...c, emails: c.emails.map((e) => e.address) }));
}

describe('vCard import', () => {
  it('reads 3.0 and 4.0 cards and reports unreadable cards by their first line', async () => {
    const db = await openDb();
    const report = await importFile(db, 'vcard', fixture('cards.vcf'), now);
    expect(report).toEqual({
      created: 3,
      merged: 0,
      errors: [
        { line: 21, message: expect.stringContaining('vCard 2.1 is not supported') },
        { line: 26, message: 'no name, email address or LinkedIn URL' },
      ],
    });
    expect(await contacts(db)).toMatchObject([
      {
        name: 'José Álvarez',
        emails: ['jose@globex.example'],
        company: 'Globex, Ltd.',
        title: 'Director',
        linkedinUrl: 'https://www.linkedin.com/in/jose-alvarez-1a2b3c',
        source: 'import:vcard',
        stage: 'prospect',
      },
      {
        name: 'Zoë Dubois',
        // PREF=1 makes the home address the primary one.
        emails: ['zoe@home.example', 'zoe@work.example'],
        company: 'Research Lab',
        title: null,
        linkedinUrl: 'https://www.linkedin.com/in/zoedubois',
      },
      {
        name: '山田 太郎',
        emails: ['taro@sample.example'],
        company: null,
        title: 'エンジニア, シニア',
        linkedinUrl: null,
      },
    ]);
  });

  it('merges a card into the contact imported from LinkedIn', async () => {
    const db = await openDb();
    await importFile(db, 'linkedin', fixture('linkedin-connections.csv'), now);
    const report = await importFile(db, 'vcard', fixture('cards.vcf'), now);
    expect(report).toMatchObject({ created: 1, merged: 2 });
    const all = await contacts(db);
    expect(all.find((c) => c.name === 'José Álvarez')).toMatchObject({
      emails: ['jose@globex.example'],
      company: 'Globex',
      title: 'Director, Platform',
      source: 'import:linkedin',
    });
    expect(all.find((c) => c.name === 'Zoë Dubois')?.emails).toEqual([
      'zoe.dubois@example.fr',
      'zoe@home.example',
      'zoe@work.example',
    ]);
  });

  it('keeps the cards before and after a card that never ends or will not parse', async () => {
    const db = await openDb();
    const text = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:First',
      '  Person',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Cut off',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Broken',
      'EMAIL;TYPE="unclosed:broken@example.com',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Last Person',
      'EMAIL:last@example.com',
      'END:VCARD',
    ].join('\n');
    const report = await importText(db, 'vcard', text, now);
    expect(report.created).toBe(2);
    expect(report.errors).toEqual([
      { line: 6, message: 'vCard has no END:VCARD line' },
      { line: 9, message: expect.stringContaining('cannot read this vCard') },
    ]);
    expect((await contacts(db)).map((c) => c.name)).toEqual(['First Person', 'Last Person']);
  });
});
