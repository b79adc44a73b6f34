import { readFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { parse as parseCsv } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { applyStageEvent, createContact } from '../../src/db/contacts.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { Kysely, SqliteDialect } from '../../src/db/kysely.js';
import type { Database } from '../../src/db/schema.js';
import { exportContacts } from '../../src/exchange/export.js';
import { importText } from '../../src/exchange/import.js';
import { repoRoot } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { useTestDb } from './test-db.js';

const openDb = useTestDb();
const tempDir = useTempDir();
const T = (day: number, hour: number) =>
  new Date(Date.UTC(2026, 11, day, hour, 0, 0)).toISOString();

/** Seeds what other parts of kith write later: meetings, notes, advice, history, mail. */
async function seedPipeline(db: Db): Promise<void> {
  const ana = await createContact(
    db,
    {
      name: 'Ana Souza',
      emails: ['ana@example.com', 'ana@old.example'],
      company: 'Acme',
      title: 'Data engineer',
      linkedinUrl: 'https://linkedin.com/in/Ana/',
      source: 'import:linkedin',
    },
    T(1, 8),
  );
  await createContact(
    db,
    { name: 'Bob Lee', emails: ['bob@initech.example'], source: 'referral', referredById: ana.id },
    T(4, 9),
  );
  await db.updateTable('contacts').set({ cadence_days: 60 }).where('id', '=', ana.id).execute();
  await db
    .updateTable('contact_emails')
    .set({ dead_at: T(2, 0), dead_reason: '550 no such user' })
    .where('address', '=', 'ana@old.example')
    .execute();
  await applyStageEvent(
    db,
    ana.id,
    { type: 'outreach_seen' },
    { at: T(1, 9), cause: 'outreach seen', sourceMessageId: 'out-1@kith.example' },
  );
  await applyStageEvent(
    db,
    ana.id,
    { type: 'meeting_confirmed' },
    { at: T(2, 10), cause: 'invite accepted' },
  );
  await applyStageEvent(
    db,
    ana.id,
    { type: 'meeting_time_passed' },
    { at: T(3, 15), cause: 'meeting took place' },
  );
  await applyStageEvent(
    db,
    ana.id,
    { type: 'manual_move', to: 'keeping_in_touch' },
    { at: T(5, 12), cause: 'moved by hand' },
  );
  const meeting = (starts: string, status: 'done' | 'cancelled') => ({
    contact_id: ana.id,
    starts_at: starts,
    ends_at: new Date(Date.parse(starts) + 30 * 60_000).toISOString(),
    time_zone: 'Europe/Lisbon',
    mode: 'video',
    location: status === 'done' ? 'https://meet.example/abc' : null,
    status,
    ical_uid: null,
    ical_sequence: null,
    source_message_id: null,
    created_at: T(1, 0),
    updated_at: T(1, 0),
  });
  // Inserted out of time order on purpose: the export orders by time, then id.
  await db
    .insertInto('meetings')
    .values([meeting(T(3, 14), 'done'), meeting(T(2, 14), 'cancelled')])
    .execute();
  const text = (body: string, at: string) => ({
    contact_id: ana.id,
    meeting_id: null,
    body,
    source_message_id: null,
    created_at: at,
  });
  await db
    .insertInto('notes')
    .values([
      text('second note', T(3, 17)),
      text('first note', T(3, 16)),
      text('same time, later id', T(3, 17)),
    ])
    .execute();
  await db
    .insertInto('advice')
    .values([text('talk to Bob', T(3, 16))])
    .execute();
  const message = (
    id: string,
    contactId: number | null,
    date: string,
    direction: 'in' | 'out',
    kind: string,
  ) => ({
    message_id: id,
    thread_id: null,
    contact_id: contactId,
    direction,
    kind,
    from_address: direction === 'in' ? 'ana@example.com' : 'me@example.org',
    to_addresses: direction === 'in' ? 'me@example.org' : 'ana@example.com',
    subject: kind === 'outreach' ? 'A question about data work' : 'Re: A question about data work',
    date,
    in_reply_to: null,
    references: '',
    text: `${kind} text`,
    created_at: date,
  });
  await db
    .insertInto('messages')
    .values([
      message('reply-1@mail.example', ana.id, T(1, 20), 'in', 'reply'),
      message('out-1@kith.example', ana.id, T(1, 9), 'out', 'outreach'),
      message('unrelated@mail.example', null, T(1, 10), 'in', 'reply'),
    ])
    .execute();
}

function readmeExample(): { contacts: Record<string, unknown>[] } & Record<string, unknown> {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Export format'));
  const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README has no JSON block under "Export format"');
  return JSON.parse(block);
}

/** The keys of an object and of the first item of each list in it, recursively. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.entries(value).map(([key, v]) => [key, shape(v)]);
  }
  return 'value';
}

describe('JSON export', () => {
  it('prints pipeline data in the documented shape, each list in time order', async () => {
    const db = await openDb();
    await seedPipeline(db);
    const doc = JSON.parse(await exportContacts(db, 'json'));
    expect(doc.version).toBe(1);
    expect(doc.contacts).toHaveLength(2);
    expect(doc.contacts[0]).toEqual({
      id: 1,
      name: 'Ana Souza',
      emails: [
        { address: 'ana@example.com', dead: false },
        { address: 'ana@old.example', dead: true },
      ],
      company: 'Acme',
      title: 'Data engineer',
      linkedinUrl: 'https://www.linkedin.com/in/ana',
      source: 'import:linkedin',
      stage: 'keeping_in_touch',
      referredBy: null,
      cadenceDays: 60,
      meetings: [
        {
          start: T(2, 14),
          end: '2026-12-02T14:30:00.000Z',
          timeZone: 'Europe/Lisbon',
          status: 'cancelled',
          mode: 'video',
          location: null,
        },
        {
          start: T(3, 14),
          end: '2026-12-03T14:30:00.000Z',
          timeZone: 'Europe/Lisbon',
          status: 'done',
          mode: 'video',
          location: 'https://meet.example/abc',
        },
      ],
      notes: [
        { at: T(3, 16), text: 'first note' },
        { at: T(3, 17), text: 'second note' },
        { at: T(3, 17), text: 'same time, later id' },
      ],
      advice: [{ at: T(3, 16), text: 'talk to Bob' }],
      history: [
        {
          from: null,
          to: 'prospect',
          at: T(1, 8),
          cause: 'created (import:linkedin)',
          manual: false,
        },
        { from: 'prospect', to: 'contacted', at: T(1, 9), cause: 'outreach seen', manual: false },
        {
          from: 'contacted',
          to: 'scheduled',
          at: T(2, 10),
          cause: 'invite accepted',
          manual: false,
        },
        { from: 'scheduled', to: 'met', at: T(3, 15), cause: 'meeting took place', manual: false },
        { from: 'met', to: 'keeping_in_touch', at: T(5, 12), cause: 'moved by hand', manual: true },
      ],
      messages: [
        {
          messageId: 'out-1@kith.example',
          direction: 'out',
          kind: 'outreach',
          date: T(1, 9),
          subject: 'A question about data work',
          text: 'outreach text',
        },
        {
          messageId: 'reply-1@mail.example',
          direction: 'in',
          kind: 'reply',
          date: T(1, 20),
          subject: 'Re: A question about data work',
          text: 'reply text',
        },
      ],
    });
    expect(doc.contacts[1]).toMatchObject({
      id: 2,
      referredBy: 1,
      meetings: [],
      notes: [],
      messages: [],
    });
  });

  it('has exactly the keys, in the order, of the README example', async () => {
    const db = await openDb();
    await seedPipeline(db);
    const doc = JSON.parse(await exportContacts(db, 'json'));
    expect(shape(doc)).toEqual(shape(readmeExample()));
  });

  it('prints the same bytes on every run', async () => {
    const db = await openDb();
    await seedPipeline(db);
    const first = await exportContacts(db, 'json');
    expect(await exportContacts(db, 'json')).toBe(first);
    expect(first.endsWith('}')).toBe(true);
    // Also from inside a caller's transaction (Kysely cannot nest them).
    expect(await db.transaction().execute((trx) => exportContacts(trx, 'json'))).toBe(first);
  });

  it('runs the same number of queries for 2 contacts as for 60', async () => {
    const file = path.join(tempDir(), 'kith.sqlite');
    const db = openDatabase(file);
    await migrateToLatest(db);
    await seedPipeline(db);
    let queries = 0;
    const counted = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(file) }),
      log: (event) => {
        if (event.level === 'query') queries += 1;
      },
    });
    try {
      await exportContacts(counted, 'json');
      const few = queries;
      for (let i = 0; i < 58; i++) {
        await createContact(
          db,
          { name: `P ${i}`, emails: [`p${i}@example.org`], source: 'test' },
          T(6, 0),
        );
      }
      queries = 0;
      const doc = JSON.parse(await exportContacts(counted, 'json'));
      expect(doc.contacts).toHaveLength(60);
      expect(queries).toBe(few);
      // One select per table (7), plus the read transaction's begin and commit.
      expect(few).toBeLessThanOrEqual(9);
    } finally {
      await counted.destroy();
      await db.destroy();
    }
  });
});

/** Contacts whose values need escaping in CSV and vCard. */
async function seedAwkward(db: Db): Promise<void> {
  const at = T(1, 0);
  const ana = await createContact(
    db,
    {
      name: 'Ana "Nana" Souza',
      emails: ['ana@example.com', 'ana2@example.com'],
      company: 'Acme, Inc.',
      title: 'Data; engineer',
      linkedinUrl: 'https://www.linkedin.com/in/ana',
      source: 'manual',
    },
    at,
  );
  await createContact(
    db,
    {
      name: 'José Álvarez',
      emails: ['jose@example.es'],
      company: 'Globex; Sucursal\\Sur',
      title: 'Director,\nPlatform',
      source: 'manual',
      referredById: ana.id,
    },
    at,
  );
  await createContact(
    db,
    {
      name: '山田 太郎'.repeat(6),
      emails: ['taro@example.jp'],
      company: '株式会社サンプル',
      title: 'エンジニア',
      linkedinUrl: 'https://www.linkedin.com/in/yamada-taro',
      source: 'manual',
    },
    at,
  );
  await createContact(
    db,
    { name: 'Zoë', emails: [], linkedinUrl: 'https://www.linkedin.com/in/zoe', source: 'manual' },
    at,
  );
}

interface Summary {
  name: string;
  emails: { address: string }[];
  company: string | null;
  title: string | null;
  linkedinUrl: string | null;
  referredBy: number | null;
}

async function people(db: Db) {
  const { contacts } = JSON.parse(await exportContacts(db, 'json')) as { contacts: Summary[] };
  return contacts.map((c) => ({
    name: c.name,
    emails: c.emails.map((e) => e.address),
    company: c.company,
    title: c.title,
    linkedinUrl: c.linkedinUrl,
    referredBy: c.referredBy,
  }));
}

describe('CSV export', () => {
  it('writes one row per contact that csv-parse reads back', async () => {
    const db = await openDb();
    await seedAwkward(db);
    const csv = await exportContacts(db, 'csv');
    const rows = parseCsv(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      id: '1',
      name: 'Ana "Nana" Souza',
      emails: 'ana@example.com;ana2@example.com',
      deadEmails: '',
      company: 'Acme, Inc.',
      title: 'Data; engineer',
      linkedinUrl: 'https://www.linkedin.com/in/ana',
      source: 'manual',
      stage: 'prospect',
      referredById: '',
      referredByEmail: '',
      cadenceDays: '',
    });
    expect(rows[1]).toMatchObject({
      title: 'Director,\nPlatform',
      referredById: '1',
      referredByEmail: 'ana@example.com',
    });
  });

  it('round-trips through kith import csv, referrals included', async () => {
    const db = await openDb();
    await seedAwkward(db);
    const fresh = await openDb();
    const report = await importText(
      fresh,
      'csv',
      await exportContacts(db, 'csv'),
      new Date(T(9, 0)),
    );
    expect(report).toEqual({ created: 4, merged: 0, errors: [] });
    const expected = (await people(db)).map((p) => ({
      ...p,
      title: p.title?.replace(/\s+/g, ' ') ?? null,
    }));
    expect(await people(fresh)).toEqual(expected);
  });

  it('defuses cells a spreadsheet would run as formulas', async () => {
    const db = await openDb();
    await createContact(
      db,
      { name: '=HYPERLINK("http://evil.example","x")', source: 'manual' },
      T(1, 0),
    );
    const rows = parseCsv(await exportContacts(db, 'csv'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows[0]?.name).toBe('\'=HYPERLINK("http://evil.example","x")');
  });
});

describe('vCard export', () => {
  it('writes one vCard 4.0 per contact with FN, N, EMAIL, ORG, TITLE, URL and NOTE', async () => {
    const db = await openDb();
    await seedAwkward(db);
    const vcf = await exportContacts(db, 'vcard');
    for (const line of vcf.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(vcf.split('\r\n').filter((l) => l === 'BEGIN:VCARD')).toHaveLength(4);
    const cards = (ICAL.parse(vcf) as unknown[]).map(
      (jcard) => new ICAL.Component(jcard as unknown[]),
    );
    const [ana, jose, taro, zoe] = cards;
    expect(ana?.getFirstPropertyValue('version')).toBe('4.0');
    expect(ana?.getFirstPropertyValue('fn')).toBe('Ana "Nana" Souza');
    expect(ana?.getFirstProperty('n')?.getFirstValue()).toEqual([
      'Souza',
      'Ana "Nana"',
      '',
      '',
      '',
    ]);
    expect(
      ana?.getAllProperties('email').map((p) => [p.getFirstValue(), p.getParameter('pref')]),
    ).toEqual([
      ['ana@example.com', '1'],
      ['ana2@example.com', undefined],
    ]);
    expect(ana?.getFirstPropertyValue('org')).toBe('Acme, Inc.');
    expect(ana?.getFirstPropertyValue('title')).toBe('Data; engineer');
    expect(ana?.getFirstPropertyValue('url')).toBe('https://www.linkedin.com/in/ana');
    expect(ana?.getFirstPropertyValue('note')).toBe('kith stage: prospect');
    expect(jose?.getFirstPropertyValue('org')).toBe('Globex; Sucursal\\Sur');
    expect(jose?.getFirstPropertyValue('title')).toBe('Director,\nPlatform');
    expect(taro?.getFirstPropertyValue('fn')).toBe('山田 太郎'.repeat(6));
    expect(taro?.getFirstProperty('n')?.getFirstValue()).toEqual([
      '山田',
      '太郎山田 太郎山田 太郎山田 太郎山田 太郎山田 太郎',
      '',
      '',
      '',
    ]);
    // A contact without a name still needs an FN (RFC 6350 requires one).
    expect(zoe?.getFirstPropertyValue('fn')).toBe('Zoë');
  });

  it('re-imports into a fresh database as the same people', async () => {
    const db = await openDb();
    await seedAwkward(db);
    const fresh = await openDb();
    const report = await importText(
      fresh,
      'vcard',
      await exportContacts(db, 'vcard'),
      new Date(T(9, 0)),
    );
    expect(report).toEqual({ created: 4, merged: 0, errors: [] });
    // vCard has no referrals, and import tidies line breaks inside a title.
    const expected = (await people(db)).map((p) => ({
      ...p,
      referredBy: null,
      title: p.title?.replace(/\s+/g, ' ') ?? null,
    }));
    expect(await people(fresh)).toEqual(expected);
  });
});
