import { describe, expect, test } from 'vitest';
import { planDueJobs } from '../../src/pipeline/schedule.js';
import { scheduleSettings } from '../../src/scheduler/settings.js';
import { loadSnapshot } from '../../src/scheduler/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, postForm, type TestWeb } from './harness.js';
import { seedContact, seedDraft, seedMeeting } from './seed.js';

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

/** What a tick covering (since, now] would plan, from the scheduler's own loader and planner. */
async function planned(web: TestWeb, since: string, now: string) {
  const settings = scheduleSettings(web.config);
  const clock = { since, now };
  const jobs = planDueJobs(await loadSnapshot(web.db, clock, settings), clock, settings);
  return jobs
    .filter((j) => j.drop === null)
    .map((j) => `${j.kind} ${j.subjectKey} ${j.occurrence}`);
}

async function stageOf(web: TestWeb, id: number) {
  return (
    await web.db
      .selectFrom('contacts')
      .select('stage')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).stage;
}

describe('a move past a meeting that has not happened', () => {
  test('asks first, and once confirmed tells the referrer only after the meeting', async () => {
    const web = await makeWeb(tempDir(), { now: new Date('2026-12-01T10:00:00.000Z') });
    const rita = await seedContact(web.db, {
      name: 'Rita Referrer',
      email: 'rita@example.com',
      stage: 'thanked',
    });
    const noah = await seedContact(web.db, {
      name: 'Noah Becker',
      email: 'noah@example.com',
      stage: 'scheduled',
      referredById: rita,
    });
    await seedMeeting(web.db, {
      contactId: noah,
      startsAt: '2026-12-02T14:00:00.000Z',
      minutes: 30,
    });
    const auth = await login(web);

    const asked = await postForm(web, auth, '/board/move', {
      id: String(noah),
      to: 'met',
      reason: '',
    });
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('Your meeting with Noah Becker is on');
    expect(question).toContain('Move to Met anyway?');
    expect(question).toContain('name="confirm" value="yes"');
    expect(await stageOf(web, noah)).toBe('scheduled');

    // The contact page asks the same.
    const fromPage = await postForm(web, auth, `/contacts/${noah}/stage`, { to: 'met' });
    expect(fromPage.status).toBe(200);
    expect(await fromPage.text()).toContain('Move to Met anyway?');
    expect(await stageOf(web, noah)).toBe('scheduled');

    const confirmed = await postForm(web, auth, '/board/move', {
      id: String(noah),
      to: 'met',
      reason: '',
      confirm: 'yes',
    });
    expect(confirmed.status).toBe(303);
    expect(await stageOf(web, noah)).toBe('met');
    const last = await web.db
      .selectFrom('stage_history')
      .select('cause')
      .where('contact_id', '=', noah)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.cause).toBe('moved by hand before the meeting took place: no reason given');

    // The next ticks plan no "I met Noah Becker" to Rita before the meeting is over…
    const before = await planned(web, '2026-12-01T09:59:00.000Z', '2026-12-02T14:00:00.000Z');
    expect(before.filter((j) => j.startsWith('referrer_update'))).toEqual([]);
    // …and the meeting's own step tells her once it is.
    const after = await planned(web, '2026-12-02T14:00:00.000Z', '2026-12-02T16:00:00.000Z');
    expect(after).toContain(`referrer_update contact:${rita} referral:${noah}`);
  });
});

