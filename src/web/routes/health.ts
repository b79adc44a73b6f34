import { Hono } from 'hono';
import { loadHealth } from '../../db/web-queries.js';
import { chromeFor } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { healthBody } from '../views/health.js';
import { page } from '../views/layout.js';

/** GET /health — services, mail, quarantine, failures, jobs. */
export function healthRoutes(deps: WebDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/health', async (c) => {
    const data = await loadHealth(deps.db);
    const upcoming = deps.upcomingJobs ? await deps.upcomingJobs(deps.now()) : undefined;
    const chrome = await chromeFor(c, deps);
    const body = healthBody({
      data,
      services: deps.services.map((s) => ({ name: s.name, status: s.status() })),
      upcoming,
      timeZone: deps.config.timeZone,
    });
    return c.html(page({ title: 'Health', active: 'health', chrome, body }).value);
  });
  return app;
}
