import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig, withSecret } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import type { Service } from '../../src/service.js';
import { createApp } from '../../src/web/app.js';
import { repoRoot } from '../helpers/run-cli.js';
import { PASSWORD, SECRET } from './harness.js';
import { seedContact, seedDraft, seedMeeting, seedMessage } from './seed.js';

/**
 * Every page, logged in over seeded data, in Chromium at a laptop's and a
 * phone's width: nothing may stick out past the right edge of the phone's
 * screen, and axe-core may find no accessibility fault. Screenshots of each
 * page at both widths go to test-artifacts/pages/ to be looked at.
 */

const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'pages');
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WIDTHS = [
  { name: 'laptop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let dir: string;
let db: Db;
let browser: Browser;
let base: string;
let server: ReturnType<typeof serve>;
const ids: Record<string, number> = {};
const now = new Date();
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

/** What the real services report, so the health page shows its usual content. */
const services: Service[] = [
  {
    name: 'inbox',
    start: async () => {},
    stop: async () => {},
    status: () => ({
      state: 'ok',
      detail: {
        source: 'imap',
        host: 'imap.example.org',
        mailboxes: [
          {
            path: 'INBOX',
            connected: true,
            idling: true,
            lastMessageAt: daysAgo(0.1),
            lastError: null,
          },
          {
            path: 'Sent',
            connected: true,
            idling: false,
            lastMessageAt: daysAgo(1),
            lastError: null,
            backfill: { done: 120, total: 480 },
          },
        ],
        stats: { headersFetched: 910, structuresFetched: 40, bodiesFetched: 38, quarantined: 1 },
      },
    }),
  },
  {
    name: 'outbox',
    start: async () => {},
    stop: async () => {},
    status: () => ({
      state: 'degraded',
      detail: {
        transport: 'smtp',
        drafts: 'present',
        sent: 12,
        failed: 1,
        waitingForHourlyCap: 2,
        lastRoundAt: daysAgo(0.01),
        lastError: 'connect ECONNREFUSED 127.0.0.1:587',
      },
    }),
  },
  {
    name: 'scheduler',
    start: async () => {},
    stop: async () => {},
    status: () => ({
      state: 'ok',
      detail: { lastTick: { at: daysAgo(0.001), ms: 12, jobs: 3, failed: 0 }, lastError: null },
    }),
  },
];

async function seed(db: Db) {
  ids.priya = await seedContact(db, {
    name: 'Priya Raman',
    email: 'priya@example.com',
    company: 'Northwind',
    stage: 'thanked',
    at: daysAgo(60),
  });
  ids.ana = await seedContact(db, {
    name: 'Ana Souza',
    email: 'ana@example.com',
    company: 'Acme Analytics International',
    stage: 'scheduled',
    referredById: ids.priya,
    at: daysAgo(20),
  });
  ids.bo = await seedContact(db, {
    name: 'Bo Chen',
    email: 'bo.chen.with.a.rather.long.address@subsidiary.globex-corporation.example.com',
    company: 'Globex',
    stage: 'contacted',
    referredById: ids.ana,
    at: daysAgo(9),
  });
  for (const [name, stage, by] of [
    ['Cyrus Vale', 'replied', ids.ana],
    ['Dee Park', 'prospect', ids.priya],
    ['Eve Moss', 'met', ids.bo],
    ['Fay Ito', 'declined', undefined],
    ['Gus Hart', 'keeping_in_touch', ids.priya],
  ] as const) {
    ids[name] = await seedContact(db, {
      name,
      email: `${name.split(' ')[0]?.toLowerCase()}@example.com`,
      company: 'Initech',
      stage,
      referredById: by,
      at: daysAgo(5),
    });
  }
  await db.updateTable('contacts').set({ source: 'import:csv' }).where('id', '=', ids.bo).execute();
  await seedMessage(db, {
    contactId: ids.ana,
    direction: 'out',
    kind: 'outreach',
    subject: 'A short question about your work at Acme',
    text: 'Hello Ana,\n\nPriya Raman gave me your name…',
    date: daysAgo(19),
  });
  await seedMessage(db, {
    contactId: ids.ana,
    direction: 'in',
    kind: 'reply',
    subject: 'Re: A short question about your work at Acme',
    text: 'Happy to help! Thursday at 15:00 works for me.',
    date: daysAgo(17),
    from: 'ana@example.com',
  });
  await seedMessage(db, {
    contactId: ids.ana,
    direction: 'out',
    kind: 'owner_command',
    subject: 'Re: [kith] Draft: Thank you, Ana',
    text: 'approve',
    date: daysAgo(16),
  });
  ids.meeting = await seedMeeting(db, { contactId: ids.ana, startsAt: daysAgo(-3) });
  await seedMeeting(db, { contactId: ids.priya, startsAt: daysAgo(50), status: 'done' });
  await seedMeeting(db, {
    contactId: ids['Eve Moss'] as number,
    startsAt: daysAgo(4),
    status: 'cancelled',
  });
  ids.draft = await seedDraft(db, {
    contactId: ids['Eve Moss'] as number,
    to: 'eve@example.com',
    kind: 'thank_you',
    subject: 'Thank you, Eve',
    body: 'Hi Eve,\n\nThank you for your time. [One thing you learned.]\n\nOlive',
  });
  ids.sent = await seedDraft(db, {
    contactId: ids.ana,
    to: 'ana@example.com',
    kind: 'follow_up',
    subject: 'Looking forward to Thursday',
    body: 'Hi Ana,\n\nLooking forward to our talk on Thursday.\n\nOlive',
    state: 'sent',
    sentAt: daysAgo(16),
  });
  await seedDraft(db, {
    contactId: ids.bo,
    to: 'bo@example.com',
    kind: 'follow_up',
    subject: 'Following up',
    body: 'Hi Bo',
    state: 'failed',
  });
  await db
    .insertInto('jobs')
    .values([
      {
        kind: 'prep_brief',
        subject_key: `meeting:${ids.meeting}`,
        occurrence: '1',
        due_at: daysAgo(0.2),
        state: 'done',
        reason: null,
        ran_at: daysAgo(0.2),
      },
      {
        kind: 'follow_up',
        subject_key: `contact:${ids.bo}`,
        occurrence: '1',
        due_at: daysAgo(1),
        state: 'dropped',
        reason: 'they replied',
        ran_at: daysAgo(1),
      },
      {
        kind: 'weekly_digest',
        subject_key: 'owner',
        occurrence: '1',
        due_at: daysAgo(2),
        state: 'done',
        reason: null,
        ran_at: daysAgo(2),
      },
      {
        kind: 'stage_after_send',
        subject_key: `outbox:${ids.sent}`,
        occurrence: '1',
        due_at: daysAgo(16),
        state: 'done',
        reason: null,
        ran_at: daysAgo(16),
      },
    ])
    .execute();
  await db
    .insertInto('quarantine')
    .values({
      source: 'imap:INBOX:4711',
      reason: 'no sender address could be read',
      message_id: 'odd@example.net',
      subject: 'Hello?',
      size: 2048,
      from_address: null,
      created_at: daysAgo(1),
    })
    .execute();
  await db
    .insertInto('sync_state')
    .values({ mailbox: 'INBOX', last_uid: 4711, uid_validity: '1', updated_at: daysAgo(0.1) })
    .execute();
  const moves: [number, string, string, number][] = [
    [ids.priya, 'prospect', 'contacted', 58],
    [ids.priya, 'contacted', 'met', 50],
    [ids.priya, 'met', 'thanked', 49],
    [ids.ana, 'prospect', 'contacted', 19],
    [ids.ana, 'contacted', 'replied', 17],
    [ids.ana, 'replied', 'scheduled', 16],
  ];
  await db
    .insertInto('stage_history')
    .values(
      moves.map(([id, from, to, d]) => ({
        contact_id: id,
        from_stage: from,
        to_stage: to,
        at: daysAgo(d),
        cause: 'seeded',
        manual: 0,
        source_message_id: null,
      })),
    )
    .execute();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kith-every-page-'));
  mkdirSync(ARTIFACTS, { recursive: true });
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
      },
      { cwd: dir },
    ),
    SECRET,
  );
  const app = createApp({
    db,
    config,
    services,
    logger: createLogger({ secrets: [SECRET], quiet: true, write: () => {} }),
    version: 'test',
    now: () => new Date(),
    upcomingJobs: async () => [
      { kind: 'thank_you', subject: `meeting:${ids.meeting}`, dueAt: daysAgo(-3.1) },
      { kind: 'follow_up', subject: `contact:${ids.bo}`, dueAt: daysAgo(-2) },
    ],
  });
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve(info.port),
    );
  });
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** A browser context at this size; logged in unless asked not to. axe is injected past the CSP. */
async function pageAt(width: number, height: number, loggedIn = true): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
  context.setDefaultTimeout(8_000);
  const page = await context.newPage();
  if (!loggedIn) return page;
  await page.goto(`${base}/login`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`);
  return page;
}

/** The pages to look at: path, artifact name, and whether it needs the login. */
function pages(): { name: string; path: string; loggedIn: boolean }[] {
  return [
    { name: 'login', path: '/login', loggedIn: false },
    { name: 'board', path: '/', loggedIn: true },
    { name: 'contacts', path: '/contacts', loggedIn: true },
    { name: 'contact', path: `/contacts/${ids.ana}`, loggedIn: true },
    { name: 'contact-imported', path: `/contacts/${ids.bo}`, loggedIn: true },
    { name: 'compose', path: `/contacts/${ids['Dee Park']}/compose`, loggedIn: true },
    { name: 'drafts', path: '/drafts', loggedIn: true },
    { name: 'draft', path: `/drafts/${ids.draft}`, loggedIn: true },
    { name: 'meetings', path: '/meetings', loggedIn: true },
    { name: 'numbers', path: '/numbers', loggedIn: true },
    { name: 'import', path: '/import', loggedIn: true },
    { name: 'health', path: '/health', loggedIn: true },
  ];
}

/**
 * The page's scroll width and the elements whose right edge lies past the
 * viewport. Run in the page (the tests' TypeScript has no DOM types, hence a string).
 */
const OVERFLOW_PROBE = `(() => {
  const width = window.innerWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    // The skip link waits off-screen to the left; visually hidden text is clipped to 1 px.
    if (box.right <= 0 || (style.position === 'absolute' && box.width <= 1)) continue;
    if (box.right > width + 0.5) {
      const id = el.getAttribute('id');
      const classes = el.getAttribute('class');
      culprits.push(el.tagName.toLowerCase() + (id ? '#' + id : '') +
        (classes ? '.' + classes.split(' ').join('.') : '') + ' right=' + Math.round(box.right));
    }
  }
  return { scrollWidth: document.scrollingElement.scrollWidth, width, culprits: culprits.slice(0, 8) };
})()`;

function overflowing(
  page: Page,
): Promise<{ scrollWidth: number; width: number; culprits: string[] }> {
  return page.evaluate(OVERFLOW_PROBE);
}

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  const result = (await page.evaluate('axe.run()')) as AxeResult;
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 4)
        .map((n) => n.target.join(' '))
        .join(', ')}${v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ''}`,
  );
}

describe('every page at a laptop’s and a phone’s width', () => {
  test('nothing sticks out past the right edge at 390 px; axe-core finds no fault', async () => {
    const overflow: string[] = [];
    const faults: string[] = [];
    for (const size of WIDTHS) {
      const loggedIn = await pageAt(size.width, size.height);
      const anonymous = await pageAt(size.width, size.height, false);
      for (const p of pages()) {
        const page = p.loggedIn ? loggedIn : anonymous;
        const res = await page.goto(`${base}${p.path}`);
        expect(res?.status(), p.path).toBe(200);
        await page.screenshot({
          path: path.join(ARTIFACTS, `${p.name}-${size.name}.png`),
          fullPage: true,
        });
        if (size.name === 'phone') {
          const o = await overflowing(page);
          if (o.scrollWidth > o.width || o.culprits.length > 0) {
            overflow.push(`${p.name}: page ${o.scrollWidth} px wide; ${o.culprits.join('; ')}`);
          }
        }
        for (const v of await axeViolations(page)) faults.push(`${p.name} at ${size.width}: ${v}`);
      }
      await loggedIn.context().close();
      await anonymous.context().close();
    }
    expect({ overflow, faults }).toEqual({ overflow: [], faults: [] });
  }, 180_000);
});
