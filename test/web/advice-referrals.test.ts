import { afterEach, describe, expect, it } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, postForm } from './harness.js';

/** Advice and referrals by hand on the contact page, and a web note read like the owner's mail. */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const web = await makeWeb(tempDir());
  cleanups.push(() => web.db.destroy());
  const auth = await login(web);
  const mia = await createContact(
    web.db,
    { name: 'Mia Park', emails: ['mia@bank.example'], source: 'outreach', stage: 'met' },
    '2026-11-01T10:00:00.000Z',
  );
  return { web, auth, mia };
}

const adviceOf = (s: Awaited<ReturnType<typeof setup>>) =>
  s.web.db
    .selectFrom('advice')
    .select(['id', 'body', 'source_message_id'])
    .where('contact_id', '=', s.mia.id)
    .orderBy('id')
    .execute();

const referredBy = (s: Awaited<ReturnType<typeof setup>>, id: number) =>
  s.web.db
    .selectFrom('contacts')
    .select(['name', 'source', 'stage', 'referred_by_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('advice by hand', () => {
  it('is added, changed and removed; an empty one comes back refused with its form', async () => {
    const s = await setup();
    const added = await postForm(s.web, s.auth, `/contacts/${s.mia.id}/advice`, {
      advice: '  Talk to the risk team first ',
    });
    expect(added.status).toBe(303);
    const [row] = await adviceOf(s);
    expect(row).toMatchObject({ body: 'Talk to the risk team first', source_message_id: null });
    const shown = await (await get(s.web, s.auth, `/contacts/${s.mia.id}`)).text();
    expect(shown).toContain('Talk to the risk team first');
    expect(shown).not.toContain('reply “advice: …” to kith’s after-meeting mail');

    const refused = await postForm(s.web, s.auth, `/contacts/${s.mia.id}/advice/${row?.id}`, {
      adviceId: String(row?.id),
      adviceBody: '   ',
    });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('The advice is empty.');
    expect(page).toMatch(/<details open><summary>Change or remove/);

    await postForm(s.web, s.auth, `/contacts/${s.mia.id}/advice/${row?.id}`, {
      adviceId: String(row?.id),
      adviceBody: 'Talk to the risk team, then to Jo',
    });
    expect((await adviceOf(s))[0]?.body).toBe('Talk to the risk team, then to Jo');

    const removed = await postForm(
      s.web,
      s.auth,
      `/contacts/${s.mia.id}/advice/${row?.id}/remove`,
      {},
    );
    expect(removed.status).toBe(303);
    expect(await adviceOf(s)).toEqual([]);
  });

  it('cannot change advice of another contact through this one', async () => {
    const s = await setup();
    const other = await createContact(
      s.web.db,
      { name: 'Other', emails: [], source: 'web' },
      '2026-11-01T10:00:00.000Z',
    );
    await postForm(s.web, s.auth, `/contacts/${s.mia.id}/advice`, { advice: 'Keep it short' });
    const [row] = await adviceOf(s);
    const res = await postForm(s.web, s.auth, `/contacts/${other.id}/advice/${row?.id}/remove`, {});
    expect(res.status).toBe(404);
    expect(await adviceOf(s)).toHaveLength(1);
  });
});

