import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
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

/** A raw HTTP request from a chosen loopback address (127.0.0.2… are other "machines"). */
function rawRequest(options: {
  method?: string;
  path: string;
  from?: string;
  headers?: Record<string, string>;
  body?: string;
}): {
  done: Promise<{ status: number; location: string; body: string; ms: number }>;
  abort(): void;
} {
  const url = new URL(base);
  const started = Date.now();
  const req = http.request({
    host: url.hostname,
    port: url.port,
    method: options.method ?? 'GET',
    path: options.path,
    localAddress: options.from,
    headers: options.headers,
  });
  const done = new Promise<{ status: number; location: string; body: string; ms: number }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: String(res.headers.location ?? ''),
            body,
            ms: Date.now() - started,
          }),
        );
      });
      req.on('error', reject);
    },
  );
  req.end(options.body);
  return { done, abort: () => req.destroy() };
}

function loginFrom(from: string, password: string) {
  return rawRequest({
    method: 'POST',
    path: '/login',
    from,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ password, next: '/' }).toString(),
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

  it('after login, next only leads to a path on this site', async () => {
    const auth = await login();
    const nexts = [
      '%2F%09%2Fevil.example',
      '%2F%0A%2Fevil.example',
      '%2F%0D%0ASet-Cookie%3A%20x%3D1',
      '%2F%2Fevil.example',
      '%2F%5Cevil.example',
      '%2F%252F%2Fevil.example',
      'https%3A%2F%2Fevil.example',
    ];
    const results = await Promise.all(
      nexts.map(
        (next) =>
          rawRequest({ path: `/login?next=${next}`, headers: { cookie: auth.cookie } }).done,
      ),
    );
    await held(
      {
        suite: SUITE,
        tried: `logged in, GET /login with ${nexts.length} off-site next values (tab, LF, CRLF, //, backslash, double-encoded, absolute URL)`,
        times: nexts.length,
      },
      () => {
        const off = results.filter((r) => r.status !== 302 || r.location !== '/');
        expect(off).toEqual([]);
        return `${results.length} of ${nexts.length} answered 302 to / (no 500, no other site)`;
      },
    );
  });

  it('DNS rebinding: other Host names are refused', async () => {
    const hosts = [
      'evil.example',
      'evil.example:3000',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
    ];
    const refused = await Promise.all(
      hosts.map((host) => rawRequest({ path: '/healthz', headers: { host } }).done),
    );
    const allowed = await Promise.all(
      ['localhost', '127.0.0.1'].map(
        (host) => rawRequest({ path: '/healthz', headers: { host } }).done,
      ),
    );
    await held(
      {
        suite: SUITE,
        tried: `GET /healthz with Host ${hosts.join(', ')} (and localhost, 127.0.0.1)`,
        times: hosts.length + allowed.length,
      },
      () => {
        expect(refused.map((r) => r.status)).toEqual(hosts.map(() => 421));
        expect(allowed.map((r) => r.status)).toEqual([200, 200]);
        return `${hosts.length} of ${hosts.length} foreign names 421; localhost and 127.0.0.1 200`;
      },
    );
  });

  it('public /healthz says only ok; details need a session', async () => {
    const open = await rawRequest({ path: '/healthz' }).done;
    const nosy = await rawRequest({ path: '/healthz?details' }).done;
    const auth = await login();
    const owner = await rawRequest({ path: '/healthz?details', headers: { cookie: auth.cookie } })
      .done;
    await held(
      {
        suite: SUITE,
        tried: 'GET /healthz and /healthz?details without and with a session',
        times: 3,
      },
      () => {
        expect(JSON.parse(open.body)).toEqual({ status: 'ok' });
        expect(nosy.status).toBe(401);
        expect(JSON.parse(owner.body)).toHaveProperty('services');
        return `public: ${open.body} (${open.status}); details without session ${nosy.status}; with session ${Object.keys(JSON.parse(owner.body)).join(', ')}`;
      },
    );
  });

  it('100 unauthenticated 20 MB POSTs to /login do not stall /healthz', async () => {
    const size = 20 * 1024 * 1024;
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const posts = Array.from({ length: 100 }, (_, i) => {
      const started = Date.now();
      const url = new URL(base);
      return new Promise<{ status: number; sentMb: number; ms: number }>((resolve) => {
        let sent = 0;
        const req = http.request({
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/login',
          localAddress: `127.0.1.${(i % 250) + 1}`,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': String(size),
            origin: base,
          },
        });
        const finish = (status: number) =>
          resolve({ status, sentMb: sent / 1024 / 1024, ms: Date.now() - started });
        req.on('response', (res) => {
          res.resume();
          finish(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', () => finish(0));
        const pump = () => {
          while (sent < size && !req.destroyed) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!req.destroyed) req.end();
        };
        pump();
      });
    });
    const probes: number[] = [];
    let all: { status: number; sentMb: number; ms: number }[] | undefined;
    void Promise.all(posts).then((r) => {
      all = r;
    });
    const deadline = Date.now() + 60_000;
    while (all === undefined && Date.now() < deadline) {
      const t = Date.now();
      const res = await fetch(`${base}/healthz`);
      await res.text();
      probes.push(Date.now() - t);
    }
    const results = await Promise.all(posts);
    await held(
      {
        suite: SUITE,
        tried:
          '100 unauthenticated POSTs to /login declaring 20 MB each, at once, while /healthz is polled',
        times: 100,
      },
      () => {
        const refused = results.filter((r) => r.status === 413 || r.status === 0).length;
        expect(refused).toBe(100);
        expect(results.filter((r) => r.status === 413).length).toBeGreaterThan(0);
        const slowest = Math.max(...probes);
        // Was 20 s before bodies were capped. The node server still drains each refused
        // upload for up to 500 ms, and the uploads are pushed from this same 2-core machine.
        expect(slowest).toBeLessThan(5_000);
        const sent = results.reduce((n, r) => n + r.sentMb, 0);
        return `${results.filter((r) => r.status === 413).length} answered 413 before their body was read (${100 - results.filter((r) => r.status === 413).length} cut off), ${sent.toFixed(0)} MB pushed in all; ${probes.length} /healthz probes meanwhile, slowest ${slowest} ms`;
      },
    );
  });

  it('kith refuses to serve beyond loopback without WEB_PASSWORD', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'kith-chaos-open-'));
    try {
      const result = await runCli(['serve'], {
        env: {
          KITH_DATA_DIR: scratch,
          KITH_SECRET: SECRET,
          WEB_HOST: '0.0.0.0',
          WEB_PORT: String(await freePort()),
        },
        cwd: scratch,
        timeoutMs: 30_000,
      });
      await held(
        { suite: SUITE, tried: '`kith serve` with WEB_HOST=0.0.0.0 and no WEB_PASSWORD', times: 1 },
        () => {
          expect(result.code).toBe(1);
          const lines = result.stderr.trim().split('\n');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toContain('WEB_PASSWORD');
          return `exit ${result.code}: "${lines[0]}"`;
        },
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('login brute force from one address is slowed; the owner elsewhere gets in', async () => {
    // A wrong guess fired every 50 ms for 8 s without waiting for answers, from 127.0.0.2.
    const windowMs = 8_000;
    const attempts: ReturnType<typeof loginFrom>[] = [];
    const answers: { status: number; ms: number }[] = [];
    const started = Date.now();
    while (Date.now() - started < windowMs) {
      const attempt = loginFrom('127.0.0.2', `guess-${attempts.length}`);
      attempts.push(attempt);
      attempt.done.then(
        (r) => answers.push({ status: r.status, ms: Date.now() - started }),
        () => {},
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    const checked = answers.filter((a) => a.status === 401);
    const turnedAway = answers.filter((a) => a.status === 429).length;
    const accepted = answers.filter((a) => a.status === 303).length;
    const owner = await loginFrom('127.0.0.1', PASSWORD).done;
    for (const a of attempts) a.abort();
    await held(
      {
        suite: SUITE,
        tried: `a wrong password posted to /login every 50 ms for ${windowMs / 1000} s from one address, then the right one from another`,
        times: attempts.length,
      },
      () => {
        expect(accepted).toBe(0);
        expect(checked.length).toBeLessThanOrEqual(5);
        expect(owner.status).toBe(303);
        return `${attempts.length} tries: ${checked.length} checked (401, at ${checked.map((a) => (a.ms / 1000).toFixed(1)).join(', ')} s), ${turnedAway} turned away unchecked (429), the rest still waiting; the owner's right password: 303 after ${(owner.ms / 1000).toFixed(1)} s`;
      },
    );
  });

  it('40 addresses guessing at once are slowed in total; the right password is never refused', async () => {
    const windowMs = 15_000;
    const started = Date.now();
    let checked = 0;
    let turnedAway = 0;
    let stop = false;
    const live = new Set<ReturnType<typeof loginFrom>>();
    const attacker = async (from: string) => {
      while (!stop) {
        const attempt = loginFrom(from, 'not-the-password');
        live.add(attempt);
        try {
          const r = await attempt.done;
          if (r.status === 401) checked += 1;
          else if (r.status === 429) {
            turnedAway += 1;
            await new Promise((res) => setTimeout(res, 200));
          } else if (r.status === 303) throw new Error('a wrong password was let in');
        } catch {
          // Aborted at the end.
        } finally {
          live.delete(attempt);
        }
      }
    };
    const attackers = Array.from({ length: 40 }, (_, i) =>
      [0, 1].map(() => attacker(`127.0.2.${i + 1}`)),
    ).flat();
    await new Promise((r) => setTimeout(r, windowMs));
    const ownerAt = Date.now();
    const owner = await loginFrom('127.0.0.1', PASSWORD).done;
    const elapsed = (ownerAt - started) / 1000;
    stop = true;
    for (const a of live) a.abort();
    await Promise.all(attackers);
    await held(
      {
        suite: SUITE,
        tried: `40 addresses (127.0.2.1–40), two wrong guesses in flight each, for ${windowMs / 1000} s; then the right password from 127.0.0.1`,
        times: checked + turnedAway,
      },
      () => {
        expect(owner.status).toBe(303);
        expect(owner.ms).toBeLessThanOrEqual(10_500);
        const rate = checked / elapsed;
        expect(rate).toBeLessThan(10);
        return `${checked} guesses checked in ${elapsed.toFixed(0)} s (${rate.toFixed(1)}/s, was 40/s), ${turnedAway} turned away; the owner's right password: 303 after ${(owner.ms / 1000).toFixed(1)} s`;
      },
    );
  });
});
