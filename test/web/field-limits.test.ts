import { describe, expect, test } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { login, makeWeb, postForm } from './harness.js';
import { seedContact } from './seed.js';

const tempDir = useTempDir();
const ORIGIN = 'http://kith.test';

// Every length limit lives in the actions (src/web/field-limits.ts): the JSON
// API refuses what the pages refuse, with the same words.
describe('one length limit per field, for pages and the API alike', () => {
  test('a name over 200 characters', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com' });
    const auth = await login(web);
    const api = (method: string, path: string, body: unknown) =>
      web.app.request(`${ORIGIN}/api${path}`, {
        method,
        body: JSON.stringify(body),
        headers: {
          'content-type': 'application/json',
          cookie: auth.cookie,
          'x-csrf-token': auth.csrf,
        },
      });
    const words = 'The name is too long (at most 200 characters).';
    const long = 'x'.repeat(2_500);

    const page = await postForm(web, auth, `/contacts/${id}`, { name: long });
    expect(await page.text()).toContain(words);
    for (const res of [
      await api('PATCH', `/contacts/${id}`, { name: long }),
      await api('POST', '/contacts', { name: long }),
    ]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: words });
    }
    const contact = await web.db
      .selectFrom('contacts')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(contact.name).toBe('Ana');
  });

  test('more than 20 addresses at once', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const addresses = Array.from({ length: 21 }, (_, i) => `p${i}@example.com`);
    const res = await web.app.request(`${ORIGIN}/api/contacts`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Many', addresses }),
      headers: {
        'content-type': 'application/json',
        cookie: auth.cookie,
        'x-csrf-token': auth.csrf,
      },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'At most 20 addresses at once.' });
  });
});
