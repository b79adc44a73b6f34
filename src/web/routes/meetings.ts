import { Hono } from 'hono';
import { loadFeedMeetings, loadMeetings } from '../../db/meeting-list-queries.js';
import type { WebKeys } from '../auth/keys.js';
import {
  buildFeed,
  disableFeed,
  feedToken,
  feedTokenValid,
  readFeedState,
  renewFeed,
} from '../calendar-feed.js';
import { chromeFor, redirectWith } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { isLoopbackHost } from '../exposure.js';
import { html } from '../html.js';
import { noMeetingsHint } from '../views/getting-started.js';
import { page } from '../views/layout.js';
import { meetingsBody } from '../views/meetings.js';

const FEED_PAST_DAYS = 180;

/** GET /calendar/<token>.ics — public, the token is the key. */
export function calendarFeedRoutes(deps: WebDeps, keys: WebKeys): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/calendar/:file', async (c) => {
    const file = c.req.param('file');
    const token = file.endsWith('.ics') ? file.slice(0, -4) : '';
    const state = await readFeedState(deps.db);
    if (!feedTokenValid(keys, state, token)) return c.text('No such calendar.', 404);
    const now = deps.now();
    const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
    const body = buildFeed(
      await loadFeedMeetings(deps.db, since),
      now,
      new URL(c.req.url).hostname,
    );
    c.header('Content-Type', 'text/calendar; charset=utf-8');
    c.header('Cache-Control', 'private, no-store');
    return c.body(body);
  });
  return app;
}

/**
 * Where calendars fetch the feed: WEB_PUBLIC_URL, the address the owner
 * reaches kith at, else the address this page was asked for.
 */
function feedOrigin(publicUrl: string | undefined, requestUrl: string): string {
  return publicUrl ? new URL(publicUrl).origin : new URL(requestUrl).origin;
}

/**
 * A host a web calendar cannot fetch from: loopback (the exposure check's rule)
 * or a `*.localhost` name, which resolves to loopback wherever it resolves.
 */
function unreachableByCalendars(origin: string): boolean {
  const host = new URL(origin).hostname;
  return isLoopbackHost(host) || host.toLowerCase().endsWith('.localhost');
}

/** GET /meetings and the feed's on/renew/off buttons. */
export function meetingRoutes(deps: WebDeps, keys: WebKeys): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/meetings', async (c) => {
    const now = deps.now();
    const { upcoming, past } = await loadMeetings(deps.db, { now, pastLimit: 100 });
    const state = await readFeedState(deps.db);
    const chrome = await chromeFor(c, deps);
    const origin = feedOrigin(deps.config.web.publicUrl, c.req.url);
    const list = meetingsBody({
      upcoming,
      past,
      now,
      timeZone: deps.config.timeZone,
      csrfToken: chrome.csrfToken,
      feedUrl: state.enabled ? `${origin}/calendar/${feedToken(keys, state)}.ics` : undefined,
      feedLoopback: unreachableByCalendars(origin),
    });
    const empty = upcoming.length === 0 && past.length === 0;
    const body = html`${empty ? noMeetingsHint() : ''}${list}`;
    return c.html(page({ title: 'Meetings', active: 'meetings', chrome, body }).value);
  });
  app.post('/calendar-link/renew', async (c) => {
    await renewFeed(deps.db, deps.now());
    return redirectWith(c, '/meetings', 'feed_new');
  });
  app.post('/calendar-link/off', async (c) => {
    await disableFeed(deps.db, deps.now());
    return redirectWith(c, '/meetings', 'feed_off');
  });
  return app;
}