describe('undo the last move', () => {
  test('restores the stage and its clock, records the undo, and takes back what the move planned', async () => {
    const web = await makeWeb(tempDir(), { now: new Date('2026-12-01T10:00:00.000Z') });
    const rita = await seedContact(web.db, {
      name: 'Rita Referrer',
      email: 'rita@example.com',
      stage: 'thanked',
    });
    const ana = await seedContact(web.db, {
      name: 'Ana',
      email: 'ana@example.com',
      stage: 'contacted',
      referredById: rita,
      at: '2026-11-28T10:00:00.000Z',
    });
    const auth = await login(web);
    const moved = await postForm(web, auth, '/board/move', {
      id: String(ana),
      to: 'met',
      reason: 'coffee',
    });
    expect(moved.status).toBe(303);
    const location = moved.headers.get('location') ?? '';
    expect(location).toMatch(/^\/\?msg=moved&undo=\d+$/);
    const board = await (await get(web, auth, location)).text();
    expect(board).toContain('Undo this move');
    const moves = /name="moves" value="([0-9.]+)"/.exec(board)?.[1] ?? '';

    // What the move planned: a referrer update drafted and its job recorded by a tick.
    web.clock.now = new Date('2026-12-01T10:01:00.000Z');
    await web.db
      .insertInto('jobs')
      .values({
        kind: 'referrer_update',
        subject_key: `contact:${rita}`,
        occurrence: `referral:${ana}`,
        due_at: '2026-12-01T10:00:00.000Z',
        state: 'done',
        reason: null,
        ran_at: '2026-12-01T10:00:30.000Z',
      })
      .execute();
    const draft = await seedDraft(web.db, {
      contactId: rita,
      to: 'rita@example.com',
      kind: 'referrer_update',
      subject: 'I met Ana',
      body: 'Thank you for the introduction.',
      at: '2026-12-01T10:00:30.000Z',
    });

    const undone = await postForm(web, auth, '/board/undo', { moves, back: '/' });
    expect(undone.headers.get('location')).toBe('/?msg=move_undone');
    const contact = await web.db
      .selectFrom('contacts')
      .select(['stage', 'stage_changed_at'])
      .where('id', '=', ana)
      .executeTakeFirstOrThrow();
    // Back to contacted since the 28th: the follow-up clock runs as before.
    expect(contact).toEqual({ stage: 'contacted', stage_changed_at: '2026-11-28T10:00:00.000Z' });
    const history = await web.db
      .selectFrom('stage_history')
      .select(['from_stage', 'to_stage', 'cause'])
      .where('contact_id', '=', ana)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(history).toEqual({
      from_stage: 'met',
      to_stage: 'contacted',
      cause: 'undo: the move by hand to met is taken back',
    });
    expect(
      await web.db.selectFrom('outbox').select('id').where('id', '=', draft).execute(),
    ).toEqual([]);
    expect(await web.db.selectFrom('jobs').select('id').execute()).toEqual([]);
    expect(await dueLineOf(web, auth, ana)).toBe('Follow-up due in 4 days');

    // A second undo of the same move changes nothing.
    const again = await postForm(web, auth, '/board/undo', { moves, back: '/' });
    expect(again.headers.get('location')).toBe('/?msg=move_not_undone');
    expect(await stageOf(web, ana)).toBe('contacted');
  });
});

describe('the contact page', () => {
  test('lists the planner’s next step, and a move from it can be undone', async () => {
    const web = await makeWeb(tempDir(), { now: new Date('2026-12-01T10:00:00.000Z') });
    const id = await seedContact(web.db, {
      name: 'Ana',
      email: 'ana@example.com',
      stage: 'contacted',
      at: '2026-11-28T10:00:00.000Z',
    });
    const auth = await login(web);
    const before = await (await get(web, auth, `/contacts/${id}`)).text();
    expect(before).toMatch(/<li>Follow-up due in 4 days <span class="muted small">/);

    const moved = await postForm(web, auth, `/contacts/${id}/stage`, { to: 'replied' });
    const location = moved.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^/contacts/${id}\\?msg=moved&undo=\\d+$`));
    const after = await (await get(web, auth, location)).text();
    expect(after).not.toContain('Follow-up due');
    const moves = /name="moves" value="([0-9.]+)"/.exec(after)?.[1] ?? '';
    const undone = await postForm(web, auth, '/board/undo', { moves, back: `/contacts/${id}` });
    expect(undone.headers.get('location')).toBe(`/contacts/${id}?msg=move_undone`);
    expect(await stageOf(web, id)).toBe('contacted');
    const back = await (await get(web, auth, `/contacts/${id}`)).text();
    expect(back).toContain('Follow-up due in 4 days');
  });
});
