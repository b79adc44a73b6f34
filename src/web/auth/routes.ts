import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { html } from '../html.js';
import { barePage } from '../views/layout.js';
import { safeEqual } from './keys.js';
import { spendLoginToken } from './login-token.js';
import { localNext } from './next-path.js';
import type { LoginGate } from './rate-limit.js';
import { SESSION_COOKIE, SESSION_DAYS, type SessionStore } from './session.js';

interface AuthParts {
  readonly deps: WebDeps;
  readonly sessions: SessionStore;
  readonly gate: LoginGate;
}

/** The client's address as the socket saw it (proxies' headers are not trusted). */
function clientOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

function loginForm(options: {
  usesPassword: boolean;
  next: string;
  token?: string;
  error?: string;
}) {
  return barePage(
    'Log in',
    html`<h1>Log in to kith</h1>
${options.error ? html`<p class="flash error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/login" class="panel">
  <input type="hidden" name="next" value="${options.next}">
  ${
    options.usesPassword
      ? html`<label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required autofocus>`
      : html`<label for="token">One-time login token</label>
  <input id="token" name="token" type="password" autocomplete="one-time-code" required value="${options.token ?? ''}"${options.token ? '' : html` autofocus`}>
  <p class="muted small">WEB_PASSWORD is not set, so kith printed a one-time login link in its log when it started. Open the newest one, or paste its token here: each start prints a new link and the earlier ones stop working. Set WEB_PASSWORD to log in from several browsers.</p>`
  }
  <div class="actions"><button type="submit"${options.token ? html` autofocus` : ''}>Log in</button></div>
</form>`,
  );
}

/** GET/POST /login and POST /logout. */
export function authRoutes(parts: AuthParts): { login: Hono<AppEnv>; logout: Hono<AppEnv> } {
  const { deps, sessions, gate } = parts;
  const password = deps.config.web.password;
  const login = new Hono<AppEnv>();

  login.get('/login', async (c) => {
    const current = await sessions.read(getCookie(c, SESSION_COOKIE), deps.now());
    const next = localNext(c.req.query('next'));
    if (current) return c.redirect(next, 302);
    // GET never logs in (link previews must not spend the token): it only fills the form.
    return c.html(
      loginForm({
        usesPassword: password !== undefined,
        next,
        token: c.req.query('token')?.slice(0, 200),
      }).value,
    );
  });

  login.post('/login', async (c) => {
    const client = clientOf(c);
    const body = await c.req.parseBody();
    const next = localNext(typeof body.next === 'string' ? body.next : undefined);
    const usesPassword = password !== undefined;
    const field = body[usesPassword ? 'password' : 'token'];
    const given = typeof field === 'string' ? field : '';
    // The wait comes before the check, for right and wrong alike: its length says nothing.
    const outcome = await gate.attempt(client, async () =>
      usesPassword
        ? safeEqual(given, password)
        : given !== '' && (await spendLoginToken(deps.db, given, deps.now())),
    );
    if (outcome.kind === 'busy') {
      c.header('Retry-After', String(outcome.retryAfterSeconds));
      return c.html(
        loginForm({
          usesPassword,
          next,
          error: `Too many login attempts are waiting from your address. Try again in ${outcome.retryAfterSeconds} seconds.`,
        }).value,
        429,
      );
    }
    if (!outcome.ok) {
      deps.logger.warn('web login failed', { client, waited_ms: outcome.waitedMs });
      return c.html(
        loginForm({
          usesPassword,
          next,
          error: usesPassword
            ? 'That password is not right.'
            : 'That token is not right or was already used. Restart kith to get a new link, or set WEB_PASSWORD.',
        }).value,
        401,
      );
    }
    const now = deps.now();
    const { cookie } = await sessions.create(now);
    setCookie(c, SESSION_COOKIE, cookie, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      path: '/',
      maxAge: SESSION_DAYS * 86_400,
    });
    return c.redirect(next, 303);
  });

  const logout = new Hono<AppEnv>();
  logout.post('/logout', async (c) => {
    await sessions.destroy(c.get('session'));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
    return c.redirect('/login', 303);
  });
  return { login, logout };
}
