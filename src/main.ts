import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { createKith } from './kith.js';
import { listenError } from './listen-errors.js';
import type { Logger } from './log.js';
import { announceLoginLink } from './web/auth/login-token.js';
import { checkWebExposure } from './web/exposure.js';

/** A running kith: its address and how to stop it cleanly. */
export interface RunningKith {
  readonly url: string;
  readonly db: Db;
  stop(): Promise<void>;
}

/**
 * `kith serve`: the kith of src/kith.ts, listening on HTTP. What is specific
 * to serving lives here: the exposure check, the port, the login link.
 */
export async function startKith(config: Config, logger: Logger): Promise<RunningKith> {
  // Refuses an open web UI without a password before the database or any job is touched.
  checkWebExposure(config.web, logger);
  const kith = await createKith(config, { logger });
  const app = await kith.app().catch(async (error: unknown) => {
    await kith.stop();
    throw error;
  });
  // The port first: a busy port or a wrong WEB_HOST stops kith before any service or job starts.
  const server = serve({ fetch: app.fetch, hostname: config.web.host, port: config.web.port });
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await kith.stop();
    throw listenError(error, config.web.host, config.web.port);
  }
  try {
    // The send loop's lease first: a second kith on this data dir is refused before anything runs.
    await kith.start();
  } catch (error) {
    await closeServer();
    await kith.stop();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  if (config.owner.emails.length === 0) {
    logger.warn(
      'KITH_OWNER_EMAIL is not set: kith cannot tell your mail from other people’s yet. Set it in .env (see .env.example) and restart.',
    );
  }
  logger.info(`kith is listening on ${url}`);
  if (config.web.password === undefined) {
    await announceLoginLink({
      db: kith.db,
      logger,
      url,
      publicUrl: config.web.publicUrl,
      now: new Date(),
    });
  }

  return {
    url,
    db: kith.db,
    async stop() {
      // The web first: no request may reach a database that is closing.
      await closeServer();
      await kith.stop();
    },
  };
}
