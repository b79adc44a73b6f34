import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { get, login, makeWeb, postForm } from './harness.js';

const tempDir = useTempDir();

const escaped = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('health page checks', () => {
  test('run only on the POST button (CSRF-checked), then shown from memory with their time', async () => {
    let calls = 0;
    const results: CheckResult[] = [
      { name: 'IMAP login', status: 'problem', detail: 'login refused', fix: 'set IMAP_PASS' },
      { name: 'SMTP login', status: 'ok', detail: 'logged in to smtp.example.org' },
    ];
    const web = await makeWeb(tempDir(), {
      deps: {
        runChecks: async () => {
          calls += 1;
          return results;
        },
      },
    });
    const auth = await login(web);

    const before = await (await get(web, auth, '/health')).text();
    expect(calls).toBe(0);
    expect(before).toContain('<h2 id="checks-h">Checks</h2>');
    expect(before).toContain('Not run since kith started');
    expect(before).toMatch(
      /<form method="post" action="\/health\/checks"><input type="hidden" name="_csrf"/,
    );

    const forged = await web.app.request('http://kith.test/health/checks', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: 'wrong' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://kith.test',
        cookie: auth.cookie,
      },
    });
    expect(forged.status).toBe(403);
    expect(calls).toBe(0);

    web.clock.now = new Date('2026-12-01T10:05:00.000Z');
    const run = await postForm(web, auth, '/health/checks', {});
    expect(run.status).toBe(303);
    expect(run.headers.get('location')).toBe('/health#checks-h');
    expect(calls).toBe(1);

    web.clock.now = new Date('2026-12-01T11:00:00.000Z');
    const after = await (await get(web, auth, '/health')).text();
    await get(web, auth, '/health');
    expect(calls).toBe(1);
    const section = after.slice(
      after.indexOf('id="checks-h"'),
      after.indexOf('</section>', after.indexOf('id="checks-h"')),
    );
    expect(section).toContain('1 problem');
    expect(section).toContain('11:05'); // 10:05 UTC in Berlin, the time of the run, not of the page
    for (const r of results) {
      expect(section).toContain(escaped(r.name));
      expect(section).toContain(escaped(r.detail));
    }
    expect(section).toContain('set IMAP_PASS');
  });

  test('by default runs the doctor on this config and database', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    expect((await postForm(web, auth, '/health/checks', {})).status).toBe(303);
    const page = await (await get(web, auth, '/health')).text();
    const section = page.slice(
      page.indexOf('id="checks-h"'),
      page.indexOf('</section>', page.indexOf('id="checks-h"')),
    );
    const expected = await runDoctor(web.config, web.db, web.clock.now);
    expect(expected.length).toBeGreaterThan(3);
    for (const r of expected) expect(section).toContain(`<td>${escaped(r.name)}</td>`);
  });
});
