import path from 'node:path';
import { type Config, loadConfig, withSecret } from '../../src/config.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import type { Service } from '../../src/service.js';
import { createApp } from '../../src/web/app.js';
import type { WebDeps } from '../../src/web/deps.js';

export const PASSWORD = 'correct horse battery';
export const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

export interface TestWeb {
  readonly db: Db;
  readonly config: Config;
  readonly app: ReturnType<typeof createApp>;
  readonly logs: string[];
  readonly clock: { now: Date };
}

/** A migrated SQLite file in `dir` and the web app over it, with a settable clock. */
export async function makeWeb(
  dir: string,
  options: {
    env?: Record<string, string>;
    services?: Service[];
    deps?: Partial<WebDeps>;
    now?: Date;
  } = {},
): Promise<TestWeb> {
  const db = openDatabase(path.join(dir, 'kith.sqlite'));
  await migrateToLatest(db);
  const config = withSecret(
    loadConfig(
      {
        KITH_DATA_DIR: dir,
        KITH_OWNER_EMAIL: 'owner@example.org',
        KITH_OWNER_NAME: 'Olive Owner',
        KITH_SERVICE_ADDRESS: 'owner+kith@example.org',
        KITH_TIMEZONE: 'Europe/Berlin',
        WEB_PASSWORD: PASSWORD,
        // The tests' origin: without it the Host allow-list refuses every request.
        WEB_PUBLIC_URL: 'http://kith.test',
        ...options.env,
      },
      { cwd: dir },
    ),
    SECRET,
  );
  const logs: string[] = [];
  const clock = { now: options.now ?? new Date('2026-12-01T10:00:00.000Z') };
  const app = createApp({
    db,
    config,
    services: options.services ?? [],
    logger: createLogger({ secrets: [SECRET], write: (l) => logs.push(l) }),
    version: 'test',
    now: () => clock.now,
    ...options.deps,
  });
  return { db, config, app, logs, clock };
}

export interface LoggedIn {
  readonly cookie: string;
  readonly csrf: string;
}

/** Logs in through POST /login and reads the CSRF token from the board. */
export async function login(web: TestWeb, password = PASSWORD): Promise<LoggedIn> {
  const res = await web.app.request('http://kith.test/login', {
    method: 'POST',
    body: new URLSearchParams({ password, next: '/' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://kith.test' },
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const board = await (await web.app.request('http://kith.test/', { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(board)?.[1];
  if (!csrf) throw new Error('no CSRF token on the board');
  return { cookie, csrf };
}

/** A same-origin form post with the session and its CSRF token. */
export async function postForm(
  web: TestWeb,
  auth: LoggedIn,
  pathname: string,
  fields: Record<string, string>,
): Promise<Response> {
  return await web.app.request(`http://kith.test${pathname}`, {
    method: 'POST',
    body: new URLSearchParams({ _csrf: auth.csrf, ...fields }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'http://kith.test',
      cookie: auth.cookie,
    },
  });
}

/** A GET with the session cookie. */
export async function get(web: TestWeb, auth: LoggedIn, pathname: string): Promise<Response> {
  return await web.app.request(`http://kith.test${pathname}`, { headers: { cookie: auth.cookie } });
}
