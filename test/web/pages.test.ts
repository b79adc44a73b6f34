import ICAL from 'ical.js';
import { describe, expect, test } from 'vitest';
import type { Service } from '../../src/service.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { get, login, makeWeb, postForm } from './harness.js';
import { seedContact, seedDraft, seedMeeting, seedMessage } from './seed.js';

const tempDir = useTempDir();
const ORIGIN = 'http://kith.test';

async function history(web: Awaited<ReturnType<typeof makeWeb>>, id: number) {
  return web.db
    .selectFrom('stage_history')
    .selectAll()
    .where('contact_id', '=', id)
    .orderBy('id')
    .execute();
}

describe('first run', () => {
  test('without KITH_OWNER_EMAIL every page shows a banner saying what to set', async () => {
    const web = await makeWeb(tempDir(), { env: { KITH_OWNER_EMAIL: '' } });
    const auth = await login(web);
    for (const path of ['/', '/drafts', '/numbers']) {
      const page = await (await get(web, auth, path)).text();
      expect(page).toContain('<div class="banner" role="note">');
      expect(page).toContain('Set <code>KITH_OWNER_EMAIL</code> in <code>.env</code>');
    }
    const configured = await makeWeb(tempDir());
    const page = await (await get(configured, await login(configured), '/')).text();
    expect(page).not.toContain('class="banner"');
  });
});

describe('board', () => {
  test('one column per stage with counts; cards show name, company, days and what is due', async () => {
    const web = await makeWeb(tempDir());
    const ana = await seedContact(web.db, {
      name: 'Ana Souza',
      email: 'ana@example.com',
      company: 'Acme',
      stage: 'contacted',
    });
    await seedContact(web.db, { name: 'Bo', email: 'bo@example.com', stage: 'contacted' });
    const cy = await seedContact(web.db, {
      name: 'Cy',
      email: 'cy@example.com',
      stage: 'scheduled',
    });
    await seedMeeting(web.db, { contactId: cy, startsAt: '2026-12-04T13:00:00.000Z' });
    await seedDraft(web.db, {
      contactId: ana,
      to: 'ana@example.com',
      subject: 'Following up',
      body: 'Hi',
    });
    const auth = await login(web);
    const page = await (await get(web, auth, '/')).text();
    const column = (stage: string) =>
      page.slice(
        page.indexOf(`data-stage="${stage}" aria-labelledby`),
        page.indexOf('</section>', page.indexOf(`data-stage="${stage}" aria-labelledby`)),
      );
    expect(column('contacted')).toContain('aria-label="2 contacts">2</span>');
    expect(column('scheduled')).toContain('aria-label="1 contact">1</span>');
    expect(column('prospect')).toContain('aria-label="0 contacts">0</span>');
    expect(column('contacted')).toContain('Ana Souza');
    expect(column('contacted')).toContain('Acme');
    expect(column('contacted')).toContain('30 days in stage');
    expect(column('contacted')).toContain('Draft to approve');
    expect(column('scheduled')).toMatch(/Meeting Fri 4 Dec 2026, 14:00 your time/);
  });

  test('moving cards records a manual move with the reason as its cause, one or several at once', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com' });
    const other = await seedContact(web.db, { name: 'Bo', email: 'bo@example.com' });
    const auth = await login(web);
    const before = await history(web, id);
    const res = await postForm(web, auth, '/board/move', {
      id: String(id),
      to: 'contacted',
      reason: 'wrote on LinkedIn',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/\?msg=moved&undo=\d+$/);
    const rows = await history(web, id);
    expect(rows.at(-1)).toMatchObject({
      from_stage: 'prospect',
      to_stage: 'contacted',
      manual: 1,
      cause: 'moved by hand: wrote on LinkedIn',
    });
    const board = await (await get(web, auth, '/?msg=moved')).text();
    expect(board).toContain('role="status">Moved.</p>');
    // The board shows the move at once (the cached page was invalidated by the write).
    const contacted = board.slice(board.indexOf('data-stage="contacted" aria-labelledby'));
    expect(contacted.slice(0, contacted.indexOf('</section>'))).toContain('>Ana</a>');
    expect(rows).toHaveLength(before.length + 1);

    // Several ticked cards in one post (the form sends id twice).
    const body = new URLSearchParams({ _csrf: auth.csrf, to: 'archived' });
    body.append('id', String(id));
    body.append('id', String(other));
    const both = await web.app.request(`${ORIGIN}/board/move`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: ORIGIN,
        cookie: auth.cookie,
      },
    });
    expect(both.status).toBe(303);
    const stages = await web.db
      .selectFrom('contacts')
      .select(['id', 'stage'])
      .orderBy('id')
      .execute();
    expect(stages).toEqual([
      { id, stage: 'archived' },
      { id: other, stage: 'archived' },
    ]);
    expect((await history(web, other)).at(-1)?.cause).toBe('moved by hand: no reason given');

    // Nothing ticked, or an unknown stage: nothing changes.
    expect((await postForm(web, auth, '/board/move', { to: 'met' })).headers.get('location')).toBe(
      '/?msg=choose_cards',
    );
    const count = (await history(web, id)).length;
    expect((await postForm(web, auth, '/board/move', { id: String(id), to: 'hired' })).status).toBe(
      400,
    );
    expect(await history(web, id)).toHaveLength(count);
  });
});

