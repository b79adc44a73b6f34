import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from './config.js';
import { type Db, databasePath, migrateToLatest, openDatabase } from './db/database.js';
import type { Logger } from './log.js';
import type { Service } from './service.js';
import { readVersion } from './version.js';
import { createApp } from './web/app.js';

/** A running kith: its address and how to stop it cleanly. */
export interface RunningKith {
  readonly url: string;
  readonly db: Db;
  stop(): Promise<void>;
}

/**
 * The only place that knows every part: opens the database, runs migrations,
 * starts the services and the web server.
 */
export async function startKith(config: Config, logger: Logger): Promise<RunningKith> {
  const db = openDatabase(databasePath(config.dataDir));
  await migrateToLatest(db);

  const services: Service[] = [];
  for (const service of services) await service.start();

  const app = createApp({ db, services, logger, version: readVersion(), now: () => new Date() });
  const server = serve({ fetch: app.fetch, hostname: config.web.host, port: config.web.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  if (config.owner.emails.length === 0) {
    logger.warn(
      'KITH_OWNER_EMAIL is not set: kith cannot tell your mail from other people’s yet. Set it in .env (see .env.example) and restart.',
    );
  }
  logger.info(`kith is listening on ${url}`);

  return {
    url,
    db,
    async stop() {
      for (const service of [...services].reverse()) await service.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}
