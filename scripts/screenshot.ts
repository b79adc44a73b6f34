import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildDemo } from '../src/demo/run-demo.js';
import { createLogger } from '../src/log.js';
import { startKith } from '../src/main.js';

/**
 * `npm run screenshot`: builds the demo in a temp folder, runs kith on it,
 * logs in with the one-time link and saves the board as docs/board.png.
 * Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 */

const out = path.resolve(process.argv[2] ?? 'docs/board.png');
const dir = mkdtempSync(path.join(tmpdir(), 'kith-screenshot-'));
const lines: string[] = [];
const logger = createLogger({ secrets: [], quiet: true, write: (line) => lines.push(line) });

/** A port nothing listens on right now (WEB_PORT must be a real port). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

try {
  const demo = await buildDemo({
    dataDir: path.join(dir, 'demo'),
    port: await freePort(),
    end: new Date(),
    logger,
  });
  const kith = await startKith(demo.config, logger);
  try {
    const link = lines.map((l) => /(http:\/\/\S+\/login\?token=\S+)/.exec(l)?.[1]).find(Boolean);
    if (!link) throw new Error(`no login link in the log:\n${lines.join('\n')}`);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    });
    try {
      const page = await browser.newPage({
        viewport: { width: 1440, height: 900 },
        deviceScaleFactor: 1,
      });
      // The link only fills the login form (a link preview must not spend it): submit it.
      await page.goto(link);
      await Promise.all([
        page.waitForURL((u) => !u.pathname.startsWith('/login')),
        page.click('button[type=submit]'),
      ]);
      await page.goto(`${kith.url}/`);
      await page.waitForSelector('[data-stage]', { state: 'attached' });
      await page.screenshot({ path: out });
    } finally {
      await browser.close();
    }
  } finally {
    await kith.stop();
  }
  process.stdout.write(`saved ${out}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
