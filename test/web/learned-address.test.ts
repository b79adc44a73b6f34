import { describe, expect, test } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb } from './harness.js';
import { seedContact } from './seed.js';

const tempDir = useTempDir();

describe('a learned address on the contact page', () => {
  test('shows the address with why kith added it, and the history row says so without a move', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, {
      name: 'Sam Lee',
      email: 'sam@corp.example',
      stage: 'replied',
    });
    const cause = 'address sam.lee@home.example learned: reply in the thread as "Sam L."';
    await web.db
      .insertInto('contact_emails')
      .values({
        contact_id: id,
        address: 'sam.lee@home.example',
        is_primary: 0,
        learned_cause: cause,
        learned_at: '2026-11-30T09:00:00.000Z',
      })
      .execute();
    await web.db
      .insertInto('stage_history')
      .values({
        contact_id: id,
        from_stage: 'replied',
        to_stage: 'replied',
        at: '2026-11-30T09:00:00.000Z',
        cause,
        manual: 0,
        source_message_id: 'r1@home.example',
      })
      .execute();
    const auth = await login(web);
    const page = await (await get(web, auth, `/contacts/${id}`)).text();
    expect(page).toContain('<a href="mailto:sam.lee@home.example">sam.lee@home.example</a>');
    expect(page).toContain(
      'added Mon, 30 Nov 2026, 10:00: address sam.lee@home.example learned: reply in the thread as &quot;Sam L.&quot;',
    );
    const api = await get(web, auth, `/api/contacts/${id}`);
    expect(((await api.json()) as { emails: unknown[] }).emails).toEqual([
      {
        address: 'sam@corp.example',
        primary: true,
        deadAt: null,
        learnedCause: null,
        deadReason: null,
      },
      {
        address: 'sam.lee@home.example',
        primary: false,
        deadAt: null,
        learnedCause: cause,
        deadReason: null,
      },
    ]);
    expect(page).toMatch(
      /<td[^>]*><span class="muted small">no move<\/span><\/td><td[^>]*>address sam\.lee@home\.example learned/,
    );
  });
});
