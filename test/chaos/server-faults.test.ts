import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort, type KithChild, spawnKith } from './child.js';
import { OWNER, SECRET, SERVICE } from './corpus.js';
import { held } from './results.js';

/**
 * Item 2: a real `kith serve` (default reconnect and timeout settings)
 * against a Dovecot that is stopped, whose session process is killed, or
 * that refuses the password.
 */

const SUITE = '2 server faults';
const WEB_PASSWORD = 'chaos web password';
let dovecot: DovecotServer;
const dirs: string[] = [];
const children: KithChild[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
  if (!dovecot.running) await dovecot.start();
});

interface Serving {
  readonly child: KithChild;
  readonly url: string;
  readonly dir: string;
  readonly user: string;
}

async function serve(options: { pass?: string } = {}): Promise<Serving> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-chaos-faults-'));
  dirs.push(dir);
  const user = dovecot.newUser('faults');
  // The user's Maildir exists before kith looks at it.
  dovecot.writeMaildir(user, 'INBOX', []);
  const port = await freePort();
  const child = spawnKith(['serve'], {
    KITH_DATA_DIR: dir,
    KITH_OWNER_EMAIL: OWNER,
    KITH_OWNER_NAME: 'Sam Owner',
    KITH_SERVICE_ADDRESS: SERVICE,
    KITH_SECRET: SECRET,
    KITH_TIMEZONE: 'Europe/Berlin',
    IMAP_HOST: '127.0.0.1',
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: user,
    IMAP_PASS: options.pass ?? dovecot.password,
    IMAP_MAILBOXES: 'INBOX',
    // The test server's name in the Authentication-Results its fixtures carry (see corpus.ts).
    IMAP_AUTHSERV_ID: 'mx.example.org',
    WEB_PORT: String(port),
    WEB_PASSWORD,
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => fetch(`${url}/healthz`).then(() => true), {
    timeoutMs: 30_000,
    intervalMs: 100,
    what: `kith to listen (${child.output()})`,
  });
  return { child, url, dir, user };
}

interface InboxHealth {
  state: string;
  detail: {
    mailboxes: {
      connected: boolean;
      idling: boolean;
      reconnects: number;
      lastError: { code: string; message: string } | null;
    }[];
  };
}

/** A session cookie per kith: /healthz shows services' details only to a logged-in owner. */
const cookies = new Map<string, string>();
async function sessionCookie(url: string): Promise<string> {
  const known = cookies.get(url);
  if (known) return known;
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ password: WEB_PASSWORD, next: '/' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (res.status !== 303 || !cookie) throw new Error(`login to ${url} failed: ${res.status}`);
  cookies.set(url, cookie);
  return cookie;
}

async function inboxHealth(s: Serving): Promise<{ status: string; inbox: InboxHealth }> {
  const headers = { cookie: await sessionCookie(s.url) };
  const body = (await (await fetch(`${s.url}/healthz?details`, { headers })).json()) as {
    status: string;
    services: Record<string, InboxHealth>;
  };
  const inbox = Object.values(body.services).find((svc) =>
    Array.isArray((svc.detail as { mailboxes?: unknown })?.mailboxes),
  );
  if (!inbox) throw new Error(`no inbox service in /healthz: ${JSON.stringify(body)}`);
  return { status: body.status, inbox };
}

async function idling(s: Serving): Promise<void> {
  await waitFor(
    async () => (await inboxHealth(s)).inbox.detail.mailboxes.every((m) => m.connected && m.idling),
    { timeoutMs: 20_000, intervalMs: 50, what: 'the inbox to idle' },
  );
}

