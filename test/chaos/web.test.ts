import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_PATHS } from '../../src/web/app.js';
import { runCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { makeWeb } from '../web/harness.js';
import { freePort, type KithChild, spawnKith } from './child.js';
import { OWNER, SECRET, SERVICE } from './corpus.js';
import { held } from './results.js';

/**
 * Item 7: a real `kith serve` over HTTP, data that came in by mail (`kith
 * ingest`) and by form, every field carrying markup; Chromium renders it.
 */

const SUITE = '7 web';
const PASSWORD = 'chaos web password';
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '"><svg onload=window.__xss=3>',
  "'><iframe srcdoc='<script>parent.__xss=4</script>'>",
];
const P = PAYLOADS.join(' ');
/** Elements that exist only if some payload was parsed as markup. */
const INJECTED =
  'img[src="x"], svg[onload], iframe[srcdoc], script:not([src]), [onerror], [onload], a[href^="javascript:" i]';

let dir: string;
let child: KithChild;
let base: string;
let browser: Browser;

function eml(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kith-chaos-web-'));
  const env = {
    KITH_DATA_DIR: dir,
    KITH_OWNER_EMAIL: OWNER,
    KITH_OWNER_NAME: 'Sam Owner',
    KITH_SERVICE_ADDRESS: SERVICE,
    KITH_SECRET: SECRET,
    KITH_TIMEZONE: 'Europe/Berlin',
    WEB_PORT: String(await freePort()),
    WEB_PASSWORD: PASSWORD,
  };
  // Fields from mail: names, addresses' display names, subjects, text and HTML bodies.
  const mail = path.join(dir, 'incoming');
  mkdirSync(mail);
  writeFileSync(
    path.join(mail, '1.eml'),
    eml([
      `From: Sam Owner <${OWNER}>`,
      `To: "${PAYLOADS[0]}" <xss@evil.example>`,
      `Bcc: ${SERVICE}`,
      `Subject: ${P}`,
      'Date: Mon, 30 Nov 2026 09:00:00 +0100',
      'Message-ID: <xss-outreach@example.org>',
      '',
      `Hello ${P}`,
    ]),
  );
  writeFileSync(
    path.join(mail, '2.eml'),
    eml([
      `From: "${PAYLOADS[1]}" <xss@evil.example>`,
      `To: ${OWNER}`,
      `Subject: Re: ${P}`,
      'Date: Mon, 30 Nov 2026 10:00:00 +0100',
      'Message-ID: <xss-reply@evil.example>',
      'In-Reply-To: <xss-outreach@example.org>',
      'Content-Type: multipart/alternative; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain',
      '',
      `Sure! ${P}`,
      '--a',
      'Content-Type: text/html',
      '',
      `<p>Sure!</p>${P}<a href="javascript:window.__xss=5">click</a>`,
      '--a--',
    ]),
  );
  const ingested = await runCli(['ingest', mail], { env, cwd: dir, timeoutMs: 60_000 });
  expect(ingested.code, ingested.stdout + ingested.stderr).toBe(0);
  child = spawnKith(['serve'], env);
  base = `http://127.0.0.1:${env.WEB_PORT}`;
  await waitFor(() => fetch(`${base}/healthz`).then(() => true), {
    timeoutMs: 30_000,
    intervalMs: 100,
    what: `kith to listen (${child.output()})`,
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await child?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function login(): Promise<{ cookie: string; setCookie: string; csrf: string }> {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ password: PASSWORD, next: '/' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
  });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const board = await (await fetch(`${base}/`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(board)?.[1] ?? '';
  return { cookie, setCookie, csrf };
}

function post(pathname: string, fields: Record<string, string>, headers: Record<string, string>) {
  return fetch(`${base}${pathname}`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** Route paths of the app, with parameters filled in. */
async function allRoutes(): Promise<{ method: string; path: string; concrete: string }[]> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'kith-chaos-routes-'));
  try {
    const web = await makeWeb(scratch);
    const routes = web.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({
        method: r.method,
        path: r.path,
        concrete: r.path
          .replace(/:file\b/g, 'nope.ics')
          .replace(/:id\b/g, '1')
          .replace(/:[a-z]+/gi, 'x')
          .replace(/\*$/, 'x'),
      }));
    await web.db.destroy();
    return routes;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const isPublic = (p: string) =>
  PUBLIC_PATHS.some((pub) => p === pub || (pub.endsWith('*') && p.startsWith(pub.slice(0, -1))));

describe('web', () => {
  it('every route without a session is refused', async () => {
    const routes = await allRoutes();
    const open: string[] = [];
    let refused = 0;
    for (const route of routes.filter((r) => !isPublic(r.path))) {
      const res = await fetch(`${base}${route.concrete}`, {
        method: route.method,
        redirect: 'manual',
        headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
        body: route.method === 'GET' || route.method === 'HEAD' ? undefined : '',
      });
      const location = res.headers.get('location') ?? '';
      if (res.status === 401 || (res.status === 302 && location.startsWith('/login'))) refused += 1;
      else open.push(`${route.method} ${route.path} → ${res.status}`);
    }
    await held(
      {
        suite: SUITE,
        tried: 'every non-public route (method + path from the app) requested without a session',
        times: refused + open.length,
      },
      () => {
        expect(open).toEqual([]);
        return `${refused} of ${refused + open.length} refused (401 or 302 to /login); public: ${PUBLIC_PATHS.join(', ')}`;
      },
    );
  });

  it('markup from mail and forms is shown as text in Chromium; CSRF refused; cookie flags', async () => {
    const auth = await login();
    const headers = { cookie: auth.cookie, origin: base };
    // Fields from forms.
    const contact = 1;
    const formPosts: [string, Record<string, string>][] = [
      [`/contacts/${contact}`, { name: `Eve ${PAYLOADS[2]}`, company: P, title: P, linkedin: '' }],
      [
        `/contacts/${contact}/notes`,
        { body: `Note ${P}\nadvice: ${P}\nreferral: ${PAYLOADS[3]} <ref@evil.example>` },
      ],
      [
        `/contacts/${contact}/meetings`,
        { start: '2026-12-10T10:00', minutes: '30', mode: 'video', location: P },
      ],
    ];
    const formStatuses: number[] = [];
    for (const [pathname, fields] of formPosts) {
      const res = await post(pathname, { _csrf: auth.csrf, ...fields }, headers);
      formStatuses.push(res.status);
    }
    // A javascript: profile link is refused outright.
    const jsLink = await post(
      `/contacts/${contact}`,
      { _csrf: auth.csrf, name: 'Eve', linkedin: 'javascript:window.__xss=6' },
      headers,
    );
    const pages = [
      '/',
      `/contacts/${contact}`,
      '/contacts',
      '/drafts',
      '/meetings',
      '/numbers',
      '/health',
    ];
    const context = await browser.newContext();
    await context.addCookies([
      {
        name: auth.cookie.split('=')[0] as string,
        value: auth.cookie.slice(auth.cookie.indexOf('=') + 1),
        url: base,
      },
    ]);
    const page = await context.newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs += 1;
      await d.dismiss();
    });
    const found: string[] = [];
    let shownAsText = 0;
    for (const p of pages) {
      await page.goto(`${base}${p}`);
      // Runs in the page (a string: this file is type-checked without the DOM library).
      const result = (await page.evaluate(`(() => ({
        xss: window.__xss ?? null,
        injected: document.querySelectorAll(${JSON.stringify(INJECTED)}).length,
        text: document.body.innerText,
      }))()`)) as { xss: unknown; injected: number; text: string };
      if (result.xss !== null || result.injected > 0)
        found.push(`${p}: ${JSON.stringify(result.xss)} / ${result.injected} elements`);
      shownAsText += PAYLOADS.filter((pl) => result.text.includes(pl)).length;
    }
    await context.close();
    await held(
      {
        suite: SUITE,
        tried: `${PAYLOADS.length} XSS payloads in every field from mail (names, subjects, text, HTML) and forms (details, notes, meeting place), ${pages.length} pages in Chromium`,
        times: pages.length,
      },
      () => {
        if (!formStatuses.every((s) => s === 303))
          throw new Error(`form posts: ${formStatuses.join(', ')}`);
        expect(found).toEqual([]);
        expect(jsLink.status).toBe(400);
        expect(dialogs).toBe(0);
        expect(shownAsText).toBeGreaterThan(pages.length);
        return `0 scripts run, 0 injected elements, 0 dialogs; payloads visible as text ${shownAsText} times; a javascript: link refused (${jsLink.status})`;
      },
    );

    const notesBefore = await (await fetch(`${base}/contacts/${contact}`, { headers })).text();
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      [
        'cross-site origin',
        { _csrf: auth.csrf },
        { cookie: auth.cookie, origin: 'https://evil.example' },
      ],
      [
        'Sec-Fetch-Site cross-site',
        { _csrf: auth.csrf },
        { cookie: auth.cookie, 'sec-fetch-site': 'cross-site' },
      ],
      ['no token', {}, headers],
      ['wrong token', { _csrf: 'x'.repeat(43) }, headers],
    ];
    const csrf: string[] = [];
    for (const [name, extra, h] of attempts) {
      const res = await post(`/contacts/${contact}/notes`, { body: 'FORGED-NOTE', ...extra }, h);
      csrf.push(`${name} ${res.status}`);
    }
    const notesAfter = await (await fetch(`${base}/contacts/${contact}`, { headers })).text();
    await held(
      {
        suite: SUITE,
        tried: 'cross-site / tokenless form posts with a valid session',
        times: attempts.length,
      },
      () => {
        expect(csrf.every((c) => c.endsWith(' 403'))).toBe(true);
        expect(notesAfter).not.toContain('FORGED-NOTE');
        expect(notesBefore).not.toContain('FORGED-NOTE');
        return `${csrf.join(', ')}; no note stored`;
      },
    );

    const behindTls = await post(
      '/login',
      { password: PASSWORD, next: '/' },
      { origin: base, 'x-forwarded-proto': 'https' },
    );
    const tlsCookie = behindTls.headers.get('set-cookie') ?? '';
    await held(
      {
        suite: SUITE,
        tried: 'session cookie flags (login over plain http, and behind an https proxy)',
        times: 2,
      },
      () => {
        expect(tlsCookie).toMatch(/;\s*Secure/i);
        expect(tlsCookie).toMatch(/HttpOnly/i);
        expect(auth.setCookie).toMatch(/HttpOnly/i);
        expect(auth.setCookie).toMatch(/SameSite=(Strict|Lax)/i);
        expect(auth.setCookie).toMatch(/Path=\//i);
        const flags = auth.setCookie
          .split(';')
          .slice(1)
          .map((f) => f.trim().split('=')[0]);
        return `http: ${flags.join(', ')}; behind https: + Secure`;
      },
    );
  });

  it('login brute force is slowed', async () => {
    // A guess every 50 ms for 8 s: with waits of 1, 2, 4… s after each failure, only a
    // handful are ever checked; the rest are refused unchecked.
    const windowMs = 8_000;
    const statuses: Record<number, number> = {};
    const checkedAt: number[] = [];
    const started = Date.now();
    let maxRetry = 0;
    let tries = 0;
    while (Date.now() - started < windowMs) {
      tries += 1;
      const res = await post('/login', { password: `guess-${tries}` }, { origin: base });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 401) checkedAt.push(Date.now() - started);
      maxRetry = Math.max(maxRetry, Number(res.headers.get('retry-after') ?? 0));
      await new Promise((r) => setTimeout(r, 50));
    }
    const right = await post('/login', { password: PASSWORD }, { origin: base });
    await held(
      {
        suite: SUITE,
        tried: `a wrong password posted to /login every 50 ms for ${windowMs / 1000} s`,
        times: tries,
      },
      () => {
        expect(statuses[303] ?? 0).toBe(0);
        expect(checkedAt.length).toBeLessThanOrEqual(5);
        expect(right.status).toBe(429);
        return `${tries} tries: ${checkedAt.length} checked (401, at ${checkedAt.map((t) => (t / 1000).toFixed(1)).join(', ')} s), ${statuses[429] ?? 0} refused unchecked (429, Retry-After up to ${maxRetry} s); even the right password waits`;
      },
    );
  });
});