describe('referrals by hand', () => {
  it('picks an existing contact, creates a prospect with or without an address, and removes one', async () => {
    const s = await setup();
    const noah = await createContact(
      s.web.db,
      { name: 'Noah Becker', emails: ['noah@bank.example'], source: 'web' },
      '2026-11-01T10:00:00.000Z',
    );
    const page = await (await get(s.web, s.auth, `/contacts/${s.mia.id}`)).text();
    expect(page).toContain('<option value="Noah Becker &lt;noah@bank.example&gt;">');
    const picked = await postForm(s.web, s.auth, `/contacts/${s.mia.id}/referrals`, {
      referralPick: 'Noah Becker <noah@bank.example>',
    });
    expect(picked.status).toBe(303);
    expect((await referredBy(s, noah.id)).referred_by_id).toBe(s.mia.id);

    await postForm(s.web, s.auth, `/contacts/${s.mia.id}/referrals`, {
      referralName: 'Ana Ruiz',
      referralAddress: 'Ana@Fund.example',
    });
    await postForm(s.web, s.auth, `/contacts/${s.mia.id}/referrals`, { referralName: 'Jo Lind' });
    const people = await s.web.db
      .selectFrom('contacts')
      .leftJoin('contact_emails', 'contact_emails.contact_id', 'contacts.id')
      .select(['contacts.name', 'contacts.source', 'contacts.stage', 'contact_emails.address'])
      .where('referred_by_id', '=', s.mia.id)
      .orderBy('contacts.id')
      .execute();
    expect(people).toEqual([
      { name: 'Noah Becker', source: 'web', stage: 'prospect', address: 'noah@bank.example' },
      { name: 'Ana Ruiz', source: 'referral', stage: 'prospect', address: 'ana@fund.example' },
      { name: 'Jo Lind', source: 'referral', stage: 'prospect', address: null },
    ]);
    const shown = await (await get(s.web, s.auth, `/contacts/${s.mia.id}`)).text();
    for (const name of ['Noah Becker', 'Ana Ruiz', 'Jo Lind'])
      expect(shown).toContain(`aria-label="Remove ${name} from the people they referred you to"`);

    const removed = await postForm(s.web, s.auth, `/contacts/${s.mia.id}/referrals/remove`, {
      referred: String(noah.id),
    });
    expect(removed.status).toBe(303);
    expect(await referredBy(s, noah.id)).toMatchObject({
      name: 'Noah Becker',
      referred_by_id: null,
    });
  });

  it('refuses a known address, a bad one, nothing, or a circle, showing what was typed', async () => {
    const s = await setup();
    const cases: [Record<string, string>, string][] = [
      [
        { referralName: 'Mia again', referralAddress: 'mia@bank.example' },
        'is already the address of Mia Park',
      ],
      [{ referralName: 'Ana', referralAddress: 'ana-at-fund' }, 'is not a mail address'],
      [{}, 'Pick a contact, or give the new person’s name.'],
      [{ referralPick: 'Mia Park' }, 'Nobody refers themselves.'],
    ];
    for (const [fields, message] of cases) {
      const res = await postForm(s.web, s.auth, `/contacts/${s.mia.id}/referrals`, fields);
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain(message);
      for (const typed of Object.values(fields)) expect(page).toContain(`value="${typed}"`);
    }
    const count = await s.web.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});

describe('a web note read like the owner’s mail', () => {
  it('keeps advice, referral and cadence lines as data and the rest as the note', async () => {
    const s = await setup();
    const res = await postForm(s.web, s.auth, `/contacts/${s.mia.id}/notes`, {
      body: 'Lovely chat over coffee.\nadvice: Apply in spring\nreferral: Ana Ruiz <ana@fund.example>\ncadence: every 30 days',
    });
    expect(res.status).toBe(303);
    expect((await adviceOf(s)).map((a) => a.body)).toEqual(['Apply in spring']);
    const notes = await s.web.db
      .selectFrom('notes')
      .select('body')
      .where('contact_id', '=', s.mia.id)
      .execute();
    expect(notes).toEqual([{ body: 'Lovely chat over coffee.' }]);
    const ana = await s.web.db
      .selectFrom('contacts')
      .innerJoin('contact_emails', 'contact_emails.contact_id', 'contacts.id')
      .select(['contacts.name', 'contacts.source', 'contacts.referred_by_id'])
      .where('contact_emails.address', '=', 'ana@fund.example')
      .executeTakeFirst();
    expect(ana).toEqual({ name: 'Ana Ruiz', source: 'referral', referred_by_id: s.mia.id });
    expect((await referredBy(s, s.mia.id)).referred_by_id).toBeNull();
    const mia = await s.web.db
      .selectFrom('contacts')
      .select('cadence_days')
      .where('id', '=', s.mia.id)
      .executeTakeFirstOrThrow();
    expect(mia.cadence_days).toBe(30);
  });

  it('refuses a keyed line it cannot read, keeping nothing and showing the note as typed', async () => {
    const s = await setup();
    const body = 'Good call.\nreferral: someone at the bank';
    const res = await postForm(s.web, s.auth, `/contacts/${s.mia.id}/notes`, { body });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('kith could not read &quot;referral: someone at the bank&quot;');
    expect(page).toContain('>Good call.\nreferral: someone at the bank</textarea>');
    const notes = await s.web.db.selectFrom('notes').select('body').execute();
    expect(notes).toEqual([]);
  });

  it('is read the same way through the JSON API', async () => {
    const s = await setup();
    const res = await s.web.app.request(`http://kith.test/api/contacts/${s.mia.id}/notes`, {
      method: 'POST',
      body: JSON.stringify({ body: 'advice: Ask about the grad scheme' }),
      headers: {
        'content-type': 'application/json',
        cookie: s.auth.cookie,
        'x-csrf-token': s.auth.csrf,
      },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: null, advice: 1, referrals: 0, cadenceDays: null });
    expect((await adviceOf(s)).map((a) => a.body)).toEqual(['Ask about the grad scheme']);
  });
});
