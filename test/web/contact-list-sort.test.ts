import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb } from './harness.js';
import { seedContact, seedDraft, seedMessage } from './seed.js';

/** The contact list: sortable columns, last contact and next action. */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const web = await makeWeb(tempDir());
  cleanups.push(() => web.db.destroy());
  const auth = await login(web);
  const db = web.db;
  const ana = await seedContact(db, {
    name: 'Ana Souza',
    email: 'ana@zeta.example',
    company: 'Zeta',
    stage: 'contacted',
    // Contacted a week ago less a few days: the follow-up is still ahead.
    at: '2026-11-27T09:00:00.000Z',
  });
  await seedMessage(db, {
    contactId: ana,
    direction: 'out',
    kind: 'outreach',
    subject: 'Hello',
    text: 'Hi Ana',
    date: '2026-11-20T09:00:00.000Z',
  });
  // The owner's note to kith is no contact with Ana.
  await seedMessage(db, {
    contactId: ana,
    direction: 'out',
    kind: 'owner_note',
    subject: 'Re: Ana',
    text: 'note',
    date: '2026-11-29T09:00:00.000Z',
  });
  const ben = await seedContact(db, {
    name: 'Ben Alt',
    email: 'ben@acme.example',
    company: 'Acme',
    stage: 'met',
    at: '2026-11-22T09:00:00.000Z',
  });
  await seedMessage(db, {
    contactId: ben,
    direction: 'in',
    kind: 'reply',
    subject: 'Re: Hello',
    text: 'Sure',
    date: '2026-11-25T15:00:00.000Z',
  });
  await seedDraft(db, {
    contactId: ben,
    to: 'ben@acme.example',
    subject: 'Thanks',
    body: 'Thank you',
  });
  await seedContact(db, {
    name: 'Cara Diaz',
    email: 'cara@home.example',
    at: '2026-11-28T09:00:00.000Z',
  });
  return { web, auth };
}

type S = Awaited<ReturnType<typeof setup>>;

async function order(s: S, query: string): Promise<{ names: string[]; page: string }> {
  const res = await get(s.web, s.auth, `/contacts${query}`);
  expect(res.status).toBe(200);
  const page = await res.text();
  const body = page.slice(page.indexOf('<tbody>'), page.indexOf('</tbody>'));
  const names = [...body.matchAll(/<tr><td><a href="\/contacts\/\d+">([^<]+)<\/a>/g)].map(
    (m) => m[1] ?? '',
  );
  return { names, page };
}

describe('contact list', () => {
  it('shows last contact (human mail either way) and next action (as the board says it)', async () => {
    const s = await setup();
    const { page } = await order(s, '?sort=name');
    const rowOf = (name: string) => {
      const start = page.indexOf(`>${name}</a>`);
      return page.slice(start, page.indexOf('</tr>', start));
    };
    expect(rowOf('Ana Souza')).toContain(
      'data-label="Last contact"><time datetime="2026-11-20T09:00:00.000Z"',
    );
    expect(rowOf('Ana Souza')).toContain('Follow-up due');
    expect(rowOf('Ben Alt')).toContain('datetime="2026-11-25T15:00:00.000Z"');
    expect(rowOf('Ben Alt')).toContain('Draft to approve');
    expect(rowOf('Cara Diaz')).toContain('none yet');
    expect(rowOf('Cara Diaz')).toContain('nothing planned');
    for (const label of ['Company', 'Stage', 'Last contact', 'Next action', 'Days in stage'])
      expect(page).toContain(`data-label="${label}"`);
  });

  it('sorts by each column through links, and a second click reverses', async () => {
    const s = await setup();
    expect((await order(s, '')).names).toEqual(['Cara Diaz', 'Ana Souza', 'Ben Alt']);
    expect((await order(s, '?sort=name')).names).toEqual(['Ana Souza', 'Ben Alt', 'Cara Diaz']);
    expect((await order(s, '?sort=name&dir=desc')).names).toEqual([
      'Cara Diaz',
      'Ben Alt',
      'Ana Souza',
    ]);
    // Blanks last either way.
    expect((await order(s, '?sort=company')).names).toEqual(['Ben Alt', 'Ana Souza', 'Cara Diaz']);
    expect((await order(s, '?sort=company&dir=desc')).names).toEqual([
      'Ana Souza',
      'Ben Alt',
      'Cara Diaz',
    ]);
    // Along the journey, not by the alphabet.
    expect((await order(s, '?sort=stage')).names).toEqual(['Cara Diaz', 'Ana Souza', 'Ben Alt']);
    expect((await order(s, '?sort=last&dir=desc')).names).toEqual([
      'Ben Alt',
      'Ana Souza',
      'Cara Diaz',
    ]);
    expect((await order(s, '?sort=last')).names).toEqual(['Ana Souza', 'Ben Alt', 'Cara Diaz']);
    // The draft waits now, the follow-up is due in days; nothing planned comes last.
    expect((await order(s, '?sort=next')).names).toEqual(['Ben Alt', 'Ana Souza', 'Cara Diaz']);
    expect((await order(s, '?sort=next&dir=desc')).names).toEqual([
      'Ana Souza',
      'Ben Alt',
      'Cara Diaz',
    ]);
    // A change is seen at once, though the order is kept between requests.
    const cara = await s.web.db
      .selectFrom('contacts')
      .select('id')
      .where('name', '=', 'Cara Diaz')
      .executeTakeFirstOrThrow();
    await seedDraft(s.web.db, {
      contactId: cara.id,
      to: 'cara@home.example',
      subject: 'Hi',
      body: 'Hi',
    });
    expect((await order(s, '?sort=next')).names).toEqual(['Cara Diaz', 'Ben Alt', 'Ana Souza']);
    // Search and stage filters keep the order.
    expect((await order(s, '?sort=next&q=a&stage=met')).names).toEqual(['Ben Alt']);

    const { page } = await order(s, '?sort=name&q=a');
    expect(page).toContain(
      'aria-sort="ascending"><a href="/contacts?q=a&amp;sort=name&amp;dir=desc">Name ↑</a>',
    );
    expect(page).toContain('<a href="/contacts?q=a&amp;sort=last">Last contact</a>');
    // The same orders from the search form (a phone hides the column headings).
    expect(page).toContain('<option value="name" selected>Name</option>');
  });

  it('ignores an unknown sort', async () => {
    const s = await setup();
    expect((await order(s, '?sort=drop%20table')).names).toEqual([
      'Cara Diaz',
      'Ana Souza',
      'Ben Alt',
    ]);
  });
});