describe('contact page', () => {
  test('shows addresses (dead marked), referral chain both ways, timeline, meetings, notes, advice, drafts and history', async () => {
    const web = await makeWeb(tempDir());
    const root = await seedContact(web.db, { name: 'Root Person', email: 'root@example.com' });
    const mid = await seedContact(web.db, {
      name: 'Mid Person',
      email: 'mid@example.com',
      referredById: root,
      stage: 'met',
    });
    const leaf = await seedContact(web.db, {
      name: 'Leaf Person',
      email: 'leaf@example.com',
      referredById: mid,
    });
    await web.db
      .insertInto('contact_emails')
      .values({
        contact_id: mid,
        address: 'old@example.com',
        is_primary: 0,
        dead_at: '2026-11-10T10:00:00.000Z',
        dead_reason: '550 no such user',
      })
      .execute();
    await seedMessage(web.db, {
      contactId: mid,
      direction: 'in',
      kind: 'reply',
      subject: 'Re: coffee',
      text: 'Happy to talk.\nThursday works.',
      date: '2026-11-20T10:00:00.000Z',
    });
    await seedMeeting(web.db, {
      contactId: mid,
      startsAt: '2026-11-26T14:00:00.000Z',
      status: 'done',
    });
    await web.db
      .insertInto('advice')
      .values({
        contact_id: mid,
        meeting_id: null,
        body: 'Learn SQL well.',
        source_message_id: null,
        created_at: '2026-11-26T16:00:00.000Z',
      })
      .execute();
    await seedDraft(web.db, {
      contactId: mid,
      to: 'mid@example.com',
      subject: 'Thank you!',
      body: 'Thanks',
    });
    const auth = await login(web);
    const page = await (await get(web, auth, `/contacts/${mid}`)).text();
    expect(page).toContain('<h1>Mid Person</h1>');
    expect(page).toMatch(
      /<span class="dead">old@example.com<\/span> <strong>dead<\/strong>.*550 no such user/,
    );
    expect(page).toContain(`<a href="/contacts/${root}">Root Person</a>`);
    expect(page).toContain(`<a href="/contacts/${leaf}">Leaf Person</a>`);
    expect(page).toContain('<pre>Happy to talk.\nThursday works.</pre>');
    expect(page).toContain('Learn SQL well.');
    expect(page).toContain('Thank you!');
    expect(page).toContain('created (test)');
    expect(page).toMatch(/Thu 26 Nov 2026, 15:00 your time/);
  });

  test('add a note, edit details, add, change and cancel a meeting', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, {
      name: 'Ana',
      email: 'ana@example.com',
      stage: 'replied',
    });
    const auth = await login(web);

    expect(
      (await postForm(web, auth, `/contacts/${id}/notes`, { body: '  Met at the <meetup>  ' }))
        .status,
    ).toBe(303);
    const notes = await web.db.selectFrom('notes').selectAll().execute();
    expect(notes.map((n) => n.body)).toEqual(['Met at the <meetup>']);
    expect(await (await get(web, auth, `/contacts/${id}`)).text()).toContain(
      'Met at the &lt;meetup&gt;',
    );
    expect((await postForm(web, auth, `/contacts/${id}/notes`, { body: '   ' })).status).toBe(400);

    const saved = await postForm(web, auth, `/contacts/${id}`, {
      name: 'Ana Souza',
      company: 'Acme',
      title: 'CTO',
      linkedin: 'http://linkedin.com/in/ana/',
      cadence: '45',
    });
    expect(saved.status).toBe(303);
    const contact = await web.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({
      name: 'Ana Souza',
      company: 'Acme',
      title: 'CTO',
      linkedin_url: 'https://www.linkedin.com/in/ana',
      cadence_days: 45,
    });
    const refused = await postForm(web, auth, `/contacts/${id}`, {
      name: 'X',
      linkedin: 'javascript:alert(1)',
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('The LinkedIn URL must look like');

    const added = await postForm(web, auth, `/contacts/${id}/meetings`, {
      start: '2026-12-03T15:00',
      minutes: '30',
      timeZone: 'Europe/Lisbon',
      mode: 'phone',
      location: '+351 000',
    });
    expect(added.status).toBe(303);
    let meeting = await web.db.selectFrom('meetings').selectAll().executeTakeFirstOrThrow();
    expect(meeting).toMatchObject({
      starts_at: '2026-12-03T15:00:00.000Z',
      ends_at: '2026-12-03T15:30:00.000Z',
      time_zone: 'Europe/Lisbon',
      status: 'confirmed',
      mode: 'phone',
    });
    expect((await history(web, id)).at(-1)).toMatchObject({
      to_stage: 'scheduled',
      cause: 'meeting added by hand',
    });

    expect(
      (
        await postForm(web, auth, `/meetings/${meeting.id}`, {
          start: '2026-12-03T16:00',
          minutes: '45',
          timeZone: 'Europe/Berlin',
          mode: 'video',
          location: '',
        })
      ).status,
    ).toBe(303);
    meeting = await web.db.selectFrom('meetings').selectAll().executeTakeFirstOrThrow();
    expect(meeting).toMatchObject({
      starts_at: '2026-12-03T15:00:00.000Z',
      ends_at: '2026-12-03T15:45:00.000Z',
      location: null,
    });
    const badZone = await postForm(web, auth, `/meetings/${meeting.id}`, {
      start: '2026-12-03T16:00',
      minutes: '45',
      timeZone: 'Mars/Olympus',
    });
    expect(badZone.status).toBe(400);

    // Cancelling asks first; the question changes nothing.
    const asked = await postForm(web, auth, `/meetings/${meeting.id}/cancel`, {});
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('Cancel the meeting with Ana Souza on');
    expect(question).toContain('name="confirm" value="yes"');
    expect((await web.db.selectFrom('meetings').selectAll().executeTakeFirstOrThrow()).status).toBe(
      'confirmed',
    );
    expect(
      (await postForm(web, auth, `/meetings/${meeting.id}/cancel`, { confirm: 'yes' })).status,
    ).toBe(303);
    meeting = await web.db.selectFrom('meetings').selectAll().executeTakeFirstOrThrow();
    expect(meeting.status).toBe('cancelled');
    expect((await history(web, id)).at(-1)).toMatchObject({
      from_stage: 'scheduled',
      to_stage: 'replied',
      cause: 'meeting cancelled by hand',
    });
  });

  test('mail text is escaped everywhere, including the title and the timeline', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, {
      name: '<script>alert(1)</script>',
      email: 'x@example.com',
    });
    await seedMessage(web.db, {
      contactId: id,
      direction: 'in',
      kind: 'reply',
      subject: '<img src=x onerror=alert(2)>',
      text: '</pre><b>bold</b>',
      date: '2026-11-20T10:00:00.000Z',
    });
    const auth = await login(web);
    for (const path of [`/contacts/${id}`, '/', '/contacts', '/health']) {
      const page = await (await get(web, auth, path)).text();
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img src=x');
      expect(page).not.toContain('<b>bold</b>');
    }
    const page = await (await get(web, auth, `/contacts/${id}`)).text();
    expect(page).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; · kith</title>');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  test('compose: template preview, mailto with BCC, and send through the outbox', async () => {
    const web = await makeWeb(tempDir());
    const bob = await seedContact(web.db, { name: 'Bob Lee', email: 'bob@example.com' });
    const id = await seedContact(web.db, {
      name: 'Ana Souza',
      email: 'ana@example.com',
      company: 'Acme',
      referredById: bob,
    });
    const auth = await login(web);
    const page = await (await get(web, auth, `/contacts/${id}/compose`)).text();
    expect(page).toContain('Bob suggested I get in touch');
    expect(page).toContain('Hello Ana,');
    const href = /href="(mailto:[^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBeDefined();
    const url = new URL(href!);
    expect(decodeURIComponent(url.pathname)).toBe('ana@example.com');
    expect(url.searchParams.get('bcc')).toBe('owner+kith@example.org');
    expect(url.searchParams.get('subject')).toBe('Bob suggested I get in touch');
    expect(url.searchParams.get('body')).toContain('Hello Ana,\r\n');

    const preview = await postForm(web, auth, `/contacts/${id}/compose`, {
      action: 'preview',
      subject: 'My own subject',
      text: 'Hi Ana, my own words.',
    });
    expect(await preview.text()).toContain('<pre>Hi Ana, my own words.</pre>');
    expect(await web.db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);

    const sent = await postForm(web, auth, `/contacts/${id}/compose`, {
      action: 'send',
      subject: 'My own subject',
      text: 'Hi Ana, my own words.',
    });
    expect(sent.status).toBe(303);
    const draft = await web.db
      .selectFrom('outbox')
      .selectAll()
      .where('audience', '=', 'contact')
      .executeTakeFirstOrThrow();
    expect(draft).toMatchObject({
      kind: 'outreach',
      state: 'approved',
      subject: 'My own subject',
      body_text: 'Hi Ana, my own words.',
    });
    expect(draft.to_address).toContain('ana@example.com');
  });
});

