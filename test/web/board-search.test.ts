import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb } from './harness.js';
import { seedContact } from './seed.js';

/** The board's search box: cards filtered by name, company or address, on the server. */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const cardNames = (page: string) =>
  [...page.matchAll(/<div class="name"><a href="\/contacts\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);

describe('board search', () => {
  it('finds cards by name, company or address, counts only those, and can show all again', async () => {
    const web = await makeWeb(tempDir());
    cleanups.push(() => web.db.destroy());
    const auth = await login(web);
    await seedContact(web.db, { name: 'Ana Souza', email: 'ana@zeta.example', company: 'Zeta' });
    await seedContact(web.db, {
      name: 'Ben Alt',
      email: 'ben@acme.example',
      company: 'Acme',
      stage: 'met',
    });
    await seedContact(web.db, { name: 'Cara 100%', email: 'cara@home.example' });

    const all = await (await get(web, auth, '/')).text();
    expect(cardNames(all).sort()).toEqual(['Ana Souza', 'Ben Alt', 'Cara 100%']);
    expect(all).toContain('<form method="get" action="/" class="panel form-grid" role="search">');
    expect(all).not.toContain('Show every card');

    const byCompany = await (await get(web, auth, '/?q=acme')).text();
    expect(cardNames(byCompany)).toEqual(['Ben Alt']);
    expect(byCompany).toContain('1 contact match “acme”');
    expect(byCompany).toContain('value="acme"');
    expect(byCompany).toContain('<a href="/">Show every card</a>');
    // An empty result is no "nobody on the board yet".
    const none = await (await get(web, auth, '/?q=nobody')).text();
    expect(cardNames(none)).toEqual([]);
    expect(none).toContain('0 contacts match “nobody”');
    expect(none).not.toContain('Nobody on the board yet');

    expect(cardNames(await (await get(web, auth, '/?q=SOUZA')).text())).toEqual(['Ana Souza']);
    expect(cardNames(await (await get(web, auth, '/?q=home.example')).text())).toEqual([
      'Cara 100%',
    ]);
    // % is a character, not a wildcard.
    expect(cardNames(await (await get(web, auth, '/?q=0%25')).text())).toEqual(['Cara 100%']);
    // A cached board for one search is not served for another.
    expect(cardNames(await (await get(web, auth, '/?q=acme')).text())).toEqual(['Ben Alt']);
    expect(cardNames(await (await get(web, auth, '/')).text())).toHaveLength(3);
  });
});
