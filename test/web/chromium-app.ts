import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { loadConfig, withSecret } from '../../src/config.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { createApp } from '../../src/web/app.js';
import { repoRoot } from '../helpers/run-cli.js';
import { PASSWORD, SECRET } from './harness.js';

/**
 * The web app on a real port with a fresh database, and Debian's Chromium,
 * for the page-by-page browser tests; `shoot` takes full-page screenshots at
 * both widths into test-artifacts/<name>/ and checks at each that nothing
 * runs past the right edge and that axe-core finds no fault.
 */

export const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface ChromiumApp {
  db: Db;
  browser: Browser;
  base: string;
  shoot(page: Page, name: string): Promise<void>;
}

interface AxeResult {
  violations: { id: string; help: string; nodes: { target: string[] }[] }[];
}

/** axe-core's faults on the page as it stands (injected past the CSP by the context). */
async function axeFaults(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate('axe.run()')) as AxeResult;
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes[0]?.target.join(' ')})`);
}

/** Registers the start and stop hooks; the fields are set once beforeAll has run. */
export function useChromiumApp(artifactsName: string): ChromiumApp {
  const artifacts = path.join(repoRoot, 'test-artifacts', artifactsName);
  let dir: string;
  let server: ReturnType<typeof serve> | undefined;
  const kith = {
    async shoot(page: Page, name: string): Promise<void> {
      for (const size of [PHONE, WIDE]) {
        await page.setViewportSize(size);
        await page.screenshot({
          path: path.join(artifacts, `${name}-${size.width}.png`),
          fullPage: true,
        });
        const overflow = (await page.evaluate(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        )) as number;
        expect(
          overflow,
          `${name} runs past the right edge at ${size.width} px`,
        ).toBeLessThanOrEqual(0);
        expect(await axeFaults(page), `${name} at ${size.width} px`).toEqual([]);
      }
    },
  } as ChromiumApp;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), `kith-${artifactsName}-browser-`));
    mkdirSync(artifacts, { recursive: true });
    kith.db = openDatabase(path.join(dir, 'kith.sqlite'));
    await migrateToLatest(kith.db);
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
      db: kith.db,
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
    kith.base = `http://127.0.0.1:${port}`;
    kith.browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await kith.browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kith.db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  return kith;
}