describe('drafts', () => {
  test('approve as is, approve an edited text, skip and snooze — through src/outbox/drafts.ts', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com', stage: 'met' });
    const a = await seedDraft(web.db, {
      contactId: id,
      to: 'ana@example.com',
      subject: 'Thank you',
      body: 'Original text',
    });
    const b = await seedDraft(web.db, {
      contactId: id,
      to: 'ana@example.com',
      kind: 'follow_up',
      subject: 'B',
      body: 'B text',
    });
    const c = await seedDraft(web.db, {
      contactId: id,
      to: 'ana@example.com',
      kind: 'keep_in_touch',
      subject: 'C',
      body: 'C text',
    });
    const d = await seedDraft(web.db, {
      contactId: id,
      to: 'ana@example.com',
      kind: 'outreach',
      subject: 'D',
      body: 'D text',
    });
    const auth = await login(web);
    const list = await (await get(web, auth, '/drafts')).text();
    for (const subject of ['Thank you', 'B', 'C', 'D'])
      expect(list).toContain(`<strong>Subject:</strong> ${subject}</p>`);
    expect(list).toContain('<span class="badge" aria-label="4 waiting">4</span>');

    expect(
      (
        await postForm(web, auth, `/drafts/${a}`, { action: 'approve', text: 'Original text' })
      ).headers.get('location'),
    ).toBe('/drafts?msg=approved');
    expect(
      (await postForm(web, auth, `/drafts/${b}`, { action: 'approve', text: 'My better text' }))
        .status,
    ).toBe(303);
    expect((await postForm(web, auth, `/drafts/${c}`, { action: 'skip' })).status).toBe(303);
    expect(
      (await postForm(web, auth, `/drafts/${d}`, { action: 'snooze', days: '7' })).status,
    ).toBe(303);
    const rows = new Map(
      (await web.db.selectFrom('outbox').selectAll().execute()).map((r) => [r.id, r]),
    );
    expect(rows.get(a)).toMatchObject({ state: 'approved', body_text: 'Original text' });
    expect(rows.get(b)).toMatchObject({ state: 'approved', body_text: 'My better text\n' });
    expect(rows.get(c)?.state).toBe('skipped');
    expect(rows.get(d)).toMatchObject({ state: 'snoozed', send_after: '2026-12-08T08:00:00.000Z' });

    // Approving again is refused with the outbox's own explanation.
    const again = await postForm(web, auth, `/drafts/${a}`, { action: 'approve' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already approved');
  });
});

describe('drafts that wait, are late or are snoozed', () => {
  test('a late thank-you is marked on Drafts and the board; snoozed drafts come last and are not counted', async () => {
    const web = await makeWeb(tempDir());
    const ana = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com', stage: 'met' });
    const bo = await seedContact(web.db, { name: 'Bo', email: 'bo@example.com', stage: 'met' });
    // The clock reads 2026-12-01 10:00 UTC: Ana's meeting ended more than two days ago, Bo's yesterday.
    const old = await seedMeeting(web.db, {
      contactId: ana,
      startsAt: '2026-11-28T14:00:00.000Z',
      status: 'done',
    });
    const recent = await seedMeeting(web.db, {
      contactId: bo,
      startsAt: '2026-11-30T14:00:00.000Z',
      status: 'done',
    });
    const snoozed = await seedDraft(web.db, {
      contactId: bo,
      to: 'bo@example.com',
      kind: 'follow_up',
      subject: 'Snoozed one',
      body: 'Snoozed text',
      state: 'snoozed',
      at: '2026-11-25T09:00:00.000Z',
    });
    await seedDraft(web.db, {
      contactId: ana,
      to: 'ana@example.com',
      subject: 'Late thanks',
      body: 'Hi Ana',
      meetingId: old,
    });
    await seedDraft(web.db, {
      contactId: bo,
      to: 'bo@example.com',
      subject: 'Fresh thanks',
      body: 'Hi Bo',
      meetingId: recent,
    });
    const auth = await login(web);
    const list = await (await get(web, auth, '/drafts')).text();
    expect(list).toContain('2 mails wait, 1 late for you; 1 snoozed draft below.');
    expect(list).toContain('aria-label="2 waiting">2</span>');
    const order = ['Late thanks', 'Fresh thanks', 'Snoozed one'].map((s) =>
      list.indexOf(`</strong> ${s}</p>`),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(list.match(/<strong>Late:<\/strong> you met on/g)).toHaveLength(1);
    const board = await (await get(web, auth, '/')).text();
    expect(board).toContain('Thank-you late: approve it');
    expect(board.match(/Thank-you late/g)).toHaveLength(1);
    expect(snoozed).toBeGreaterThan(0);
  });

  test('the API refuses to approve a text with a [place] and says which', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com' });
    const draft = await seedDraft(web.db, {
      contactId: id,
      to: 'ana@example.com',
      subject: 'News',
      body: 'Hi Ana,\n\n[One or two lines of news.]\n\nSam',
    });
    const auth = await login(web);
    const approve = (body: unknown) =>
      web.app.request(`${ORIGIN}/api/drafts/${draft}/approve`, {
        method: 'POST',
        headers: {
          cookie: auth.cookie,
          'content-type': 'application/json',
          'x-csrf-token': auth.csrf,
        },
        body: JSON.stringify(body),
      });
    const asIs = await approve({});
    expect(asIs.status).toBe(409);
    expect(((await asIs.json()) as { message: string }).message).toContain(
      '[One or two lines of news.]',
    );
    const edited = await approve({ text: 'Hi Ana,\n\nI start at [Company].\n\nSam' });
    expect(edited.status).toBe(409);
    expect(((await edited.json()) as { message: string }).message).toContain('[Company]');
    const row = await web.db
      .selectFrom('outbox')
      .select('state')
      .where('id', '=', draft)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('awaiting_approval');
    const filled = await approve({ text: 'Hi Ana,\n\nI start at Globex in May.\n\nSam' });
    expect(filled.status).toBe(200);
  });
});

describe('meetings and the calendar feed', () => {
  test('upcoming and past; the feed is off until made, parses as iCalendar, and can be renewed or turned off', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, {
      name: 'Ana, "the" <Engineer>',
      email: 'ana@example.com',
      company: 'Acme; Inc',
    });
    await seedMeeting(web.db, { contactId: id, startsAt: '2026-12-05T10:00:00.000Z' });
    await seedMeeting(web.db, {
      contactId: id,
      startsAt: '2026-11-20T10:00:00.000Z',
      status: 'done',
    });
    const auth = await login(web);
    let page = await (await get(web, auth, '/meetings')).text();
    expect(page).toContain('The feed is off');
    const upcoming = page.slice(page.indexOf('id="up-h"'), page.indexOf('id="past-h"'));
    expect(upcoming).toContain('Sat 5 Dec 2026, 11:00 your time');
    expect(page.slice(page.indexOf('id="past-h"'))).toContain('Fri 20 Nov 2026, 11:00 your time');

    await postForm(web, auth, '/calendar-link/renew', {});
    page = await (await get(web, auth, '/meetings')).text();
    const feedUrl = /id="feed-url" readonly value="([^"]+)"/.exec(page)?.[1];
    expect(feedUrl).toMatch(/^http:\/\/kith\.test\/calendar\/[\w-]{32}\.ics$/);
    const feed = await web.app.request(feedUrl!);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(await feed.text()));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(2);
    const next = events.find(
      (e) => e.startDate.toJSDate().toISOString() === '2026-12-05T10:00:00.000Z',
    );
    expect(next?.summary).toBe('Informational interview: Ana, "the" <Engineer> (Acme; Inc)');
    expect(next?.endDate.toJSDate().toISOString()).toBe('2026-12-05T10:30:00.000Z');
    expect(next?.location).toBe('https://meet.example/abc');

    await postForm(web, auth, '/calendar-link/renew', {});
    expect((await web.app.request(feedUrl!)).status).toBe(404);
    page = await (await get(web, auth, '/meetings')).text();
    const renewed = /id="feed-url" readonly value="([^"]+)"/.exec(page)?.[1];
    expect(renewed).not.toBe(feedUrl);
    expect((await web.app.request(renewed!)).status).toBe(200);
    await postForm(web, auth, '/calendar-link/off', {});
    expect((await web.app.request(renewed!)).status).toBe(404);
  });
});

