import { describe, expect, test } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, postForm, type TestWeb } from './harness.js';
import { seedContact, seedDraft } from './seed.js';

const tempDir = useTempDir();

/** The due line on a contact's board card, or '' when the card has none. */
async function dueLineOf(web: TestWeb, auth: { cookie: string; csrf: string }, id: number) {
  const board = await (await get(web, auth, '/')).text();
  const start = board.indexOf(`data-contact="${id}"`);
  const card = board.slice(start, board.indexOf('</li>', start));
  return /<div class="due[^"]*">(.*?)<\/div>/s.exec(card)?.[1]?.replace(/<[^>]+>/g, '') ?? '';
}

describe('board next-action lines come from the scheduler’s planner', () => {
  test('a skipped follow-up moves the next one on; a manual move ends the promise', async () => {
    // Contacted 11 days ago; the first follow-up was drafted on day 7 and waits.
    const web = await makeWeb(tempDir(), { now: new Date('2026-12-01T10:00:00.000Z') });
    const id = await seedContact(web.db, {
      name: 'Noah Becker',
      email: 'noah@example.com',
      stage: 'contacted',
      at: '2026-11-20T10:00:00.000Z',
    });
    const draft = await seedDraft(web.db, {
      contactId: id,
      to: 'noah@example.com',
      kind: 'follow_up',
      subject: 'Following up',
      body: 'Just checking in.',
      at: '2026-11-27T10:00:00.000Z',
    });
    const auth = await login(web);
    expect(await dueLineOf(web, auth, id)).toBe('Draft to approve');

    const skipped = await postForm(web, auth, `/drafts/${draft}`, { action: 'skip' });
    expect(skipped.status).toBe(303);
    // The old estimate counted from the outreach: "Follow-up due 4 days ago".
    expect(await dueLineOf(web, auth, id)).toBe('Follow-up due in 7 days');

    web.clock.now = new Date('2026-12-01T10:05:00.000Z');
    await postForm(web, auth, '/board/move', { id: String(id), to: 'replied' });
    expect(await dueLineOf(web, auth, id)).toBe('');
  });

  test('a thanked contact’s keep-in-touch date is the planner’s', async () => {
    const web = await makeWeb(tempDir(), { now: new Date('2026-12-01T10:00:00.000Z') });
    const id = await seedContact(web.db, {
      name: 'Ana',
      email: 'ana@example.com',
      stage: 'thanked',
      at: '2026-11-21T10:00:00.000Z',
    });
    const auth = await login(web);
    // 90 days (the default) after the stage change.
    expect(await dueLineOf(web, auth, id)).toBe('Keep in touch in 80 days');
  });
});
