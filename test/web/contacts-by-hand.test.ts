import { afterEach, describe, expect, it } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail } from '../inbox/build-mail.js';
import { get, login, makeWeb, postForm, SECRET, type TestWeb } from './harness.js';

/** People managed by hand: add, addresses, referrer, delete, merge — pages and checks. */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const web = await makeWeb(tempDir());
  cleanups.push(() => web.db.destroy());
  return { web, auth: await login(web) };
}

type S = Awaited<ReturnType<typeof setup>>;

const idFrom = (res: Response) =>
  Number(/\/contacts\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);

async function emails(web: TestWeb, id: number) {
  return web.db
    .selectFrom('contact_emails')
    .select(['address', 'is_primary'])
    .where('contact_id', '=', id)
    .orderBy('id')
    .execute();
}

async function add(s: S, fields: Record<string, string>) {
  return postForm(s.web, s.auth, '/contacts', fields);
}

describe('adding a contact by hand', () => {
  it('stores name, company, title, LinkedIn, addresses, referrer and how you know them', async () => {
    const s = await setup();
    const referrer = await createContact(
      s.web.db,
      { name: 'Mia Park', emails: ['mia@bank.example'], source: 'outreach', stage: 'met' },
      '2026-11-01T10:00:00.000Z',
    );
    const form = await (await get(s.web, s.auth, '/contacts/new')).text();
    expect(form).toContain('<option value="Mia Park &lt;mia@bank.example&gt;">');
    const res = await add(s, {
      name: '  Noah   Becker ',
      company: 'Bank',
      title: 'Analyst',
      linkedin: 'linkedin.com/in/noah-becker/',
      addresses: 'Noah@Bank.example\nnoah.b@home.example',
      referredBy: 'Mia Park <mia@bank.example>',
      how: 'Mia mentioned him at lunch',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/msg=contact_added$/);
    const id = idFrom(res);
    const row = await s.web.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Noah Becker',
      company: 'Bank',
      title: 'Analyst',
      linkedin_url: 'https://www.linkedin.com/in/noah-becker',
      referred_by_id: referrer.id,
      source: 'referral',
      stage: 'prospect',
    });
    expect(await emails(s.web, id)).toEqual([
      { address: 'noah@bank.example', is_primary: 1 },
      { address: 'noah.b@home.example', is_primary: 0 },
    ]);
    const page = await (await get(s.web, s.auth, `/contacts/${id}`)).text();
    expect(page).toContain('How I know them: Mia mentioned him at lunch');
    expect(page).toContain(`<a href="/contacts/${referrer.id}">Mia Park</a>`);
  });

  it('refuses bad input with the reason and everything typed, storing nothing', async () => {
    const s = await setup();
    await createContact(
      s.web.db,
      { name: 'Ana Souza', emails: ['ana@acme.example'], source: 'manual' },
      '2026-11-01T10:00:00.000Z',
    );
    const cases: [Record<string, string>, string][] = [
      [
        { name: '', addresses: '', linkedin: '' },
        'Give at least a name, an address or a LinkedIn URL.',
      ],
      [{ name: 'Bo', addresses: 'bo at example' }, '&quot;bo&quot; is not a mail address.'],
      [
        { name: 'Bo', addresses: 'ANA@acme.example' },
        'ana@acme.example is already the address of Ana Souza',
      ],
      [{ name: 'Bo', linkedin: 'https://example.com/bo' }, 'The LinkedIn URL must look like'],
      [{ name: 'Bo', referredBy: 'Nobody Known' }, 'No contact is called &quot;Nobody Known&quot;'],
    ];
    for (const [fields, reason] of cases) {
      const res = await add(s, { company: 'Typed Co', how: 'typed how', ...fields });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(reason);
      expect(html).toContain('value="Typed Co"');
      expect(html).toContain('>typed how</textarea>');
      for (const v of Object.values(fields).filter(Boolean))
        expect(html).toContain(v.replace(/"/g, '&quot;'));
    }
    const count = await s.web.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});

describe('addresses by hand', () => {
  it('adds, makes primary and removes; a taken or bad address comes back as typed', async () => {
    const s = await setup();
    const id = idFrom(await add(s, { name: 'Ana Souza', addresses: 'ana@acme.example' }));
    await createContact(
      s.web.db,
      { name: 'Bo', emails: ['bo@else.example'], source: 'manual' },
      '2026-11-01T10:00:00.000Z',
    );
    expect(
      (await postForm(s.web, s.auth, `/contacts/${id}/addresses`, { address: 'ana@new.example' }))
        .status,
    ).toBe(303);
    expect(await emails(s.web, id)).toEqual([
      { address: 'ana@acme.example', is_primary: 1 },
      { address: 'ana@new.example', is_primary: 0 },
    ]);
    await postForm(s.web, s.auth, `/contacts/${id}/addresses/primary`, {
      address: 'ana@new.example',
    });
    expect(await emails(s.web, id)).toEqual([
      { address: 'ana@acme.example', is_primary: 0 },
      { address: 'ana@new.example', is_primary: 1 },
    ]);
    // Removing the primary hands it to the one left.
    await postForm(s.web, s.auth, `/contacts/${id}/addresses/remove`, {
      address: 'ana@new.example',
    });
    expect(await emails(s.web, id)).toEqual([{ address: 'ana@acme.example', is_primary: 1 }]);

    const taken = await postForm(s.web, s.auth, `/contacts/${id}/addresses`, {
      address: 'bo@else.example',
    });
    expect(taken.status).toBe(400);
    const page = await taken.text();
    expect(page).toContain('bo@else.example is already the address of Bo: merge the two instead.');
    expect(page).toContain('name="address" type="email" value="bo@else.example"');
    const bad = await postForm(s.web, s.auth, `/contacts/${id}/addresses`, {
      address: 'not an address',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('value="not an address"');
    const history = await (await get(s.web, s.auth, `/contacts/${id}`)).text();
    expect(history).toContain('address ana@new.example added by hand');
    expect(history).toContain('address ana@new.example removed by hand');
  });

  it('sets the referrer, and refuses a circle', async () => {
    const s = await setup();
    const mia = idFrom(await add(s, { name: 'Mia Park' }));
    const noah = idFrom(await add(s, { name: 'Noah Becker', referredBy: `#${mia}` }));
    const circle = await postForm(s.web, s.auth, `/contacts/${mia}/referrer`, {
      referredBy: 'Noah Becker',
    });
    expect(circle.status).toBe(400);
    expect(await circle.text()).toContain('That would make a circle');
    await postForm(s.web, s.auth, `/contacts/${noah}/referrer`, { referredBy: '' });
    const row = await s.web.db
      .selectFrom('contacts')
      .select('referred_by_id')
      .where('id', '=', noah)
      .executeTakeFirstOrThrow();
    expect(row.referred_by_id).toBeNull();
  });
});

describe('deleting a contact', () => {
  it('asks first, then removes them from every page; the same mail read again does not bring them back', async () => {
    const s = await setup();
    const logger = createLogger({ secrets: [SECRET], write: () => undefined });
    const ingester = createIngester({
      db: s.web.db,
      config: s.web.config,
      logger,
      now: () => s.web.clock.now,
      ...outboxPorts(s.web.config, logger),
    });
    const outreach = Buffer.from(
      buildMail({
        from: 'Olive Owner <owner@example.org>',
        to: ['Contact Fortyfive <c45@corp.example>'],
        bcc: ['owner+kith@example.org'],
        subject: 'Coffee?',
        messageId: 'outreach-45@example.org',
        text: 'Would you have 20 minutes? Olive',
      }),
    );
    await ingester.ingest(outreach, { label: 'maildir:a', receivedAt: s.web.clock.now });
    const id = (await s.web.db.selectFrom('contacts').select('id').executeTakeFirstOrThrow()).id;
    await postForm(s.web, s.auth, `/contacts/${id}/notes`, { body: 'private note' });

    const confirm = await (await get(s.web, s.auth, `/contacts/${id}/delete`)).text();
    expect(confirm).toContain('This cannot be undone.');
    expect(confirm).toContain('1 message leave every page');
    const res = await postForm(s.web, s.auth, `/contacts/${id}/delete`, {});
    expect(res.headers.get('location')).toBe('/contacts?msg=deleted');
    expect((await get(s.web, s.auth, `/contacts/${id}`)).status).toBe(404);
    const list = await (await get(s.web, s.auth, '/contacts')).text();
    expect(list).not.toContain('Fortyfive');
    expect(await s.web.db.selectFrom('notes').selectAll().execute()).toEqual([]);
    const tomb = await s.web.db.selectFrom('messages').selectAll().executeTakeFirstOrThrow();
    expect(tomb).toMatchObject({
      message_id: 'outreach-45@example.org',
      contact_id: null,
      text: '',
      subject: '',
    });

    // A resync reads the same outreach again: known, so nobody comes back.
    const again = await ingester.ingest(outreach, {
      label: 'imap:INBOX:1',
      receivedAt: s.web.clock.now,
    });
    expect(again.status).toBe('duplicate');
    expect(await s.web.db.selectFrom('contacts').selectAll().execute()).toEqual([]);
  });

  it('a contact with only a LinkedIn URL (shown as Contact #n) can be deleted', async () => {
    const s = await setup();
    const id = idFrom(await add(s, { linkedin: 'https://www.linkedin.com/in/someone' }));
    const page = await (await get(s.web, s.auth, `/contacts/${id}`)).text();
    expect(page).toContain(`Contact #${id}`);
    expect((await postForm(s.web, s.auth, `/contacts/${id}/delete`, {})).status).toBe(303);
    expect(await s.web.db.selectFrom('contacts').selectAll().execute()).toEqual([]);
  });
});

describe('merging two contacts', () => {
  it('moves addresses, messages, meetings, notes, advice and history to one and records the merge', async () => {
    const s = await setup();
    const kept = idFrom(
      await add(s, { name: 'Noah Becker', linkedin: 'https://www.linkedin.com/in/noah' }),
    );
    const gone = (
      await createContact(
        s.web.db,
        {
          name: 'N. Becker',
          emails: ['noah@bank.example'],
          company: 'Bank',
          source: 'outreach',
          stage: 'contacted',
        },
        '2026-11-25T09:00:00.000Z',
      )
    ).id;
    await s.web.db
      .insertInto('messages')
      .values({
        message_id: 'm1@example.org',
        thread_id: null,
        contact_id: gone,
        direction: 'out',
        kind: 'outreach',
        from_address: 'owner@example.org',
        to_addresses: 'noah@bank.example',
        subject: 'Coffee?',
        date: '2026-11-25T09:00:00.000Z',
        in_reply_to: null,
        references: '',
        text: 'Would you have 20 minutes?',
        created_at: '2026-11-25T09:00:00.000Z',
      })
      .execute();
    await postForm(s.web, s.auth, `/contacts/${gone}/notes`, { body: 'met at the fair' });
    await s.web.db
      .insertInto('advice')
      .values({
        contact_id: gone,
        meeting_id: null,
        body: 'talk to the data team',
        source_message_id: null,
        created_at: '2026-11-26T09:00:00.000Z',
      })
      .execute();
    await postForm(s.web, s.auth, `/contacts/${gone}/meetings`, {
      start: '2026-12-03T15:00',
      minutes: '30',
      timeZone: 'Europe/Berlin',
      mode: 'video',
    });

    const confirm = await get(
      s.web,
      s.auth,
      `/contacts/${kept}/merge?with=${encodeURIComponent('N. Becker <noah@bank.example>')}`,
    );
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Merge into Noah Becker');
    const res = await postForm(s.web, s.auth, `/contacts/${kept}/merge`, { with: String(gone) });
    expect(res.headers.get('location')).toBe(`/contacts/${kept}?msg=merged`);

    expect(await s.web.db.selectFrom('contacts').select('id').execute()).toEqual([{ id: kept }]);
    const row = await s.web.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', kept)
      .executeTakeFirstOrThrow();
    // The meeting made the other contact scheduled: the further stage is kept, with its details filled in.
    expect(row).toMatchObject({ name: 'Noah Becker', company: 'Bank', stage: 'scheduled' });
    expect(await emails(s.web, kept)).toEqual([{ address: 'noah@bank.example', is_primary: 1 }]);
    for (const table of ['messages', 'meetings', 'notes', 'advice'] as const) {
      const rows = await s.web.db.selectFrom(table).select('contact_id').execute();
      expect(rows.length, table).toBeGreaterThan(0);
      expect(
        rows.every((r) => r.contact_id === kept),
        table,
      ).toBe(true);
    }
    const page = await (await get(s.web, s.auth, `/contacts/${kept}`)).text();
    expect(page).toContain('merged with N. Becker (Scheduled, from outreach)');
    expect(page).toContain('Coffee?');
    expect(page).toContain('talk to the data team');
    expect(page).toContain('met at the fair');
  });

  it('refuses merging a contact with itself or with nobody, as typed', async () => {
    const s = await setup();
    const id = idFrom(await add(s, { name: 'Ana Souza', addresses: 'ana@acme.example' }));
    const self = await get(s.web, s.auth, `/contacts/${id}/merge?with=ana%40acme.example`);
    expect(self.status).toBe(400);
    expect(await self.text()).toContain('A contact cannot be merged with itself.');
    const none = await get(s.web, s.auth, `/contacts/${id}/merge?with=Zed`);
    expect(none.status).toBe(400);
    const html = await none.text();
    expect(html).toContain('No contact is called &quot;Zed&quot;');
    expect(html).toContain('name="with" list="m-people" value="Zed"');
  });
});

describe('empty contacts page', () => {
  it('says how to start, with the BCC address', async () => {
    const s = await setup();
    const html = await (await get(s.web, s.auth, '/contacts')).text();
    expect(html).toContain('No contacts yet');
    expect(html).toContain('<code>owner+kith@example.org</code>');
    expect(html).toContain('href="/contacts/new"');
  });
});

describe('the JSON API for contacts by hand', () => {
  async function api(s: S, method: string, pathname: string, body?: unknown) {
    const res = await s.web.app.request(`http://kith.test/api${pathname}`, {
      method,
      headers: {
        cookie: s.auth.cookie,
        'content-type': 'application/json',
        'x-csrf-token': s.auth.csrf,
        origin: 'http://kith.test',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('adds, edits addresses and referrer, merges and deletes, with the pages’ checks', async () => {
    const s = await setup();
    const mia = await api(s, 'POST', '/contacts', {
      name: 'Mia Park',
      addresses: ['mia@bank.example'],
    });
    expect(mia.status).toBe(201);
    const miaId = mia.json.id as number;
    const noah = await api(s, 'POST', '/contacts', {
      name: 'Noah Becker',
      linkedinUrl: 'https://www.linkedin.com/in/noah',
      referredBy: miaId,
    });
    const noahId = noah.json.id as number;
    expect(
      await api(s, 'POST', '/contacts', { name: 'Bo', addresses: ['MIA@bank.example'] }),
    ).toEqual({
      status: 400,
      json: {
        error: 'mia@bank.example is already the address of Mia Park: merge the two instead.',
      },
    });
    expect(
      (await api(s, 'POST', `/contacts/${noahId}/addresses`, { address: 'noah@bank.example' }))
        .status,
    ).toBe(201);
    expect(
      (await api(s, 'POST', `/contacts/${noahId}/addresses`, { address: 'noah@home.example' }))
        .status,
    ).toBe(201);
    expect(
      (await api(s, 'POST', `/contacts/${noahId}/addresses/noah%40home.example/primary`)).status,
    ).toBe(200);
    expect(
      (await api(s, 'DELETE', `/contacts/${noahId}/addresses/noah%40bank.example`)).status,
    ).toBe(200);
    expect(
      (await api(s, 'DELETE', `/contacts/${noahId}/addresses/nobody%40x.example`)).status,
    ).toBe(400);
    expect(await emails(s.web, noahId)).toEqual([{ address: 'noah@home.example', is_primary: 1 }]);
    expect(
      (await api(s, 'PUT', `/contacts/${miaId}/referrer`, { referredBy: noahId })).status,
    ).toBe(400);

    const dup = (
      await api(s, 'POST', '/contacts', { name: 'Noah B.', addresses: ['nb@bank.example'] })
    ).json.id as number;
    const merged = await api(s, 'POST', `/contacts/${noahId}/merge`, { from: dup });
    expect(merged).toEqual({ status: 200, json: { id: noahId, stage: 'prospect' } });
    const page = await api(s, 'GET', `/contacts/${noahId}`);
    expect((page.json.emails as { address: string }[]).map((e) => e.address)).toEqual([
      'noah@home.example',
      'nb@bank.example',
    ]);
    const causes = (page.json.history as { cause: string }[]).map((h) => h.cause);
    expect(causes.some((cause) => cause.startsWith('merged with Noah B.'))).toBe(true);
    expect((await api(s, 'POST', `/contacts/${noahId}/merge`, { from: noahId })).status).toBe(400);

    expect((await api(s, 'DELETE', `/contacts/${noahId}`)).status).toBe(200);
    expect((await api(s, 'GET', `/contacts/${noahId}`)).status).toBe(404);
  });
});