describe('numbers', () => {
  test('funnel with conversion and median days, reply rate by template, referral tree SVG', async () => {
    const web = await makeWeb(tempDir());
    const root = await seedContact(web.db, {
      name: 'Root',
      email: 'root@example.com',
      at: '2026-11-01T00:00:00.000Z',
    });
    const kid = await seedContact(web.db, {
      name: 'Kid <b>',
      email: 'kid@example.com',
      referredById: root,
      at: '2026-11-01T00:00:00.000Z',
    });
    await web.db
      .insertInto('stage_history')
      .values([
        {
          contact_id: root,
          from_stage: 'prospect',
          to_stage: 'contacted',
          at: '2026-11-03T00:00:00.000Z',
          cause: 'x',
          manual: 0,
          source_message_id: null,
        },
        {
          contact_id: kid,
          from_stage: 'prospect',
          to_stage: 'contacted',
          at: '2026-11-05T00:00:00.000Z',
          cause: 'x',
          manual: 0,
          source_message_id: null,
        },
        {
          contact_id: kid,
          from_stage: 'contacted',
          to_stage: 'replied',
          at: '2026-11-06T00:00:00.000Z',
          cause: 'x',
          manual: 0,
          source_message_id: null,
        },
      ])
      .execute();
    await seedDraft(web.db, {
      contactId: root,
      to: 'root@example.com',
      kind: 'outreach',
      subject: 'Hi',
      body: 'x',
      state: 'sent',
      sentAt: '2026-11-03T00:00:00.000Z',
    });
    await seedDraft(web.db, {
      contactId: kid,
      to: 'kid@example.com',
      kind: 'outreach',
      subject: 'Hi',
      body: 'x',
      state: 'sent',
      sentAt: '2026-11-05T00:00:00.000Z',
    });
    await seedMessage(web.db, {
      contactId: kid,
      direction: 'in',
      kind: 'reply',
      subject: 'Re: Hi',
      text: 'Yes',
      date: '2026-11-06T00:00:00.000Z',
    });
    await seedMessage(web.db, {
      contactId: root,
      direction: 'in',
      kind: 'auto_reply',
      subject: 'Away',
      text: 'OOO',
      date: '2026-11-04T00:00:00.000Z',
    });
    const auth = await login(web);
    const page = await (await get(web, auth, '/numbers')).text();
    const row = (label: string) =>
      page.slice(
        page.indexOf(`<th scope="row">${label}</th>`),
        page.indexOf('</tr>', page.indexOf(`<th scope="row">${label}</th>`)),
      );
    expect(row('Contacted')).toMatch(
      /<td class="num">2<\/td>.*<td class="num rate"[^>]*>100%<\/td><td class="num rate"[^>]*>3\.0 d<\/td>/,
    );
    expect(row('Replied')).toMatch(
      /<td class="num">1<\/td>.*<td class="num rate"[^>]*>50%<\/td><td class="num rate"[^>]*>1\.0 d<\/td>/,
    );
    expect(row('outreach')).toContain(
      '<td class="num">2</td><td class="num">1</td><td class="num">50%</td>',
    );
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(page).toContain(`<a href="/contacts/${kid}">`);
    expect(page).toContain('Kid &lt;b&gt;');
    expect(page).not.toContain('Kid <b>');
    const stats = (await (await get(web, auth, '/api/stats')).json()) as {
      referrals: { id: number; doors: number }[];
    };
    expect(stats.referrals.find((r) => r.id === root)?.doors).toBe(1);
  });
});

