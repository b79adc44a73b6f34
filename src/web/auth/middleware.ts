import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../env.js';
import { isUnsafeMethod } from '../security/same-origin.js';
import { safeEqual } from './keys.js';
import { SESSION_COOKIE, type SessionStore } from './session.js';

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** Everything registered after this needs a session: pages redirect to /login, the API says 401. */
export function requireSession(sessions: SessionStore, now: () => Date): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = await sessions.read(getCookie(c, SESSION_COOKIE), now());
    if (!session) {
      if (isApiPath(c.req.path)) return c.json({ error: 'login required' }, 401);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url);
        return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
      }
      return c.text('Log in first.', 401);
    }
    c.set('session', session);
    await next();
  };
}

/**
 * Every state-changing request carries the session's CSRF token: forms in a
 * hidden `_csrf` field, API clients in the X-CSRF-Token header.
 */
export function requireCsrfToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isUnsafeMethod(c.req.method)) return next();
    let given = c.req.header('x-csrf-token');
    const type = c.req.header('content-type') ?? '';
    if (
      given === undefined &&
      (type.startsWith('application/x-www-form-urlencoded') ||
        type.startsWith('multipart/form-data'))
    ) {
      const field = (await c.req.parseBody())._csrf;
      if (typeof field === 'string') given = field;
    }
    if (given === undefined || !safeEqual(given, c.get('session').csrfToken)) {
      return isApiPath(c.req.path)
        ? c.json({ error: 'missing or wrong CSRF token (send X-CSRF-Token)' }, 403)
        : c.text(
            'This form has expired or came from another site. Go back, reload and try again.',
            403,
          );
    }
    await next();
  };
}
