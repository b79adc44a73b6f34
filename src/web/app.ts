import { Hono } from 'hono';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import type { Service } from '../service.js';

export interface WebDeps {
  readonly db: Db;
  readonly services: readonly Service[];
  readonly logger: Logger;
  readonly version: string;
  /** Passed in (not read) so tests can control time. */
  readonly now: () => Date;
}

/** Builds the Hono app; the only place that turns errors into responses. */
export function createApp(deps: WebDeps): Hono {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    let database: 'ok' | 'down' = 'ok';
    try {
      await deps.db.selectFrom('key_values').select('key').limit(1).execute();
    } catch {
      database = 'down';
    }
    const services = Object.fromEntries(deps.services.map((s) => [s.name, s.status()]));
    const healthy = database === 'ok' && Object.values(services).every((s) => s.state !== 'down');
    return c.json(
      {
        status: healthy ? 'ok' : 'unhealthy',
        version: deps.version,
        time: deps.now().toISOString(),
        database,
        services,
      },
      healthy ? 200 : 503,
    );
  });

  app.get('/', (c) =>
    c.html(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kith</title></head><body><h1>kith</h1><p>kith is running. The board arrives with the web UI.</p></body></html>',
    ),
  );

  app.onError((error, c) => {
    deps.logger.error('web request failed', { path: c.req.path, error });
    return c.text('Something went wrong; the error was logged.', 500);
  });

  return app;
}