describe('health', () => {
  test('service states with backfill progress, last message, quarantine, outbox failures, jobs', async () => {
    const service: Service = {
      name: 'inbox',
      start: async () => {},
      stop: async () => {},
      status: () => ({
        state: 'degraded',
        detail: { backfill: { done: 120, total: 480 }, lastError: 'IMAP login refused' },
      }),
    };
    // The shape the IMAP watcher reports: one entry per mailbox.
    const watcher: Service = {
      name: 'inbox-imap',
      start: async () => {},
      stop: async () => {},
      status: () => ({
        state: 'ok',
        detail: {
          source: 'imap',
          mailboxes: [
            {
              mailbox: 'INBOX',
              path: 'INBOX',
              connected: true,
              idling: true,
              lastMessageAt: '2026-11-30T08:00:00.000Z',
              lastError: null,
              backfill: { done: 30, total: 90 },
            },
            {
              mailbox: '\\Sent',
              path: 'Sent',
              connected: false,
              idling: false,
              lastMessageAt: null,
              lastError: { code: 'auth', message: 'LOGIN failed', at: '2026-11-30T08:05:00.000Z' },
              backfill: null,
            },
          ],
          stats: { handled: 12 },
        },
      }),
    };
    const web = await makeWeb(tempDir(), {
      services: [service, watcher],
      deps: {
        upcomingJobs: async () => [
          { kind: 'prep_brief', subject: 'meeting:3', dueAt: '2026-12-02T16:00:00.000Z' },
        ],
      },
    });
    const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com' });
    await seedMessage(web.db, {
      contactId: id,
      direction: 'in',
      kind: 'reply',
      subject: 'Latest one',
      text: 'x',
      date: '2026-11-30T08:00:00.000Z',
    });
    await web.db
      .insertInto('quarantine')
      .values({
        source: 'imap:INBOX:77',
        reason: 'broken MIME: no boundary',
        message_id: null,
        subject: '<b>odd</b>',
        size: 10,
        created_at: '2026-11-30T09:00:00.000Z',
      })
      .execute();
    await seedDraft(web.db, {
      contactId: id,
      to: 'ana@example.com',
      subject: 'Failed one',
      body: 'x',
      state: 'failed',
    });
    const auth = await login(web);
    const page = await (await get(web, auth, '/health')).text();
    expect(page).toContain(
      'Incoming mail (inbox): <span class="state-degraded">having trouble</span>',
    );
    expect(page).toContain('<progress id="bf-inbox" max="480" value="120"></progress>');
    expect(page).toContain('IMAP login refused');
    expect(page).toContain('“Latest one”');
    expect(page).toContain('broken MIME: no boundary');
    expect(page).toContain('&lt;b&gt;odd&lt;/b&gt;');
    expect(page).toContain('Failed one');
    expect(page).toContain('connection refused');
    expect(page).toContain('prep brief');
    expect(page).toContain('<progress id="bf-inbox-imap-0" max="90" value="30"></progress>');
    expect(page).toContain('connected, idle (push)');
    expect(page).toMatch(
      /<td>Sent<\/td><td[^>]*><span class="state-down">not connected<\/span><\/td>.*LOGIN failed/,
    );
  });
});

