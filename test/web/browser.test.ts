import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import ICAL from 'ical.js';
import { type Browser, chromium, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig, withSecret } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { createSendLoop, type SendLoop } from '../../src/outbox/send-loop.js';
import { createApp } from '../../src/web/app.js';
import { repoRoot } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { PASSWORD, SECRET } from './harness.js';
import { seedContact, seedDraft, seedMeeting, seedMessage } from './seed.js';

/**
 * The web UI in a real browser: Debian's Chromium driven by playwright-core
 * against the real server on a loopback port, a seeded SQLite file, and
 * smtp-server as the peer that receives approved mail.
 */

const ARTIFACTS = path.join(repoRoot, 'test-artifacts');
const XSS_NAME = '<script>window.__xss = 1</script>Mallory';
const XSS_SUBJECT = '<img src=x onerror="window.__xss = 2">Hello';

interface Received {
  to: string[];
  raw: string;
}

let dir: string;
let db: Db;
let browser: Browser;
let base: string;
let server: ReturnType<typeof serve>;
let smtp: SMTPServer;
let loop: SendLoop;
const received: Received[] = [];
const ids: Record<string, number> = {};

async function startSmtp(): Promise<number> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null);
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  return (smtp.server.address() as AddressInfo).port;
}

async function seed(db: Db) {
  const at = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  ids.root = await seedContact(db, {
    name: 'Priya Raman',
    email: 'priya@example.com',
    company: 'Northwind',
    stage: 'thanked',
    at: at(60),
  });
  ids.ana = await seedContact(db, {
    name: 'Ana Souza',
    email: 'ana@example.com',
    company: 'Acme',
    stage: 'met',
    referredById: ids.root,
    at: at(20),
  });
  ids.bo = await seedContact(db, {
    name: 'Bo Chen',
    email: 'bo@example.com',
    company: 'Globex',
    stage: 'contacted',
    referredById: ids.root,
    at: at(9),
  });
  ids.cy = await seedContact(db, {
    name: 'Cyrus Vale',
    email: 'cy@example.com',
    company: 'Initech',
    stage: 'scheduled',
    referredById: ids.ana,
    at: at(5),
  });
  ids.dee = await seedContact(db, {
    name: 'Dee Park',
    email: 'dee@example.com',
    company: 'Umbrella',
    stage: 'prospect',
    at: at(2),
  });
  ids.eve = await seedContact(db, {
    name: 'Eve Moss',
    email: 'eve@example.com',
    company: 'Hooli',
    stage: 'replied',
    referredById: ids.ana,
    at: at(4),
  });
  ids.fay = await seedContact(db, {
    name: 'Fay Ito',
    email: 'fay@example.com',
    stage: 'declined',
    at: at(30),
  });
  ids.mallory = await seedContact(db, {
    name: XSS_NAME,
    email: 'mallory@example.com',
    company: '<b>Evil</b> Corp',
    stage: 'replied',
    at: at(3),
  });
  await seedMessage(db, {
    contactId: ids.mallory,
    direction: 'in',
    kind: 'reply',
    subject: XSS_SUBJECT,
    text: 'Body with <script>window.__xss = 3</script> inside',
    date: at(1),
  });
  await seedMessage(db, {
    contactId: ids.ana,
    direction: 'out',
    kind: 'outreach',
    subject: 'A short question about your work at Acme',
    text: 'Hello Ana,\n\nPriya Raman gave me your name…',
    date: at(19),
  });
  await seedMessage(db, {
    contactId: ids.ana,
    direction: 'in',
    kind: 'reply',
    subject: 'Re: A short question about your work at Acme',
    text: 'Happy to help! Thursday at 15:00 works for me.',
    date: at(17),
  });
  await seedMeeting(db, { contactId: ids.ana, startsAt: at(2), status: 'done' });
  await seedMeeting(db, {
    contactId: ids.cy,
    startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });
  await db
    .insertInto('advice')
    .values({
      contact_id: ids.ana,
      meeting_id: null,
      body: 'Talk to data teams, not only recruiters.',
      source_message_id: null,
      created_at: at(2),
    })
    .execute();
  ids.draftPlain = await seedDraft(db, {
    contactId: ids.ana,
    to: 'ana@example.com',
    kind: 'thank_you',
    subject: 'Thank you, Ana',
    body: 'Hi Ana,\n\nThank you for your time.\n\nOlive',
  });
  ids.draftPlaces = await seedDraft(db, {
    contactId: ids.cy,
    to: 'cy@example.com',
    kind: 'keep_in_touch',
    subject: 'News from Olive',
    body: 'Hi Cy,\n\nI took your advice. [One or two lines of news.]\n\nI start at [Company] in May.\n\nOlive',
  });
  ids.draftEdit = await seedDraft(db, {
    contactId: ids.bo,
    to: 'bo@example.com',
    kind: 'follow_up',
    subject: 'Following up',
    body: 'Hi Bo,\n\nJust following up.\n\nOlive',
  });
  await seedDraft(db, {
    contactId: ids.root,
    to: 'priya@example.com',
    kind: 'outreach',
    subject: 'Hello',
    body: 'x',
    state: 'sent',
    sentAt: at(59),
  });
  await seedDraft(db, {
    contactId: ids.ana,
    to: 'ana@example.com',
    kind: 'outreach',
    subject: 'Hello',
    body: 'x',
    state: 'sent',
    sentAt: at(19),
  });
  await seedDraft(db, {
    contactId: ids.bo,
    to: 'bo@example.com',
    kind: 'outreach',
    subject: 'Hello',
    body: 'x',
    state: 'sent',
    sentAt: at(8),
  });
  const moves: [number, string, string, number][] = [
    [ids.root, 'prospect', 'contacted', 58],
    [ids.root, 'contacted', 'replied', 55],
    [ids.root, 'replied', 'scheduled', 54],
    [ids.root, 'scheduled', 'met', 50],
    [ids.root, 'met', 'thanked', 49],
    [ids.ana, 'prospect', 'contacted', 19],
    [ids.ana, 'contacted', 'replied', 17],
    [ids.ana, 'replied', 'scheduled', 16],
    [ids.ana, 'scheduled', 'met', 2],
    [ids.bo, 'prospect', 'contacted', 8],
    [ids.cy, 'prospect', 'contacted', 4],
    [ids.cy, 'contacted', 'scheduled', 3],
    [ids.eve, 'prospect', 'replied', 3],
  ];
  await db
    .insertInto('stage_history')
    .values(
      moves.map(([id, from, to, d]) => ({
        contact_id: id,
        from_stage: from,
        to_stage: to,
        at: at(d),
        cause: 'seeded',
        manual: 0,
        source_message_id: null,
      })),
    )
    .execute();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kith-web-browser-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const smtpPort = await startSmtp();
  db = openDatabase(path.join(dir, 'kith.sqlite'));
  await migrateToLatest(db);
  await seed(db);
  const config = withSecret(
    loadConfig(
      {
        KITH_DATA_DIR: dir,
        KITH_OWNER_EMAIL: 'olive@example.org',
        KITH_OWNER_NAME: 'Olive Owner',
        KITH_SERVICE_ADDRESS: 'olive+kith@example.org',
        KITH_TIMEZONE: 'Europe/Berlin',
        WEB_PASSWORD: PASSWORD,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtpPort),
        SMTP_SECURE: 'false',
      },
      { cwd: dir },
    ),
    SECRET,
  );
  const logger = createLogger({ secrets: [SECRET], quiet: true, write: () => {} });
  loop = createSendLoop({ db, config, logger, pollMs: 200 });
  await loop.start();
  const app = createApp({
    db,
    config,
    services: [loop],
    logger,
    version: 'test',
    now: () => new Date(),
  });
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve(info.port),
    );
  });
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await loop?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function loggedInPage(width = 1360, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  context.setDefaultTimeout(8_000);
  const page = await context.newPage();
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  await page.goto(`${base}/`);
  await expect.poll(() => page.url()).toContain('/login?next=');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`);
  return page;
}

describe('the web UI in Chromium', () => {
  test('log in, see the board, move a card by its form', async () => {
    const page = await loggedInPage();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Board');
    const dee = page.locator(`li.card[data-contact="${ids.dee}"]`);
    await expect.poll(() => dee.getAttribute('data-stage')).toBe('prospect');
    const column = page.locator('section.column[data-stage="prospect"]');
    await dee.getByLabel('Tick Dee Park to move').check();
    await column.getByLabel('Move ticked to').selectOption('contacted');
    await column.getByLabel('Reason for the move').fill('met at a meetup');
    await column.getByRole('button', { name: 'Move' }).click();
    await page.waitForURL(/\?msg=moved/);
    await expect
      .poll(() => page.locator(`li.card[data-contact="${ids.dee}"]`).getAttribute('data-stage'))
      .toBe('contacted');
    const last = await db
      .selectFrom('stage_history')
      .selectAll()
      .where('contact_id', '=', ids.dee!)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({
      to_stage: 'contacted',
      manual: 1,
      cause: 'moved by hand: met at a meetup',
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'board.png'), fullPage: true });
    const phone = await loggedInPage(390, 844);
    await phone.screenshot({ path: path.join(ARTIFACTS, 'board-phone.png') });
    await phone.context().close();
    await page.context().close();
  });

  test('approve a draft: smtp-server receives it', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/drafts/${ids.draftPlain}`);
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await page.waitForURL(/\/drafts\?msg=approved/);
    const mail = await waitFor(() => received.find((m) => m.to.includes('ana@example.com')), {
      what: 'the approved mail at the SMTP server',
    });
    expect(mail.raw).toContain('Subject: Thank you, Ana');
    expect(mail.raw).toContain('Thank you for your time.');
    await waitFor(
      async () =>
        (
          await db
            .selectFrom('outbox')
            .select('state')
            .where('id', '=', ids.draftPlain!)
            .executeTakeFirst()
        )?.state === 'sent',
      { what: 'the draft to be marked sent' },
    );
    await page.context().close();
  });

  test('edit a draft, then approve: the edited text is what leaves', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/drafts`);
    const box = page.locator(`#draft-${ids.draftEdit}-text`);
    await expect.poll(() => box.inputValue()).toContain('Just following up.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'drafts.png'), fullPage: true });
    await box.fill('Hi Bo,\n\nI read the article you sent — thank you!\n\nOlive');
    await page
      .locator(`article[aria-labelledby="draft-${ids.draftEdit}-h"]`)
      .getByRole('button', { name: 'Approve and send' })
      .click();
    await page.waitForURL(/\/drafts\?msg=approved/);
    const mail = await waitFor(() => received.find((m) => m.to.includes('bo@example.com')), {
      what: 'the edited mail at the SMTP server',
    });
    expect(mail.raw).toMatch(/I read the article you sent/);
    expect(mail.raw).not.toContain('Just following up.');
    await page.context().close();
  });

  test('a draft with [places] cannot be approved; the places are counted and what was typed stays', async () => {
    for (const [width, height, name] of [
      [1366, 900, 'draft-places.png'],
      [390, 844, 'draft-places-phone.png'],
    ] as const) {
      const page = await loggedInPage(width, height);
      await page.goto(`${base}/drafts/${ids.draftPlaces}`);
      const note = page.locator('p.places');
      await expect.poll(() => note.textContent()).toContain('2 places to fill in');
      expect(await note.locator('mark').allTextContents()).toEqual([
        '[One or two lines of news.]',
        '[Company]',
      ]);
      const box = page.locator(`#draft-${ids.draftPlaces}-text`);
      // One place filled, one forgotten: refused, and the typed text is still there.
      const typed =
        'Hi Cy,\n\nI took your advice and it worked.\n\nI start at [Company] in May.\n\nOlive';
      await box.fill(typed);
      await page.getByRole('button', { name: 'Approve and send' }).click();
      await expect
        .poll(() => page.locator('.flash.error').first().textContent())
        .toContain('not sent: it still has 1 place to fill in: [Company]');
      expect(await box.inputValue()).toBe(typed);
      await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
      await page.context().close();
    }
    const row = await db
      .selectFrom('outbox')
      .select(['state', 'body_text'])
      .where('id', '=', ids.draftPlaces!)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('awaiting_approval');
    expect(received.some((m) => m.to.includes('cy@example.com'))).toBe(false);
  });

  test('a move to Met before the meeting asks first and can be undone; cancelling a meeting asks first', async () => {
    for (const [width, height, suffix] of [
      [1366, 900, ''],
      [390, 844, '-phone'],
    ] as const) {
      const page = await loggedInPage(width, height);
      const column = page.locator('section.column[data-stage="scheduled"]');
      await page
        .locator(`li.card[data-contact="${ids.cy}"]`)
        .getByLabel(/^Tick /)
        .check();
      await column.getByLabel('Move ticked to').selectOption('met');
      await column.getByRole('button', { name: 'Move' }).click();
      await expect.poll(() => page.textContent('body')).toContain('Move to Met anyway?');
      await page.screenshot({
        path: path.join(ARTIFACTS, `move-asks${suffix}.png`),
        fullPage: true,
      });
      await page.getByRole('button', { name: 'Yes, move to Met' }).click();
      await page.waitForURL(/msg=moved/);
      await expect
        .poll(() => page.locator(`li.card[data-contact="${ids.cy}"]`).getAttribute('data-stage'))
        .toBe('met');
      await page.getByRole('button', { name: 'Undo this move' }).click();
      await page.waitForURL(/msg=move_undone/);
      await expect
        .poll(() => page.locator(`li.card[data-contact="${ids.cy}"]`).getAttribute('data-stage'))
        .toBe('scheduled');

      await page.goto(`${base}/contacts/${ids.cy}`);
      await page.getByText('Change or cancel').first().click();
      await page.getByRole('button', { name: 'Cancel this meeting' }).click();
      await expect.poll(() => page.textContent('body')).toContain('Cancel the meeting with');
      await page.screenshot({
        path: path.join(ARTIFACTS, `cancel-asks${suffix}.png`),
        fullPage: true,
      });
      await page.getByRole('link', { name: 'No, keep it' }).click();
      await page.waitForURL(new RegExp(`/contacts/${ids.cy}`));
      await page.context().close();
    }
    const meeting = await db
      .selectFrom('meetings')
      .select('status')
      .where('contact_id', '=', ids.cy!)
      .executeTakeFirstOrThrow();
    expect(meeting.status).toBe('confirmed');
    const contact = await db
      .selectFrom('contacts')
      .select('stage')
      .where('id', '=', ids.cy!)
      .executeTakeFirstOrThrow();
    expect(contact.stage).toBe('scheduled');
  });

  test('add a note on a contact page, and take a screenshot of it', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/contacts/${ids.ana}`);
    await page.getByLabel('Add a note').fill('Ask about the <data> team next time.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/\?msg=note/);
    await expect
      .poll(() => page.locator('li.note pre').first().textContent())
      .toBe('Ask about the <data> team next time.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'contact.png'), fullPage: true });
    await page.context().close();
  });

  test('compose an outreach from the template: preview, mailto with BCC, send through the outbox', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/contacts/${ids.eve}`);
    await page.getByRole('link', { name: 'Write an outreach…' }).click();
    await page.waitForURL(/\/compose$/);
    const subject = page.getByLabel('Subject');
    expect(await subject.inputValue()).toBe('Ana suggested I get in touch');
    expect(await page.getByLabel('Text', { exact: true }).inputValue()).toContain('Hello Eve,');
    await page
      .getByLabel('Text', { exact: true })
      .fill('Hello Eve,\n\nAna Souza suggested I write to you.\n\nOlive');
    // The small script keeps the mailto: link in step with the edits.
    const href = await page
      .getByRole('link', { name: 'Open in my mail program' })
      .getAttribute('href');
    const mailto = new URL(href ?? '');
    expect(decodeURIComponent(mailto.pathname)).toBe('eve@example.com');
    expect(mailto.searchParams.get('bcc')).toBe('olive+kith@example.org');
    expect(mailto.searchParams.get('body')).toBe(
      'Hello Eve,\r\n\r\nAna Souza suggested I write to you.\r\n\r\nOlive',
    );
    await page.getByRole('button', { name: 'Update preview' }).click();
    await expect
      .poll(() => page.locator('.preview pre').textContent())
      .toContain('Ana Souza suggested I write to you.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'compose.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send through kith' }).click();
    await page.waitForURL(/msg=queued/);
    const mail = await waitFor(() => received.find((m) => m.to.includes('eve@example.com')), {
      what: 'the outreach at the SMTP server',
    });
    expect(mail.raw).toContain('Subject: Ana suggested I get in touch');
    expect(mail.to).toContain('olive+kith@example.org');
    await page.context().close();
  });

  test('import a file with a progress bar and a per-row report; the health page', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/import`);
    await page.getByLabel('CSV file (name, email, company, title…)').check();
    const rows = Array.from(
      { length: 400 },
      (_, i) => `Imported ${i},imported${i}@example.com,Co ${i}`,
    );
    rows.splice(7, 0, 'No Address,not-an-address,Nowhere');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`Name,Email,Company\n${rows.join('\n')}\n`),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(/\/import\/jobs\//);
    // The polling script reloads the page when the job is done.
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 20_000 })
      .toContain('400 new prospects');
    expect(await page.locator('table tbody tr').first().textContent()).toContain('9');
    await page.screenshot({ path: path.join(ARTIFACTS, 'import.png'), fullPage: true });
    await page.goto(`${base}/health`);
    await expect.poll(() => page.getByRole('heading', { name: 'Services' }).count()).toBe(1);
    expect(await page.locator('li.panel h3').first().textContent()).toContain('outbox');
    await page.screenshot({ path: path.join(ARTIFACTS, 'health.png'), fullPage: true });
    await page.context().close();
  });

  test('a name and subject that are script and img payloads render as text and never run', async () => {
    const page = await loggedInPage();
    for (const url of [`${base}/contacts/${ids.mallory}`, `${base}/`, `${base}/contacts`]) {
      await page.goto(url);
      expect(
        await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss),
      ).toBeUndefined();
    }
    await page.goto(`${base}/contacts/${ids.mallory}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(XSS_NAME);
    expect(await page.locator('.message .subject').first().textContent()).toBe(XSS_SUBJECT);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    await page.context().close();
  });

  test('a cross-site form post is refused and changes nothing', async () => {
    const page = await loggedInPage();
    // An attacker page on another port of the same host (same site, so the cookie IS sent).
    const attacker = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form id="f" method="post" action="${base}/contacts/${ids.ana}/notes"><input name="body" value="forged note"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (attacker.address() as AddressInfo).port;
      const response = page.waitForResponse((r) => r.url().endsWith(`/contacts/${ids.ana}/notes`));
      await page.goto(`http://127.0.0.1:${port}/`);
      expect((await response).status()).toBe(403);
      const notes = await db.selectFrom('notes').select('body').execute();
      expect(notes.map((n) => n.body)).not.toContain('forged note');
    } finally {
      await new Promise<void>((resolve) => attacker.close(() => resolve()));
    }
    await page.context().close();
  });

  test('without a session every page redirects to the login and the API says 401', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const p of [
      '/',
      '/drafts',
      '/numbers',
      `/contacts/${ids.ana}`,
      '/health',
      '/import',
      '/meetings',
    ]) {
      const res = await page.goto(`${base}${p}`);
      expect(res?.url()).toContain('/login?next=');
    }
    const api = await page.goto(`${base}/api/contacts`);
    expect(api?.status()).toBe(401);
    await context.close();
  });

  test('the calendar feed made on the meetings page parses as iCalendar', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/meetings`);
    await page.getByRole('button', { name: 'Make a private calendar address' }).click();
    await page.waitForURL(/msg=feed_new/);
    const url = await page.getByLabel('Calendar address').inputValue();
    const text = await (await fetch(url)).text();
    const events = new ICAL.Component(ICAL.parse(text))
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary)).toContain('Informational interview: Cyrus Vale (Initech)');
    await page.context().close();
  });

  test('the numbers page draws the funnel and the referral tree', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/numbers`);
    await expect
      .poll(() => page.locator('.tree-wrap svg circle').count())
      .toBeGreaterThanOrEqual(5);
    expect(await page.locator('.tree-wrap svg a text').allTextContents()).toContain(
      'Priya Raman (2)',
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'numbers.png'), fullPage: true });
    await page.context().close();
  });

  test('a meeting typed at a time the clocks skip is refused with both readings, the form kept', async () => {
    for (const [width, height, name] of [
      [1366, 900, 'meeting-dst-refused.png'],
      [390, 844, 'meeting-dst-refused-phone.png'],
    ] as const) {
      const page = await loggedInPage(width, height);
      await page.goto(`${base}/contacts/${ids.dee}`);
      await page.getByText('Add a meeting by hand').click();
      // 28 March 2027: Europe switches to summer time at 02:00, so 02:30 never happens.
      await page.locator('#new-start').fill('2027-03-28T02:30');
      await page.locator('#new-tz').selectOption('Europe/Berlin');
      await page.locator('#new-loc').fill('https://meet.example/dee');
      await page.getByRole('button', { name: 'Add meeting' }).click();
      const flash = page.locator('p.flash.error');
      await expect
        .poll(() => flash.textContent())
        .toBe(
          '02:30 on 28 March 2027 does not exist in Europe/Berlin (the clocks skip it): did you mean 01:30 or 03:30?',
        );
      expect(await page.locator('#new-start').inputValue()).toBe('2027-03-28T02:30');
      expect(await page.locator('#new-loc').inputValue()).toBe('https://meet.example/dee');
      expect(await page.locator('#new-tz').inputValue()).toBe('Europe/Berlin');
      expect(await page.locator('#new-error').textContent()).toBe(await flash.textContent());
      await page.locator('#new-error').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, name) });
      await page.context().close();
    }
    const stored = await db
      .selectFrom('meetings')
      .select('id')
      .where('contact_id', '=', ids.dee!)
      .execute();
    expect(stored).toEqual([]);
  });
});
