import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, PASSWORD, postForm } from './harness.js';

/** The icon, empty pages that say how to start, and a calendar address calendars can reach. */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(env: Record<string, string> = {}) {
  const web = await makeWeb(tempDir(), { env });
  cleanups.push(() => web.db.destroy());
  return { web, auth: await login(web) };
}

describe('favicon', () => {
  it('is served to anyone under both names, and every page links it', async () => {
    const { web, auth } = await setup();
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const res = await web.app.request(`http://kith.test${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(await res.text()).toMatch(/^<svg /);
    }
    const board = await (await get(web, auth, '/')).text();
    expect(board).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    const loginPage = await (await web.app.request('http://kith.test/login')).text();
    expect(loginPage).toContain('rel="icon"');
  });
});

describe('empty pages say how to start', () => {
  it('board and meetings, with the BCC address', async () => {
    const { web, auth } = await setup();
    const board = await (await get(web, auth, '/')).text();
    expect(board).toContain('Nobody on the board yet');
    expect(board).toContain('<code>owner+kith@example.org</code>');
    expect(board).toContain('href="/import"');
    const meetings = await (await get(web, auth, '/meetings')).text();
    expect(meetings).toContain('No meetings yet');
    expect(meetings).toContain('Add a meeting by hand');
  });

  it('without a BCC address, says which setting to set', async () => {
    const { web, auth } = await setup({ KITH_SERVICE_ADDRESS: '' });
    const board = await (await get(web, auth, '/')).text();
    expect(board).toContain('Set <code>KITH_SERVICE_ADDRESS</code>');
  });

  it('say nothing once there is someone', async () => {
    const { web, auth } = await setup();
    await postForm(web, auth, '/contacts', { name: 'Ana Souza' });
    for (const path of ['/', '/contacts'])
      expect(await (await get(web, auth, path)).text(), path).not.toContain('To start, do any of');
  });
});

describe('calendar feed address', () => {
  it('is built from WEB_PUBLIC_URL, with a copy button and no loopback note', async () => {
    const { web, auth } = await setup({ WEB_PUBLIC_URL: 'https://kith.test' });
    const on = await web.app.request('https://kith.test/calendar-link/renew', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: auth.csrf }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://kith.test',
        cookie: auth.cookie,
      },
    });
    expect(on.status).toBe(303);
    // Asked over plain http (a proxy in between): the address is still the public one.
    const page = await (await get(web, auth, '/meetings')).text();
    expect(page).toMatch(/value="https:\/\/kith\.test\/calendar\/[^"]+\.ics"/);
    expect(page).toContain('data-copy="feed-url"');
    expect(page).not.toContain('only works on this computer');
  });

  it('says when the address is this computer only', async () => {
    // No WEB_PUBLIC_URL: kith is reached on this computer, at the address asked for.
    const web = await makeWeb(tempDir(), { env: { WEB_PUBLIC_URL: '' } });
    cleanups.push(() => web.db.destroy());
    const base = 'http://127.0.0.1:3000';
    const res = await web.app.request(`${base}/login`, {
      method: 'POST',
      body: new URLSearchParams({ password: PASSWORD, next: '/' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const board = await (await web.app.request(`${base}/`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(board)?.[1] ?? '';
    await web.app.request(`${base}/calendar-link/renew`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie },
    });
    const page = await (await web.app.request(`${base}/meetings`, { headers: { cookie } })).text();
    expect(page).toMatch(/value="http:\/\/127\.0\.0\.1:3000\/calendar\/[^"]+\.ics"/);
    expect(page).toContain('only works on this computer');
    expect(page).toContain('<code>WEB_PUBLIC_URL</code>');
  });
});
