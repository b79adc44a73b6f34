import { Hono } from 'hono';
import { KithError } from '../errors.js';
import { deriveWebKeys } from './auth/keys.js';
import { isApiPath, requireCsrfToken, requireSession } from './auth/middleware.js';
import { createLoginGate } from './auth/rate-limit.js';
import { authRoutes } from './auth/routes.js';
import { createSessionStore } from './auth/session.js';
import type { WebDeps } from './deps.js';
import type { AppEnv } from './env.js';
import { html } from './html.js';
import { createImportJobs } from './import-jobs.js';
import { apiRoutes } from './routes/api.js';
import { boardRoutes } from './routes/board.js';
import { composeRoutes } from './routes/compose.js';
import { contactRoutes } from './routes/contacts.js';
import { draftRoutes } from './routes/drafts.js';
import { exchangeRoutes } from './routes/exchange.js';
import { faviconRoutes } from './routes/favicon.js';
import { healthRoutes } from './routes/health.js';
import { healthzRoutes } from './routes/healthz.js';
import { calendarFeedRoutes, meetingRoutes } from './routes/meetings.js';
import { numbersRoutes, numbersSource } from './routes/numbers.js';
import { allowedHostnames, refuseUnknownHost } from './security/allowed-hosts.js';
import { capRequestBodies } from './security/body-limits.js';
import { securityHeaders } from './security/headers.js';
import { refuseCrossSite } from './security/same-origin.js';
import { createPageCache } from './stamp-cache.js';
import { staticRoutes } from './static/assets.js';
import { barePage } from './views/layout.js';

export type { WebDeps } from './deps.js';

/** Rendered board, contact and numbers pages kept until the data changes. */
const PAGE_CACHE_ENTRIES = 64;

/** Paths anyone may fetch without a session; every other route needs one. */
export const PUBLIC_PATHS: readonly string[] = [
  '/healthz',
  '/login',
  '/static/*',
  '/favicon.ico',
  '/favicon.svg',
  '/calendar/:file',
];

const STATUS_OF: Partial<Record<KithError['code'], 400 | 403 | 404 | 409 | 503>> = {
  bad_input: 400,
  not_found: 404,
  auth: 403,
  locked: 409,
  temporary: 503,
};

/** Builds the Hono app; `app.onError` is the only place that turns errors into responses. */
export function createApp(deps: WebDeps): Hono<AppEnv> {
  const secret = deps.config.secret;
  if (!secret)
    throw new KithError('internal', 'the web UI needs the instance secret (ensureSecret)');
  const keys = deriveWebKeys(secret, deps.config.web.password);
  const sessions = createSessionStore(deps.db, keys);
  const gate = createLoginGate({
    now: () => deps.now().getTime(),
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });
  const auth = authRoutes({ deps, sessions, gate });
  const app = new Hono<AppEnv>();

  app.use(securityHeaders());
  app.use(refuseUnknownHost(allowedHostnames(deps.config.web)));
  app.use(capRequestBodies());
  app.use(refuseCrossSite());

  // Public: health probe, static files and icon, the login form, the calendar feed (its URL is its key).
  app.route('/', healthzRoutes(deps, sessions));
  app.route('/', staticRoutes());
  app.route('/', faviconRoutes());
  app.route('/', calendarFeedRoutes(deps, keys));
  app.route('/', auth.login);

  // Everything below needs a session, and a CSRF token to change anything.
  app.use(requireSession(sessions, deps.now));
  app.use(requireCsrfToken());
  app.route('/', auth.logout);
  const numbers = numbersSource(deps);
  const pages = createPageCache(deps.db, deps.pageCacheEntries ?? PAGE_CACHE_ENTRIES);
  app.route('/', boardRoutes(deps, pages));
  app.route('/', contactRoutes(deps, pages));
  app.route('/', composeRoutes(deps));
  app.route('/', draftRoutes(deps));
  app.route('/', meetingRoutes(deps, keys));
  app.route('/', numbersRoutes(deps, numbers, pages));
  app.route('/', exchangeRoutes(deps, createImportJobs(deps.db, deps.logger)));
  app.route('/', healthRoutes(deps));
  app.route('/api', apiRoutes(deps, numbers));

  app.notFound((c) =>
    isApiPath(c.req.path)
      ? c.json({ error: 'not found' }, 404)
      : c.html(errorPage('Not found', 'There is no such page.').value, 404),
  );

  app.onError((error, c) => {
    const status = error instanceof KithError ? (STATUS_OF[error.code] ?? 500) : 500;
    if (status === 500) deps.logger.error('web request failed', { path: c.req.path, error });
    const message =
      status === 500 ? 'Something went wrong; the error was logged.' : (error as KithError).message;
    if (isApiPath(c.req.path)) return c.json({ error: message }, status);
    return c.html(
      errorPage(status === 404 ? 'Not found' : 'Cannot do that', message).value,
      status,
    );
  });

  return app;
}

function errorPage(title: string, message: string) {
  return barePage(
    title,
    html`<h1>${title}</h1><p class="panel">${message}</p><p><a href="/">Back to the board</a></p>`,
  );
}
