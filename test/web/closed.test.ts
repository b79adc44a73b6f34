import { describe, expect, test } from 'vitest';
import { localNext } from '../../src/web/auth/next-path.js';
import { BODY_LIMITS } from '../../src/web/security/body-limits.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { login, makeWeb, PASSWORD } from './harness.js';

const tempDir = useTempDir();
const ORIGIN = 'http://kith.test';

describe('after login, only a path on this site', () => {
  const offSite = [
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/%2F/evil.example',
    '/%5Cevil.example',
    '/%09/evil.example',
    'https://evil.example/',
    'evil.example',
    ' /x',
    '/\u0085/evil.example',
    '/%E0%A4%A',
    '',
  ];
  test.each(offSite)('%j becomes /', (next) => {
    expect(localNext(next)).toBe('/');
  });

  test.each(['/', '/drafts', '/contacts/3?tab=notes', '/contacts?q=a%2Fb', '/health#checks-h'])(
    '%j is kept',
    (next) => {
      expect(localNext(next)).toBe(next);
    },
  );

  test('logged in, GET /login with a tab or newline in next stays on the site (no 500)', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    for (const next of ['%2F%09%2Fevil.example', '%2F%0A%2Fevil.example', '%2F%0D%0A']) {
      const res = await web.app.request(`${ORIGIN}/login?next=${next}`, {
        headers: { cookie: auth.cookie },
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/');
    }
    const post = await web.app.request(`${ORIGIN}/login`, {
      method: 'POST',
      body: new URLSearchParams({ password: PASSWORD, next: '/\t/evil.example' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/');
  });
});

describe('Host allow-list (DNS rebinding)', () => {
  test('loopback names, WEB_HOST, WEB_PUBLIC_URL and IP addresses answer; other names get 421', async () => {
    const web = await makeWeb(tempDir(), {
      env: { WEB_HOST: 'kith.lan', WEB_PUBLIC_URL: 'https://kith.example.org/' },
    });
    const status = async (host: string) => (await web.app.request(`http://${host}/healthz`)).status;
    for (const host of [
      '127.0.0.1:3000',
      'localhost:3000',
      'LOCALHOST.',
      '[::1]:3000',
      'kith.lan',
      'kith.example.org',
      '192.168.1.20:3000',
      '[fe80::1]',
    ]) {
      expect([host, await status(host)]).toEqual([host, 200]);
    }
    for (const host of ['evil.example:3000', 'kith.example.org.evil.example', 'localhost.evil']) {
      expect([host, await status(host)]).toEqual([host, 421]);
    }
    const refused = await web.app.request('http://evil.example/login');
    expect(await refused.text()).not.toContain('evil.example');
  });

  test('WEB_PUBLIC_URL must be an http(s) URL', async () => {
    await expect(
      makeWeb(tempDir(), { env: { WEB_PUBLIC_URL: 'kith.example.org' } }),
    ).rejects.toThrow(/WEB_PUBLIC_URL: must be an http\(s\) URL/);
    await expect(
      makeWeb(tempDir(), { env: { WEB_PUBLIC_URL: 'ftp://kith.example.org' } }),
    ).rejects.toThrow(/WEB_PUBLIC_URL/);
  });
});

describe('request bodies capped before they are read', () => {
  /** A body that counts how much of it was pulled. */
  function countingBody(bytes: number) {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= bytes) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    return { stream, pulled: () => pulled };
  }

  test('login: a declared 20 MB body is refused at once; a chunked one is cut off at the cap', async () => {
    const web = await makeWeb(tempDir());
    const declared = countingBody(20 * 1024 * 1024);
    const res = await web.app.request(`${ORIGIN}/login`, {
      method: 'POST',
      body: declared.stream,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(20 * 1024 * 1024),
        origin: ORIGIN,
      },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(declared.pulled()).toBeLessThanOrEqual(64 * 1024);
    const chunked = countingBody(20 * 1024 * 1024);
    const cut = await web.app.request(`${ORIGIN}/login`, {
      method: 'POST',
      body: chunked.stream,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      duplex: 'half',
    } as RequestInit);
    expect(cut.status).toBe(413);
    expect(chunked.pulled()).toBeLessThanOrEqual(BODY_LIMITS.login + 2 * 64 * 1024);
  });

  test('forms 1 MB, imports 20 MB: a 3 MB CSV is taken, a 2 MB note is not', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const headers = { origin: ORIGIN, cookie: auth.cookie };
    const note = await web.app.request(`${ORIGIN}/contacts/1/notes`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: auth.csrf, body: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(note.status).toBe(413);
    const rows = ['First Name,Last Name,Email Address,Company,Position'];
    let i = 0;
    // Few rows, long ones: the size is what is tested, not the import's speed.
    while (rows.join('\n').length < 3 * 1024 * 1024) {
      i += 1;
      rows.push(`Person,Number${i},person${i}@example.com,Company ${i},${'x'.repeat(30_000)}`);
    }
    const form = new FormData();
    form.set('_csrf', auth.csrf);
    form.set('kind', 'csv');
    form.set('file', new File([rows.join('\n')], 'big.csv', { type: 'text/csv' }));
    const started = await web.app.request(`${ORIGIN}/import`, {
      method: 'POST',
      body: form,
      headers,
    });
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toMatch(/^\/import\/jobs\//);
    const progress = `${ORIGIN}${started.headers.get('location')}/progress`;
    const done = await waitFor(
      async () => {
        const job = (await (await web.app.request(progress, { headers })).json()) as {
          state: string;
          created: number | null;
        };
        return job.state !== 'running' && job;
      },
      { timeoutMs: 30_000, what: 'the import to finish' },
    );
    expect(done).toMatchObject({ state: 'done', created: i });
    const huge = new FormData();
    huge.set('_csrf', auth.csrf);
    huge.set('kind', 'csv');
    huge.set('file', new File([new Uint8Array(BODY_LIMITS.import + 1)], 'huge.csv'));
    const refused = await web.app.request(`${ORIGIN}/import`, {
      method: 'POST',
      body: huge,
      headers,
    });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain('20 MB');
  });
});

describe('/healthz', () => {
  test('public: only ok or degraded; details need a session', async () => {
    const web = await makeWeb(tempDir(), {
      services: [
        {
          name: 'inbox',
          start: async () => {},
          stop: async () => {},
          status: () => ({
            state: 'down',
            detail: { host: 'imap.secret-host.example', user: 'olive@example.org' },
          }),
        },
      ],
    });
    const open = await web.app.request(`${ORIGIN}/healthz`);
    expect(open.status).toBe(503);
    expect(await open.json()).toEqual({ status: 'degraded' });
    const nosy = await web.app.request(`${ORIGIN}/healthz?details`);
    expect(nosy.status).toBe(401);
    expect(await nosy.text()).not.toContain('secret-host');
    const auth = await login(web);
    const details = await web.app.request(`${ORIGIN}/healthz?details`, {
      headers: { cookie: auth.cookie },
    });
    const body = (await details.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'degraded', version: 'test', database: 'ok' });
    expect(JSON.stringify(body)).toContain('imap.secret-host.example');
  });
});