describe('scheduler forecast', () => {
  test('the health page can list what the scheduler’s planner sees coming', async () => {
    const { forecastJobs } = await import('../../src/web/upcoming-jobs.js');
    const dir = tempDir();
    let web: Awaited<ReturnType<typeof makeWeb>> | undefined;
    web = await makeWeb(dir, {
      deps: { upcomingJobs: (now) => forecastJobs(web!.db, web!.config, now) },
    });
    const id = await seedContact(web.db, {
      name: 'Ana',
      email: 'ana@example.com',
      stage: 'scheduled',
    });
    await seedMeeting(web.db, { contactId: id, startsAt: '2026-12-03T14:00:00.000Z' });
    const jobs = await forecastJobs(web.db, web.config, web.clock.now);
    expect(jobs.map((j) => j.kind)).toContain('prep_brief');
    expect(jobs.every((j) => j.dueAt > web!.clock.now.toISOString())).toBe(true);
    const page = await (await get(web, await login(web), '/health')).text();
    expect(page).toContain('prep brief for the meeting with Ana on Thu, 3 Dec 2026');
    expect(page).not.toMatch(/meeting:\d+/);
  });
});

describe('import and export', () => {
  test('an upload imports in the background with progress and a per-row error report', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const csv =
      'Name,Email,Company\nAna Souza,ana@example.com,Acme\nBroken,not-an-address,Foo\nBo,bo@example.com,Bar\n';
    const body = new FormData();
    body.set('_csrf', auth.csrf);
    body.set('kind', 'csv');
    body.set('file', new File([csv], 'people.csv', { type: 'text/csv' }));
    const res = await web.app.request(`${ORIGIN}/import`, {
      method: 'POST',
      body,
      headers: { origin: ORIGIN, cookie: auth.cookie },
    });
    expect(res.status).toBe(303);
    const jobUrl = res.headers.get('location')!;
    expect(jobUrl).toMatch(/^\/import\/jobs\/[\w-]+$/);
    const progress = await waitFor(
      async () => {
        const p = (await (await get(web, auth, `${jobUrl}/progress`)).json()) as {
          state: string;
          done: number;
          total: number;
          errors: { line: number }[];
        };
        return p.state === 'done' ? p : undefined;
      },
      { what: 'the import to finish' },
    );
    expect(progress).toMatchObject({ done: 3, total: 3 });
    expect(progress.errors.map((e) => e.line)).toEqual([3]);
    const report = await (await get(web, auth, jobUrl)).text();
    expect(report).toContain('2 new prospects');
    expect(report).toContain('<td class="num">3</td>');
    expect(await web.db.selectFrom('contacts').select('name').orderBy('id').execute()).toEqual([
      { name: 'Ana Souza' },
      { name: 'Bo' },
    ]);
  });

  test('the running page carries the polling hook and a progress bar', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const rows = Array.from({ length: 3000 }, (_, i) => `Person ${i},p${i}@example.com,Co`).join(
      '\n',
    );
    const body = new FormData();
    body.set('_csrf', auth.csrf);
    body.set('kind', 'csv');
    body.set('file', new File([`Name,Email,Company\n${rows}\n`], 'big.csv'));
    const res = await web.app.request(`${ORIGIN}/import`, {
      method: 'POST',
      body,
      headers: { origin: ORIGIN, cookie: auth.cookie },
    });
    const jobUrl = res.headers.get('location')!;
    const running = await (await get(web, auth, jobUrl)).text();
    expect(running).toContain(`data-poll="${jobUrl}/progress"`);
    expect(running).toMatch(/<progress id="import-progress" max="\d+" value="\d+"><\/progress>/);
    await waitFor(
      async () =>
        ((await (await get(web, auth, `${jobUrl}/progress`)).json()) as { state: string }).state ===
        'done',
      { timeoutMs: 20_000 },
    );
  });

  test('export downloads as an attachment in each format', async () => {
    const web = await makeWeb(tempDir());
    await seedContact(web.db, { name: 'Ana Souza', email: 'ana@example.com' });
    const auth = await login(web);
    const json = await get(web, auth, '/export?format=json');
    expect(json.headers.get('content-disposition')).toBe(
      'attachment; filename="kith-contacts-2026-12-01.json"',
    );
    expect(await json.text()).toContain('Ana Souza');
    const vcf = await get(web, auth, '/export?format=vcard');
    expect(vcf.headers.get('content-type')).toContain('text/vcard');
    expect(await vcf.text()).toContain('BEGIN:VCARD');
    expect((await get(web, auth, '/export?format=xml')).status).toBe(400);
  });
});

