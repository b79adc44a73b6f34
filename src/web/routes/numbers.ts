import { Hono } from 'hono';
import type { TemplateReplies } from '../../db/web-queries.js';
import { loadFirstArrivals, loadReferralEdges, loadReplyRates } from '../../db/web-queries.js';
import { cachedPage, chromeFor } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { computeFunnel, type FunnelStep } from '../numbers/funnel.js';
import { layoutReferralTree, type TreeLayout } from '../numbers/referral-tree.js';
import { cacheUntilChange, type PageCache } from '../stamp-cache.js';
import { page } from '../views/layout.js';
import { numbersBody } from '../views/numbers.js';

/** People drawn in the referral tree at most. */
export const TREE_MAX_NODES = 250;

export interface Numbers {
  readonly funnel: readonly FunnelStep[];
  readonly replies: readonly TemplateReplies[];
  readonly tree: TreeLayout;
}

/** The numbers, recomputed only when the database changed. */
export function numbersSource(deps: WebDeps): () => Promise<Numbers> {
  return cacheUntilChange(deps.db, async () => ({
    funnel: computeFunnel(await loadFirstArrivals(deps.db)),
    replies: await loadReplyRates(deps.db),
    tree: layoutReferralTree(await loadReferralEdges(deps.db), TREE_MAX_NODES),
  }));
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
