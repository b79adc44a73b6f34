import { describe, expect, test } from 'vitest';
import { createLogger } from '../../src/log.js';
import { draftInvitation } from '../../src/outbox/invitations.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, postForm, type TestWeb } from './harness.js';
import { seedContact } from './seed.js';

const tempDir = useTempDir();
const ORIGIN = 'http://kith.test';

async function setup(now = new Date('2026-03-01T10:00:00.000Z')) {
  const web = await makeWeb(tempDir(), { now });
  const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com', stage: 'replied' });
  const auth = await login(web);
  return { web, id, auth };
}

async function meetings(web: TestWeb) {
  return web.db.selectFrom('meetings').selectAll().orderBy('id').execute();
}

describe('meetings by hand on the contact page', () => {
  test('a time the clocks skip is refused with both readings, and the form keeps what was typed', async () => {
    const { web, id, auth } = await setup();
    const res = await postForm(web, auth, `/contacts/${id}/meetings`, {
      start: '2026-03-29T02:30',
      minutes: '45',
      timeZone: 'Europe/Berlin',
      mode: 'phone',
      location: '+49 30 000000',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(
      '02:30 on 29 March 2026 does not exist in Europe/Berlin (the clocks skip it): did you mean 01:30 or 03:30?',
    );
    // What was typed is still there, in the form that is open again.
    expect(page).toContain('<details open><summary>Add a meeting by hand</summary>');
    expect(page).toMatch(
      /id="new-start" name="start" type="datetime-local" required value="2026-03-29T02:30"/,
    );
    expect(page).toMatch(/id="new-minutes"[^>]*value="45"/);
    expect(page).toContain('<option value="phone" selected>');
    expect(page).toContain('value="+49 30 000000"');
    expect(await meetings(web)).toEqual([]);
  });

  test('a time that happens twice asks which one, and the choice is stored as chosen', async () => {
    const { web, id, auth } = await setup(new Date('2026-10-01T10:00:00.000Z'));
    const fields = {
      start: '2026-10-25T02:30',
      minutes: '30',
      timeZone: 'Europe/Berlin',
      mode: 'video',
    };
    const asked = await postForm(web, auth, `/contacts/${id}/meetings`, fields);
    expect(asked.status).toBe(400);
    const page = await asked.text();
    expect(page).toContain('02:30 CEST (UTC+2) or 02:30 CET (UTC+1)? Choose one.');
    expect(page).toContain(
      '<input type="radio" name="offsetMinutes" value="120" required autofocus> 02:30 CEST (UTC+2)',
    );
    expect(page).toContain(
      '<input type="radio" name="offsetMinutes" value="60" required> 02:30 CET (UTC+1)',
    );
    expect(await meetings(web)).toEqual([]);

    const chosen = await postForm(web, auth, `/contacts/${id}/meetings`, {
      ...fields,
      offsetMinutes: '60',
    });
    expect(chosen.status).toBe(303);
    expect(await meetings(web)).toMatchObject([
      { starts_at: '2026-10-25T01:30:00.000Z', time_zone: 'Europe/Berlin' },
    ]);
  });

  test('the zone is picked from the IANA list, the owner’s and the contact’s first; a bad one keeps the form', async () => {
    const { web, id, auth } = await setup();
    await postForm(web, auth, `/contacts/${id}/meetings`, {
      start: '2026-03-10T09:00',
      minutes: '30',
      timeZone: 'America/Los_Angeles',
    });
    const page = await (await get(web, auth, `/contacts/${id}`)).text();
    const select =
      /<select id="new-tz" name="timeZone" required>(.*?)<\/select>/s.exec(page)?.[1] ?? '';
    const firsts = /<optgroup label="Yours and theirs">(.*?)<\/optgroup>/s.exec(select)?.[1] ?? '';
    expect([...firsts.matchAll(/value="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'Europe/Berlin',
      'America/Los_Angeles',
    ]);
    expect(select).toContain('<option value="Asia/Kolkata">Asia/Kolkata</option>');
    expect(select).toContain('<option value="America/St_Johns">America/St Johns</option>');
    // A new meeting for her starts in her zone.
    expect(firsts).toContain('<option value="America/Los_Angeles" selected>');

    const refused = await postForm(web, auth, `/contacts/${id}/meetings`, {
      start: '2026-03-12T09:00',
      minutes: '30',
      timeZone: 'Mars/Olympus',
      location: 'https://meet.example/abc',
    });
    expect(refused.status).toBe(400);
    const again = await refused.text();
    expect(again).toContain(
      '&quot;Mars/Olympus&quot; is not a time zone; choose one from the list.',
    );
    expect(again).toContain('value="2026-03-12T09:00"');
    expect(again).toContain('value="https://meet.example/abc"');
  });

  test('the contact’s remembered zone is offered beside the owner’s', async () => {
    const { web, id, auth } = await setup();
    await web.db
      .updateTable('contacts')
      .set({ time_zone: 'Asia/Tokyo' })
      .where('id', '=', id)
      .execute();
    const page = await (await get(web, auth, `/contacts/${id}`)).text();
    const firsts =
      /<select id="new-tz"[^>]*><optgroup label="Yours and theirs">(.*?)<\/optgroup>/s.exec(
        page,
      )?.[1] ?? '';
    expect([...firsts.matchAll(/value="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'Europe/Berlin',
      'Asia/Tokyo',
    ]);
  });

  test('a meeting dated in the past is asked about, then stored once confirmed', async () => {
    const { web, id, auth } = await setup();
    const fields = { start: '2026-02-27T15:00', minutes: '30', timeZone: 'Europe/Berlin' };
    const asked = await postForm(web, auth, `/contacts/${id}/meetings`, fields);
    expect(asked.status).toBe(400);
    const page = await asked.text();
    expect(page).toContain('15:00 on 27 February 2026 is in the past.');
    expect(page).toContain('name="pastConfirmed" value="on"');
    expect(await meetings(web)).toEqual([]);

    const confirmed = await postForm(web, auth, `/contacts/${id}/meetings`, {
      ...fields,
      pastConfirmed: 'on',
    });
    expect(confirmed.status).toBe(303);
    expect(await meetings(web)).toMatchObject([{ starts_at: '2026-02-27T14:00:00.000Z' }]);

    // Changing only its place keeps the past start without asking again.
    const [meeting] = await meetings(web);
    const edited = await postForm(web, auth, `/meetings/${meeting?.id}`, {
      ...fields,
      location: 'Café Einstein',
    });
    expect(edited.status).toBe(303);
  });
});

describe('meetings by hand through the JSON API', () => {
  test('refuses a skipped or repeated time with the readings, and takes the chosen one', async () => {
    const { web, id, auth } = await setup(new Date('2026-10-01T10:00:00.000Z'));
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await web.app.request(`${ORIGIN}/api${path}`, {
        method,
        headers: {
          cookie: auth.cookie,
          'content-type': 'application/json',
          'x-csrf-token': auth.csrf,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const twice = await api('POST', `/contacts/${id}/meetings`, {
      start: '2026-11-01T01:30',
      timeZone: 'America/New_York',
    });
    expect(twice).toEqual({
      status: 400,
      json: {
        error:
          '01:30 on 1 November 2026 happens twice in America/New_York (the clocks go back): 01:30 EDT (UTC-4) or 01:30 EST (UTC-5)? Choose one.',
        choices: [
          { offsetMinutes: -240, label: '01:30 EDT (UTC-4)' },
          { offsetMinutes: -300, label: '01:30 EST (UTC-5)' },
        ],
        retryWith: 'offsetMinutes',
      },
    });
    const missing = await api('POST', `/contacts/${id}/meetings`, {
      start: '2027-03-14T02:15',
      timeZone: 'America/New_York',
    });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ suggestions: ['01:15', '03:15'] });
    const past = await api('POST', `/contacts/${id}/meetings`, {
      start: '2026-09-30T09:00',
      timeZone: 'Asia/Kolkata',
    });
    expect(past.json).toMatchObject({ retryWith: 'pastConfirmed' });
    expect(await meetings(web)).toEqual([]);

    const made = await api('POST', `/contacts/${id}/meetings`, {
      start: '2026-11-01T01:30',
      timeZone: 'America/New_York',
      offsetMinutes: -300,
    });
    expect(made.status).toBe(201);
    expect(await meetings(web)).toMatchObject([{ starts_at: '2026-11-01T06:30:00.000Z' }]);
  });
});

describe('a meeting with a calendar invitation, changed on the web', () => {
  test('moving it drafts the update, cancelling it the CANCEL; the answer shows on the meeting', async () => {
    const { web, id, auth } = await setup(new Date('2026-12-01T10:00:00.000Z'));
    const meeting = await web.db
      .insertInto('meetings')
      .values({
        contact_id: id,
        starts_at: '2026-12-10T14:00:00.000Z',
        ends_at: '2026-12-10T14:30:00.000Z',
        time_zone: 'Europe/Berlin',
        mode: 'video',
        location: 'https://meet.example/ana',
        status: 'confirmed',
        ical_uid: null,
        ical_sequence: null,
        proposed_by: 'contact',
        source_message_id: 'agreed@example.com',
        created_at: '2026-12-01T09:00:00.000Z',
        updated_at: '2026-12-01T09:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await draftInvitation(
      { db: web.db, config: web.config, logger: createLogger({ secrets: [], quiet: true }) },
      meeting.id,
      '2026-12-01T10:00:00.000Z',
    );
    // As if the owner approved it and it left.
    await web.db
      .updateTable('outbox')
      .set({ state: 'sent' })
      .where('kind', '=', 'invitation')
      .execute();
    await web.db
      .updateTable('meetings')
      .set({ attendee_answer: 'ACCEPTED', attendee_answer_at: '2026-12-01T11:00:00.000Z' })
      .execute();
    expect(await (await get(web, auth, `/contacts/${id}`)).text()).toContain(
      'they accepted the invitation',
    );

    const moved = await postForm(web, auth, `/meetings/${meeting.id}`, {
      start: '2026-12-11T16:00',
      minutes: '30',
      timeZone: 'Europe/Berlin',
      mode: 'video',
      location: 'https://meet.example/ana',
    });
    expect(moved.status).toBe(303);
    expect(
      (await postForm(web, auth, `/meetings/${meeting.id}/cancel`, { confirm: 'yes' })).status,
    ).toBe(303);
    const rows = await web.db
      .selectFrom('outbox')
      .select(['kind', 'state', 'calendar_ics'])
      .where('audience', '=', 'contact')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.kind, r.state])).toEqual([
      ['invitation', 'sent'],
      ['invitation_update', 'skipped'],
      ['invitation_cancel', 'awaiting_approval'],
    ]);
    expect(rows[1]?.calendar_ics).toMatch(/SEQUENCE:1\r\n/);
    expect(rows[1]?.calendar_ics).toContain('DTSTART;TZID=Europe/Berlin:20261211T160000');
    expect(rows[2]?.calendar_ics).toMatch(/METHOD:CANCEL\r\n[\s\S]*SEQUENCE:2\r\n/);
  });
});