describe('JSON API', () => {
  test('contacts, a stage move, notes, meetings, drafts and stats', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, {
      name: 'Ana',
      email: 'ana@example.com',
      company: 'Acme',
    });
    const draft = await seedDraft(web.db, {
      contactId: id,
      to: 'ana@example.com',
      subject: 'Hi',
      body: 'Text',
    });
    const auth = await login(web);
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
    const list = await api('GET', '/contacts?q=acm');
    expect(list.json).toMatchObject({
      total: 1,
      contacts: [{ id, name: 'Ana', company: 'Acme', email: 'ana@example.com', stage: 'prospect' }],
    });
    expect((await api('GET', '/contacts?stage=nope')).status).toBe(400);
    expect(
      (await api('POST', `/contacts/${id}/stage`, { to: 'contacted', reason: 'api test' })).json,
    ).toEqual({ moved: true, from: 'prospect', to: 'contacted' });
    expect((await api('POST', `/contacts/${id}/stage`, { to: 'contacted' })).status).toBe(409);
    expect((await api('PATCH', `/contacts/${id}`, { title: 'CTO' })).status).toBe(200);
    expect((await api('POST', `/contacts/${id}/notes`, { body: 'by API' })).status).toBe(201);
    const meeting = await api('POST', `/contacts/${id}/meetings`, {
      start: '2026-12-10T09:00:00Z',
      minutes: 20,
    });
    expect(meeting.status).toBe(201);
    const detail = await api('GET', `/contacts/${id}`);
    expect(detail.json).toMatchObject({
      name: 'Ana',
      title: 'CTO',
      company: 'Acme',
      stage: 'scheduled',
      notes: [{ text: 'by API' }],
      meetings: [
        {
          startsAt: '2026-12-10T09:00:00.000Z',
          endsAt: '2026-12-10T09:20:00.000Z',
          status: 'confirmed',
        },
      ],
    });
    expect((detail.json.history as { cause: string }[]).map((h) => h.cause)).toContain(
      'moved by hand: api test',
    );
    expect((await api('POST', `/meetings/${meeting.json.id}/cancel`)).json).toMatchObject({
      status: 'cancelled',
    });
    expect((await api('GET', '/meetings')).json).toMatchObject({
      upcoming: [{ contactId: id, status: 'cancelled' }],
    });
    expect((await api('GET', '/drafts')).json).toMatchObject({
      drafts: [{ id: draft, subject: 'Hi', state: 'awaiting_approval' }],
    });
    expect((await api('POST', `/drafts/${draft}/snooze`, { days: 2 })).json).toMatchObject({
      ok: true,
    });
    expect(
      (await api('POST', `/drafts/${draft}/approve`, { text: 'Edited by API' })).json,
    ).toMatchObject({ ok: true });
    expect((await api('POST', `/drafts/${draft}/skip`)).json).toMatchObject({ ok: true });
    expect((await api('POST', `/drafts/${draft}/approve`)).status).toBe(409);
    expect((await api('GET', '/drafts/999')).status).toBe(404);
    expect((await api('POST', `/contacts/${id}/notes`, { nope: 1 })).status).toBe(400);
    const stats = await api('GET', '/stats');
    expect(stats.json).toHaveProperty('funnel');
    expect(stats.json).toHaveProperty('replyRates');
  });
});
