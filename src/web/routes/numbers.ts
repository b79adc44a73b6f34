import { Hono } from 'hono';
import { cachedPage, chromeFor } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { type Numbers, numbersState } from '../numbers/numbers-state.js';
import type { PageCache } from '../stamp-cache.js';
import { page } from '../views/layout.js';
import { numbersBody } from '../views/numbers.js';

/** People drawn in the referral tree at most. */
const TREE_MAX_NODES = 250;

export type { Numbers };

/** The numbers, refreshed only for the contacts that changed (see numbersState). */
export function numbersSource(deps: WebDeps): () => Promise<Numbers> {
  return numbersState(deps.db, TREE_MAX_NODES);
}

/** GET /numbers — funnel, reply rates, referral tree. */
export function numbersRoutes(
  deps: WebDeps,
  numbers: () => Promise<Numbers>,
  cache: PageCache,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/numbers', (c) =>
    cachedPage(c, cache, 'numbers', async () => {
      const body = numbersBody(await numbers());
      const chrome = await chromeFor(c, deps);
      return page({ title: 'Numbers', active: 'numbers', chrome, body }).value;
    }),
  );
  return app;
}
