import { describe, expect, test } from 'vitest';
import { PUBLIC_PATHS } from '../../src/web/app.js';
import {
  announceLoginLink,
  issueLoginToken,
  spendLoginToken,
} from '../../src/web/auth/login-token.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, PASSWORD, postForm, type TestWeb } from './harness.js';
import { seedContact } from './seed.js';

const tempDir = useTempDir();
const ORIGIN = 'http://kith.test';
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
});

/** A concrete URL for a route pattern: parameters become plausible values. */
function concrete(path: string): string {
  return path
    .replace(/:file\b/g, 'nope.ics')
    .replace(/:id\b/g, '1')
    .replace(/:[a-z]+/gi, 'x')
    .replace(/\*$/, 'x');
}

describe('login', () => {
  test('the right password gives a signed, HttpOnly, SameSite=Strict session cookie', async () => {
    const web = await makeWeb(tempDir());
    const res = await web.app.request(
      `${ORIGIN}/login`,
      form({ password: PASSWORD, next: '/drafts' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/drafts');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^kith_session=[\w-]+\.\d+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
    const page = await web.app.request(`${ORIGIN}/drafts`, {
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(page.status).toBe(200);
  });

  test('over https the cookie is Secure; an off-site "next" is ignored', async () => {
    const web = await makeWeb(tempDir());
    const res = await web.app.request(
      'https://kith.test/login',
      form({ password: PASSWORD, next: '//evil.example/' }, { origin: 'https://kith.test' }),
    );
    expect(res.headers.get('set-cookie')).toContain('Secure');
    expect(res.headers.get('location')).toBe('/');
  });

  test('wrong passwords wait longer each time; the right one waits its turn, then gets in', async () => {
    const waits: number[] = [];
    const web: TestWeb = await makeWeb(tempDir(), {
      deps: {
        sleep: async (ms) => {
          waits.push(ms);
          web.clock.now = new Date(web.clock.now.getTime() + ms);
        },
      },
    });
    const from = (address: string) => ({
      incoming: { socket: { remoteAddress: address, remoteFamily: 'IPv4' } },
    });
    const bad = () =>
      web.app.request(`${ORIGIN}/login`, form({ password: 'wrong-password' }), from('192.0.2.1'));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await bad();
      statuses.push(res.status);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(waits).toEqual([1000, 2000, 4000]);
    // Another address only shares the global count, which is still in its free allowance.
    const elsewhere = await web.app.request(
      `${ORIGIN}/login`,
      form({ password: PASSWORD }),
      from('198.51.100.2'),
    );
    expect(elsewhere.status).toBe(303);
    expect(waits).toEqual([1000, 2000, 4000]);
    // The guessing address's right password is checked after its 8 s, never refused.
    const ok = await web.app.request(
      `${ORIGIN}/login`,
      form({ password: PASSWORD }),
      from('192.0.2.1'),
    );
    expect(ok.status).toBe(303);
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(web.logs.join('\n')).not.toContain('wrong-password');
  });

  test('logout ends the session on the server, not just in the browser', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const out = await postForm(web, auth, '/logout', {});
    expect(out.status).toBe(303);
    const again = await get(web, auth, '/');
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/login?next=%2F');
  });

  test('a forged or tampered cookie is refused', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const [id, expiry, mac] = auth.cookie.replace('kith_session=', '').split('.');
    const later = `kith_session=${id}.${Number(expiry) + 1e9}.${mac}`;
    expect(
      (await web.app.request(`${ORIGIN}/api/contacts`, { headers: { cookie: later } })).status,
    ).toBe(401);
    const other = await makeWeb(tempDir(), { env: { WEB_PASSWORD: 'another password' } });
    expect((await get(other, auth, '/api/contacts')).status).toBe(401);
  });
});

describe('one-time login token (no WEB_PASSWORD)', () => {
  test('a new one is printed at every start, stored as a hash, and works exactly once', async () => {
    const web = await makeWeb(tempDir(), { env: { WEB_PASSWORD: '' } });
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: () => {},
    };
    await announceLoginLink({
      db: web.db,
      logger,
      url: 'http://127.0.0.1:3000',
      now: web.clock.now,
    });
    let token = /login\?token=([\w-]+)/.exec(lines[0] ?? '')?.[1];
    expect(token).toBeDefined();
    const stored = await web.db.selectFrom('key_values').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    // A restart while it is unused prints a new link (the old one may be lost
    // with its terminal); only the newest works.
    await announceLoginLink({
      db: web.db,
      logger,
      url: 'http://127.0.0.1:3000',
      now: web.clock.now,
    });
    const first = token;
    token = /login\?token=([\w-]+)/.exec(lines[1] ?? '')?.[1];
    expect(token).toBeDefined();
    expect(token).not.toBe(first);
    expect(lines[1]).toContain('the link printed at an earlier start no longer does');
    const stale = await web.app.request(`${ORIGIN}/login`, form({ token: first! }));
    expect(stale.status).toBe(401);

    // GET only fills the form; it does not log in or spend the token.
    const filled = await web.app.request(`${ORIGIN}/login?token=${token}`);
    expect(filled.headers.get('set-cookie')).toBeNull();
    expect(await filled.text()).toContain(`value="${token}"`);

    const ok = await web.app.request(`${ORIGIN}/login`, form({ token: token! }));
    expect(ok.status).toBe(303);
    const again = await web.app.request(`${ORIGIN}/login`, form({ token: token! }));
    expect(again.status).toBe(401);

    // Spent: the next start prints a fresh one.
    const next = await issueLoginToken(web.db, web.clock.now);
    expect(next.token).not.toBe(token);
    expect(next.replaced).toBe(false);
  });

  test('with WEB_PUBLIC_URL the link is at that address, the listening one beside it', async () => {
    const web = await makeWeb(tempDir(), { env: { WEB_PASSWORD: '' } });
    const lines: string[] = [];
    const logger = { info: () => {}, warn: (m: string) => lines.push(m), error: () => {} };
    await announceLoginLink({
      db: web.db,
      logger,
      url: 'http://127.0.0.1:3000',
      publicUrl: 'https://kith.example.org/',
      now: web.clock.now,
    });
    const token = /login\?token=([\w-]+)/.exec(lines[0] ?? '')?.[1];
    expect(lines[0]).toContain(`: https://kith.example.org/login?token=${token} `);
    expect(lines[0]).toContain(`(on this computer: http://127.0.0.1:3000/login?token=${token})`);
  });

  test('two logins racing with one token: only one wins', async () => {
    const web = await makeWeb(tempDir(), { env: { WEB_PASSWORD: '' } });
    const issued = await issueLoginToken(web.db, web.clock.now);
    const results = await Promise.all([
      spendLoginToken(web.db, issued.token, web.clock.now),
      spendLoginToken(web.db, issued.token, web.clock.now),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('protection of every route', () => {
  test('security headers on pages, public files and errors', async () => {
    const web = await makeWeb(tempDir());
    for (const path of ['/login', '/healthz', '/', '/nope']) {
      const res = await web.app.request(`${ORIGIN}${path}`);
      const policy = res.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  test('the security headers are exactly these: none missing, none added', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const pages = [
      await web.app.request(`${ORIGIN}/login`),
      await get(web, auth, '/'),
      await web.app.request(`${ORIGIN}/nope`),
    ];
    for (const res of pages) {
      const security = Object.fromEntries(
        [...res.headers].filter(
          ([name]) =>
            !['content-type', 'content-length', 'set-cookie', 'location', 'vary'].includes(name),
        ),
      );
      expect(security).toEqual({
        'content-security-policy':
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
          "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'permissions-policy': 'camera=(), microphone=(), geolocation=()',
        'cache-control': 'no-store',
      });
    }
  });

  test('every route but the public ones refuses a request without a session', async () => {
    const web = await makeWeb(tempDir());
    await seedContact(web.db, { name: 'Ana', email: 'ana@example.com' });
    const routes = web.app.routes.filter((r) => r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(30);
    const publicOnes = new Set<string>();
    for (const route of routes) {
      const url = `${ORIGIN}${concrete(route.path)}`;
      const res = await web.app.request(url, {
        method: route.method,
        headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body: route.method === 'GET' || route.method === 'HEAD' ? undefined : '',
      });
      const refused = [302, 401].includes(res.status);
      if (!refused) publicOnes.add(route.path);
      if (refused && res.status === 302)
        expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
      if (route.path.startsWith('/api')) expect(res.status).toBe(401);
    }
    // What answered without a session is exactly the public list (the feed: only with its token).
    expect(
      [...publicOnes].every((p) =>
        PUBLIC_PATHS.some(
          (pub) => p === pub || (pub.endsWith('*') && p.startsWith(pub.slice(0, -1))),
        ),
      ),
    ).toBe(true);
    expect(publicOnes).toContain('/healthz');
    expect(publicOnes).toContain('/login');
    const feed = await web.app.request(`${ORIGIN}/calendar/guess.ics`);
    expect(feed.status).toBe(404);
  });

  test('a cross-site form post is refused before it does anything', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com' });
    const auth = await login(web);
    const attempt = (headers: Record<string, string>, csrf = auth.csrf) =>
      web.app.request(`${ORIGIN}/contacts/${id}/notes`, {
        method: 'POST',
        body: new URLSearchParams({ _csrf: csrf, body: 'forged' }),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: auth.cookie,
          ...headers,
        },
      });
    expect((await attempt({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await attempt({ origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(
      (await attempt({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(403);
    expect((await attempt({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // Same origin but no or a wrong token: refused too.
    expect((await attempt({ origin: ORIGIN }, '')).status).toBe(403);
    expect((await attempt({ origin: ORIGIN }, 'x'.repeat(43))).status).toBe(403);
    const notes = await web.db.selectFrom('notes').selectAll().execute();
    expect(notes).toHaveLength(0);
    // And the same request done right works — also as kith's own pages send it:
    // Origin null (Referrer-Policy: no-referrer) with Sec-Fetch-Site same-origin.
    expect((await attempt({ origin: ORIGIN })).status).toBe(303);
    expect((await attempt({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(303);
  });

  test('API writes need the X-CSRF-Token header from /api/session', async () => {
    const web = await makeWeb(tempDir());
    const id = await seedContact(web.db, { name: 'Ana', email: 'ana@example.com' });
    const auth = await login(web);
    const session = (await (await get(web, auth, '/api/session')).json()) as { csrfToken: string };
    expect(session.csrfToken).toBe(auth.csrf);
    const post = (headers: Record<string, string>) =>
      web.app.request(`${ORIGIN}/api/contacts/${id}/notes`, {
        method: 'POST',
        body: JSON.stringify({ body: 'from the API' }),
        headers: { 'content-type': 'application/json', cookie: auth.cookie, ...headers },
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': session.csrfToken })).status).toBe(201);
  });
});
