import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig, withSecret } from '../../src/config.js';
import { createContact } from '../../src/db/contacts.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { createApp } from '../../src/web/app.js';
import { repoRoot } from '../helpers/run-cli.js';
import { PASSWORD, SECRET } from './harness.js';

/**
 * Contacts by hand in Debian's Chromium against the real server: add a
 * contact through the form, then merge a duplicate into it. Screenshots of
 * each step at 1366 and 390 px go to test-artifacts/contacts/; at each,
 * nothing runs off the screen and axe-core finds no fault.
 */

const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'contacts');
const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let dir: string;
let db: Db;
let browser: Browser;
let base: string;
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kith-contacts-browser-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  db = openDatabase(path.join(dir, 'kith.sqlite'));
  await migrateToLatest(db);
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
    services: [],
    logger: createLogger({ secrets: [SECRET], quiet: true, write: () => {} }),
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
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

interface AxeResult {
  violations: { id: string; help: string; nodes: { target: string[] }[] }[];
}

/** axe-core's faults on the page as it stands (injected past the CSP by the context). */
async function axeFaults(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate('axe.run()')) as AxeResult;
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes[0]?.target.join(' ')})`);
}

/**
 * Full-page screenshots of the current page at both widths; at each, nothing
 * may run past the right edge and axe-core may find no fault.
 */
async function shoot(page: Page, name: string): Promise<void> {
  for (const size of [PHONE, WIDE]) {
    await page.setViewportSize(size);
    await page.screenshot({
      path: path.join(ARTIFACTS, `${name}-${size.width}.png`),
      fullPage: true,
    });
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )) as number;
    expect(overflow, `${name} runs past the right edge at ${size.width} px`).toBeLessThanOrEqual(0);
    expect(await axeFaults(page), `${name} at ${size.width} px`).toEqual([]);
  }
}

describe('contacts by hand in Chromium', () => {
  test('add a contact, then merge a duplicate into it', async () => {
    const context = await browser.newContext({ viewport: WIDE, bypassCSP: true });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await page.goto(`${base}/contacts`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/contacts`);
    await expect.poll(() => page.getByText('No contacts yet').count()).toBe(1);
    await shoot(page, '1-empty-contacts');

    await page.getByRole('link', { name: 'Add a contact' }).first().click();
    await page.waitForURL(`${base}/contacts/new`);
    // Nothing given: refused, and the typed company stays.
    await page.getByLabel('Company').fill('Northwind Bank');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Give at least a name, an address or a LinkedIn URL.');
    expect(await page.getByLabel('Company').inputValue()).toBe('Northwind Bank');
    await shoot(page, '2-add-refused');

    await page.getByLabel('Name').fill('Noah Becker');
    await page.getByLabel('Title').fill('Data analyst');
    await page.getByLabel('LinkedIn URL').fill('https://www.linkedin.com/in/noah-becker');
    await page.getByLabel('How you know them').fill('Met at the PyData meetup');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.waitForURL(/\/contacts\/\d+\?msg=contact_added/);
    const keptId = Number(/\/contacts\/(\d+)/.exec(page.url())?.[1]);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Noah Becker');
    await expect
      .poll(() => page.getByText('How I know them: Met at the PyData meetup').count())
      .toBe(1);
    await shoot(page, '3-added');

    // A duplicate came in by mail with the address: merge it into the contact just added.
    const dup = await createContact(
      db,
      {
        name: 'N. Becker',
        emails: ['noah@northwind.example'],
        source: 'outreach',
        stage: 'contacted',
      },
      new Date().toISOString(),
    );
    await page.reload();
    await page
      .getByLabel('Merge another contact into this one')
      .fill('N. Becker <noah@northwind.example>');
    await page.getByRole('button', { name: 'Merge…' }).click();
    await page.waitForURL(/\/merge\?with=/);
    await shoot(page, '4-merge-confirm');
    await page.getByRole('button', { name: 'Merge into Noah Becker' }).click();
    await page.waitForURL(`${base}/contacts/${keptId}?msg=merged`);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Merged');
    await expect
      .poll(() => page.locator('ul.addresses').textContent())
      .toContain('noah@northwind.example');
    await shoot(page, '5-merged');

    const rows = await db.selectFrom('contacts').select(['id', 'stage', 'company']).execute();
    expect(rows).toEqual([{ id: keptId, stage: 'contacted', company: 'Northwind Bank' }]);
    expect(dup.id).not.toBe(keptId);
    const last = await db
      .selectFrom('stage_history')
      .select(['cause', 'manual'])
      .where('contact_id', '=', keptId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.cause).toMatch(/^merged with N\. Becker/);
    expect(notFound).toEqual([]);
    await context.close();
  });
});
