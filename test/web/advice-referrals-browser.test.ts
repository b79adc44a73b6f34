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
 * Advice, referrals, sorting and board search in Debian's Chromium against
 * the real server. Screenshots of each step at 1366 and 390 px go to
 * test-artifacts/advice-referrals/; at each, nothing runs off the screen and
 * axe-core finds no fault.
 */

const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'advice-referrals');
const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let dir: string;
let db: Db;
let browser: Browser;
let base: string;
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kith-advice-browser-'));
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

describe('advice and referrals in Chromium', () => {
  test('add advice and a referral (a refusal keeps what was typed), a keyed note, sort and search', async () => {
    const mia = await createContact(
      db,
      {
        name: 'Mia Park',
        emails: ['mia@bank.example'],
        company: 'Bank',
        source: 'outreach',
        stage: 'met',
      },
      new Date().toISOString(),
    );
    const context = await browser.newContext({ viewport: WIDE, bypassCSP: true });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await page.goto(`${base}/contacts/${mia.id}`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/contacts/${mia.id}`);

    await page.getByLabel('Add advice they gave').fill('Talk to the risk team first');
    await page.getByRole('button', { name: 'Add advice' }).click();
    await page.waitForURL(/msg=advice_added/);
    await expect
      .poll(() => page.getByText('Talk to the risk team first').count())
      .toBeGreaterThan(0);
    await shoot(page, '1-advice-added');

    await page.getByText('Add someone they referred you to').click();
    await page.locator('#r-name').fill('Ana Ruiz');
    await page.getByLabel('Mail address').fill('ana-at-fund');
    // The browser's own check would stop a bad address: the server's refusal is what is tested.
    await page.locator('#r-address').evaluate((el) => el.setAttribute('type', 'text'));
    await page.getByRole('button', { name: 'Add referral' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('is not a mail address');
    expect(await page.locator('#r-name').inputValue()).toBe('Ana Ruiz');
    await shoot(page, '2-referral-refused');
    await page.locator('#r-address').fill('ana@fund.example');
    await page.getByRole('button', { name: 'Add referral' }).click();
    await page.waitForURL(/msg=referral_added/);
    await expect
      .poll(() =>
        page
          .getByRole('button', { name: 'Remove Ana Ruiz from the people they referred you to' })
          .count(),
      )
      .toBe(1);
    await shoot(page, '3-referral-added');

    await page.getByLabel('Add a note').fill('Lovely chat.\nadvice: Apply in spring');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/msg=note/);
    await expect.poll(() => page.getByText('Apply in spring').count()).toBeGreaterThan(0);
    await shoot(page, '4-keyed-note');

    await page.goto(`${base}/contacts?sort=next`);
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'Next action ↑' }).count())
      .toBe(1);
    await shoot(page, '5-contacts-by-next-action');

    await page.goto(`${base}/`);
    await page.getByLabel('Find cards by name, company or address').fill('fund.example');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(/q=fund.example/);
    await expect.poll(() => page.locator('li.card').count()).toBe(1);
    await shoot(page, '6-board-search');

    const advice = await db.selectFrom('advice').select('body').orderBy('id').execute();
    expect(advice.map((a) => a.body)).toEqual(['Talk to the risk team first', 'Apply in spring']);
    expect(notFound).toEqual([]);
    await context.close();
  });
});
