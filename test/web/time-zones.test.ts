import ICAL from 'ical.js';
import { describe, expect, test } from 'vitest';
import { buildFeed } from '../../src/web/calendar-feed.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, postForm } from './harness.js';
import { seedContact, seedMeeting } from './seed.js';

const tempDir = useTempDir();

async function setZone(web: Awaited<ReturnType<typeof makeWeb>>, id: number, zone: string) {
  await web.db
    .updateTable('contacts')
    .set({ time_zone: zone, time_zone_source: 'invite' })
    .where('id', '=', id)
    .execute();
}

describe("the contact's time zone on the web", () => {
  test('shown with where it came from; editable; a mistyped zone comes back as typed with the reason', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, {
      name: 'Priya Raman',
      email: 'priya@example.com',
      stage: 'scheduled',
    });
    const auth = await login(web);
    let page = await (await get(web, auth, `/contacts/${id}`)).text();
    expect(page).toContain('Not known yet: kith learns it from their mail and invitations.');

    await setZone(web, id, 'America/Los_Angeles');
    page = await (await get(web, auth, `/contacts/${id}`)).text();
    expect(page).toContain('name="time_zone" value="America/Los_Angeles"');
    expect(page).toContain('from their calendar invitation; their clock now:');

    const refused = await postForm(web, auth, `/contacts/${id}`, {
      name: 'Priya Raman',
      time_zone: 'Pacific/Atlantis',
      company: 'Typed Co',
    });
    expect(refused.status).toBe(400);
    const shown = await refused.text();
    expect(shown).toContain(
      '&quot;Pacific/Atlantis&quot; is not a time zone name: use one like Europe/Berlin or America/Los_Angeles.',
    );
    expect(shown).toContain('name="time_zone" value="Pacific/Atlantis"');
    expect(shown).toContain('name="company" value="Typed Co"');
    const unchanged = await web.db
      .selectFrom('contacts')
      .select(['time_zone', 'company'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ time_zone: 'America/Los_Angeles', company: null });

    const saved = await postForm(web, auth, `/contacts/${id}`, {
      name: 'Priya Raman',
      time_zone: ' Asia/Kolkata ',
    });
    expect(saved.status).toBe(303);
    const row = await web.db
      .selectFrom('contacts')
      .select(['time_zone', 'time_zone_source'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ time_zone: 'Asia/Kolkata', time_zone_source: 'owner' });
  });

  test('board, meetings page and contact page give both clocks; the feed carries TZID with its VTIMEZONE', async () => {
    // The owner is in Berlin (the harness default); Priya in Los Angeles.
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, {
      name: 'Priya Raman',
      email: 'priya@example.com',
      stage: 'scheduled',
    });
    await setZone(web, id, 'America/Los_Angeles');
    await seedMeeting(web.db, { contactId: id, startsAt: '2026-12-03T22:00:00.000Z' });
    await web.db
      .updateTable('meetings')
      .set({ time_zone: 'America/Los_Angeles' })
      .where('contact_id', '=', id)
      .execute();
    const clocks = "Thu 3 Dec 2026, 23:00 your time (14:00 in Los Angeles, Priya's time)";
    const auth = await login(web);
    for (const path of ['/', '/meetings', `/contacts/${id}`]) {
      const page = await (await get(web, auth, path)).text();
      expect(page, path).toContain(clocks.replace("'", '&#39;'));
    }

    await postForm(web, auth, '/calendar-link/renew', {});
    const meetings = await (await get(web, auth, '/meetings')).text();
    const feedUrl = /id="feed-url" readonly value="([^"]+)"/.exec(meetings)?.[1] ?? '';
    const text = await (await web.app.request(feedUrl)).text();
    expect(text).toContain('DTSTART;TZID=America/Los_Angeles:20261203T140000');
    expect(text).toContain('DTEND;TZID=America/Los_Angeles:20261203T143000');
    const calendar = new ICAL.Component(ICAL.parse(text));
    const zone = calendar.getFirstSubcomponent('vtimezone');
    expect(zone?.getFirstPropertyValue('tzid')).toBe('America/Los_Angeles');
    // The clocks went back on 1 November 2026: 01:00 PST after 02:00 PDT.
    const standard = zone
      ?.getAllSubcomponents('standard')
      .map((s) => `${s.getFirstPropertyValue('dtstart')} ${s.getFirstPropertyValue('tzoffsetto')}`);
    expect(standard).toContain('2026-11-01T02:00:00 -08:00');
    // ical.js, given the VTIMEZONE, reads the same instant back.
    ICAL.TimezoneService.register(zone as ICAL.Component);
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent') as ICAL.Component);
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-03T22:00:00.000Z');
  });
});

describe('the calendar feed across zones', () => {
  test.each([
    ['Australia/Sydney', '2026-03-10T23:00:00.000Z', '20260311T100000'],
    ['America/St_Johns', '2026-03-26T14:00:00.000Z', '20260326T113000'],
    ['Asia/Kolkata', '2026-11-05T12:30:00.000Z', '20261105T180000'],
  ])('a meeting in %s reads back at its instant', (zone, start, local) => {
    const end = new Date(Date.parse(start) + 30 * 60_000).toISOString();
    const row = {
      id: 1,
      contact_id: 1,
      starts_at: start,
      ends_at: end,
      time_zone: zone,
      mode: 'video',
      location: null,
      status: 'confirmed' as const,
      ical_uid: null,
      ical_sequence: null,
      proposed_by: null,
      source_message_id: null,
      created_at: start,
      updated_at: start,
      contact_name: 'Kim',
      contact_company: null,
      contact_time_zone: zone,
    };
    const text = buildFeed(
      [row as Parameters<typeof buildFeed>[0][number]],
      new Date(start),
      'kith.test',
    );
    expect(text).toContain(`DTSTART;TZID=${zone}:${local}`);
    const calendar = new ICAL.Component(ICAL.parse(text));
    const vtimezone = calendar.getFirstSubcomponent('vtimezone') as ICAL.Component;
    ICAL.TimezoneService.register(vtimezone);
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent') as ICAL.Component);
    expect(event.startDate.toJSDate().toISOString()).toBe(start);
    expect(event.endDate.toJSDate().toISOString()).toBe(end);
  });
});
