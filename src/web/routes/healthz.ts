import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE, type SessionStore } from '../auth/session.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';

/**
 * GET /healthz for probes: anyone sees `ok` (200) or `degraded` (503) and
 * nothing else. `/healthz?details` adds the version, the database and each
 * service's state (mail host, user, counts) and needs a session: those tell
 * a stranger whose mailbox this is and where it lives.
 */
export function healthzRoutes(deps: WebDeps, sessions: SessionStore): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', async (c) => {
    const wantsDetails = c.req.query('details') !== undefined;
    if (wantsDetails && !(await sessions.read(getCookie(c, SESSION_COOKIE), deps.now()))) {
      return c.json({ error: 'login required for details' }, 401);
    }
    let database: 'ok' | 'down' = 'ok';
    try {
      await deps.db.selectFrom('key_values').select('key').limit(1).execute();
    } catch {
      database = 'down';
    }
    const services = Object.fromEntries(deps.services.map((s) => [s.name, s.status()]));
    const healthy = database === 'ok' && Object.values(services).every((s) => s.state !== 'down');
    const status = healthy ? 'ok' : 'degraded';
    const code = healthy ? 200 : 503;
    if (!wantsDetails) return c.json({ status }, code);
    return c.json(
      { status, version: deps.version, time: deps.now().toISOString(), database, services },
      code,
    );
  });
  return app;
}
