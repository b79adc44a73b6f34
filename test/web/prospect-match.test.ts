import { afterEach, describe, expect, it } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail, newMessageId } from '../inbox/build-mail.js';
import { get, login, makeWeb, SECRET } from './harness.js';

/**
 * An outreach BCC'd to kith for a prospect imported without an address
 * lands on that prospect (by LinkedIn profile or exact name), and the
 * contact's history says how it was matched.
 */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const web = await makeWeb(tempDir());
  const logger = createLogger({ secrets: [SECRET], write: () => undefined });
  const ingester = createIngester({
    db: web.db,
    config: web.config,
    logger,
    now: () => web.clock.now,
    ...outboxPorts(web.config, logger),
  });
  cleanups.push(async () => {
    await web.db.destroy();
  });
  const imported = async (name: string, linkedinUrl?: string, emails: string[] = []) =>
    (
      await createContact(
        web.db,
        { name, linkedinUrl: linkedinUrl ?? null, emails, source: 'import:linkedin' },
        '2026-11-20T10:00:00.000Z',
      )
    ).id;
  const outreach = (to: string, text = 'Hi, would you have 20 minutes for a chat? Sam') =>
    ingester.ingest(
      Buffer.from(
        buildMail({
          from: 'Olive Owner <owner@example.org>',
          to: [to],
          bcc: ['owner+kith@example.org'],
          subject: 'A question about data engineering',
          messageId: newMessageId('example.org'),
          text,
        }),
      ),
      { label: 'maildir:1', receivedAt: web.clock.now },
    );
  return { web, imported, outreach, auth: await login(web) };
}

async function contactOf(s: Awaited<ReturnType<typeof setup>>, id: number) {
  const contact = await s.web.db
    .selectFrom('contacts')
    .select(['stage'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const emails = await s.web.db
    .selectFrom('contact_emails')
    .select(['address', 'is_primary'])
    .where('contact_id', '=', id)
    .execute();
  const count = await s.web.db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { ...contact, emails, contacts: Number(count.n) };
}

describe('outreach for an imported prospect', () => {
  it('lands on the prospect with no address by exact name, and the history says so', async () => {
    const s = await setup();
    const noah = await s.imported('Noah Becker');
    await s.imported('Mia Park');
    const outcome = await s.outreach('"noah becker" <noah@bank.example>');
    expect(outcome.status).toBe('stored');
    expect(await contactOf(s, noah)).toEqual({
      stage: 'contacted',
      emails: [{ address: 'noah@bank.example', is_primary: 1 }],
      contacts: 2,
    });
    const page = await (await get(s.web, s.auth, `/contacts/${noah}`)).text();
    expect(page).toContain('matched to the imported prospect by name; noah@bank.example added');
  });

  it('matches by the LinkedIn profile the mail links to, even under another name', async () => {
    const s = await setup();
    const ana = await s.imported('Ana Souza', 'https://www.linkedin.com/in/ana-souza/');
    await s.outreach(
      'A. Souza <ana@acme.example>',
      'Hi Ana, I found you at https://linkedin.com/in/Ana-Souza?trk=x and would love 20 minutes.',
    );
    expect(await contactOf(s, ana)).toMatchObject({ stage: 'contacted', contacts: 1 });
    const history = await s.web.db
      .selectFrom('stage_history')
      .select('cause')
      .where('contact_id', '=', ana)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(history.cause).toContain('matched to the imported prospect by LinkedIn profile');
  });

  it('never guesses between namesakes, nor takes a namesake who has an address', async () => {
    const s = await setup();
    await s.imported('Lee Chen');
    await s.imported('Lee Chen');
    await s.imported('Kim Ode', undefined, ['kim@old.example']);
    await s.outreach('Lee Chen <lee@new.example>');
    await s.outreach('Kim Ode <kim@new.example>');
    const made = await s.web.db
      .selectFrom('contacts')
      .select(['name', 'source'])
      .where('source', '=', 'outreach')
      .orderBy('id')
      .execute();
    expect(made).toEqual([
      { name: 'Lee Chen', source: 'outreach' },
      { name: 'Kim Ode', source: 'outreach' },
    ]);
  });
});