function storedCount(dir: string): number {
  const db = new Database(path.join(dir, 'kith.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let counter = 0;
function outreach(to: string): string {
  counter += 1;
  return [
    // The DKIM pass the owner's provider prepends to a BCC copy: From: alone proves nothing.
    'Authentication-Results: mx.example.org; dkim=pass header.d=example.org',
    `From: Sam Owner <${OWNER}>`,
    `To: <${to}>`,
    `Bcc: ${SERVICE}`,
    'Subject: 20 minutes?',
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <fault-${counter}-${Date.now()}@example.org>`,
    '',
    'Would you have 20 minutes for a chat?',
    '',
  ].join('\r\n');
}

/** The imap session processes of this Dovecot (only kith talks to it during a test). */
function imapSessions(): number[] {
  const master = Number(readFileSync(path.join(dovecot.dir, 'run', 'master.pid'), 'utf8').trim());
  return execFileSync('ps', ['-eo', 'pid=,pgid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, pgid, comm]) => Number(pgid) === master && comm === 'imap')
    .map(([pid]) => Number(pid));
}

async function loginCookie(s: Serving): Promise<string> {
  const res = await fetch(`${s.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ password: WEB_PASSWORD, next: '/' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('server faults', () => {
  it('Dovecot down for 30 s, mail delivered meanwhile: caught up within 5 s of the restart', async () => {
    const s = await serve();
    await idling(s);
    await dovecot.stop();
    const stoppedAt = Date.now();
    // Delivered while the server is down, straight into the Maildir.
    dovecot.writeMaildir(s.user, 'INBOX', [outreach('a@down.example'), outreach('b@down.example')]);
    await waitFor(() => Date.now() - stoppedAt >= 30_000, { timeoutMs: 31_000, intervalMs: 250 });
    await dovecot.start();
    const restartedAt = Date.now();
    await held(
      {
        suite: SUITE,
        tried:
          'Dovecot stopped 30 s while `kith serve` idles (default reconnect settings), 2 mails delivered meanwhile',
        times: 1,
      },
      async () => {
        await waitFor(() => storedCount(s.dir) === 2, {
          timeoutMs: 5_000,
          intervalMs: 25,
          what: 'the catch-up within 5 s of the restart',
        });
        const ms = Date.now() - restartedAt;
        expect(s.child.alive()).toBe(true);
        return `both mails stored ${(ms / 1000).toFixed(2)} s after the restart (limit 5 s)`;
      },
    );
  });

  it('the server kills the IMAP session: detected and reconnected within the dead-connection timeout', async () => {
    const s = await serve();
    await idling(s);
    const timeoutMs = 30_000; // IMAP_TIMEOUT_SECONDS default
    const trials = 3;
    const figures: number[] = [];
    await held(
      {
        suite: SUITE,
        tried:
          'imap session process SIGKILLed on the server side (no goodbye), then a mail appended',
        times: trials,
      },
      async () => {
        for (let i = 0; i < trials; i++) {
          const before = (await inboxHealth(s)).inbox.detail.mailboxes[0]?.reconnects ?? 0;
          const sessions = imapSessions();
          expect(sessions.length).toBeGreaterThan(0);
          const killedAt = Date.now();
          for (const pid of sessions) process.kill(pid, 'SIGKILL');
          await waitFor(
            async () => {
              const box = (await inboxHealth(s)).inbox.detail.mailboxes[0];
              return box !== undefined && box.reconnects > before && box.connected && box.idling;
            },
            { timeoutMs, intervalMs: 25, what: 'the reconnect' },
          );
          figures.push(Date.now() - killedAt);
          const stored = storedCount(s.dir);
          await dovecot.append(s.user, 'INBOX', outreach(`k${i}@kill.example`));
          await waitFor(() => storedCount(s.dir) === stored + 1, {
            timeoutMs: 5_000,
            what: 'mail after the reconnect',
          });
        }
        expect(s.child.alive()).toBe(true);
        return `idling again after ${figures.map((f) => `${(f / 1000).toFixed(2)} s`).join(', ')} (timeout ${timeoutMs / 1000} s); next mail stored each time`;
      },
    );
  });

  it('wrong password: clear auth state on /healthz and the health page, backoff, no crash loop', async () => {
    const s = await serve({ pass: 'not-the-password' });
    const pid = s.child.pid;
    const failures = () =>
      dovecot
        .log()
        .split('\n')
        .filter((l) => l.includes(s.user) && /auth failed|Aborted login/i.test(l)).length;
    const windowMs = 30_000;
    const startedAt = Date.now();
    const seen: number[] = [];
    let last = 0;
    while (Date.now() - startedAt < windowMs) {
      const n = failures();
      if (n > last) {
        for (let k = last; k < n; k++) seen.push(Date.now() - startedAt);
        last = n;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const health = await inboxHealth(s);
    const cookie = await loginCookie(s);
    const page = await (await fetch(`${s.url}/health`, { headers: { cookie } })).text();
    await held(
      {
        suite: SUITE,
        tried: `wrong IMAP password for ${windowMs / 1000} s: logins counted in kith's log and the Dovecot log`,
        times: 1,
      },
      () => {
        expect(s.child.alive()).toBe(true);
        expect(s.child.pid).toBe(pid);
        expect(health.status).toBe('ok'); // the web UI and the rest keep running
        expect(health.inbox.state).toBe('degraded');
        expect(health.inbox.detail.mailboxes[0]?.lastError?.code).toBe('auth');
        expect(page).toMatch(/password|log ?in|auth/i);
        expect(page).not.toContain('not-the-password');
        // kith's own log names each failed login and the wait it plans before the next.
        const planned = [...s.child.output().matchAll(/reconnecting in (\d+) ms/g)].map((m) =>
          Number(m[1]),
        );
        const figure = `${planned.length} logins by kith in ${windowMs / 1000} s, waits ${planned.map((p) => (p / 1000).toFixed(1)).join(', ')} s; Dovecot logged ${seen.length} refusals`;
        const growing = planned.every((p, i) => i === 0 || p > (planned[i - 1] as number) * 1.3);
        if (planned.length < 2 || planned.length > 8 || seen.length > 10 || !growing) {
          throw new Error(`no backoff: ${figure}`);
        }
        return `${figure}; /healthz inbox degraded, lastError.code auth; same pid throughout`;
      },
    );
  });
});
