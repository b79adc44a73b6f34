import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { openCheckedDatabase } from './db/open-checked.js';
import { createImapWatcher } from './inbox/imap-watcher.js';
import { createIngester } from './inbox/ingest.js';
import { createMaildirSource } from './inbox/maildir-source.js';
import { listenError } from './listen-errors.js';
import type { Logger } from './log.js';
import { markSentByMessageId } from './outbox/drafts.js';
import { createDraftCommandHandler } from './outbox/inbox-port.js';
import { createSendLoop } from './outbox/send-loop.js';
import { createOutboxEffects } from './scheduler/outbox-effects.js';
import { createSchedulerService } from './scheduler/service.js';
import { scheduleSettings } from './scheduler/settings.js';
import type { Service } from './service.js';
import { loadTemplatesCached } from './templates/render.js';
import { readVersion } from './version.js';
import { createApp } from './web/app.js';
import { announceLoginLink } from './web/auth/login-token.js';
import { checkWebExposure } from './web/exposure.js';
import { forecastJobs } from './web/upcoming-jobs.js';

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
  // Refuses an open web UI without a password before the database or any job is touched.
  checkWebExposure(config.web, logger);
  // A damaged, full or unreadable database stops kith here, in one sentence, before any job runs.
  const db = await openCheckedDatabase(config.dataDir);

  // Every mail template (built-in and KITH_TEMPLATES_DIR) is compiled and checked now:
  // a broken one stops kith at start, naming the file and line.
  const templates = loadTemplatesCached(config.templatesDir);

  const services: Service[] = [];
  // Mail out, first: its lease refuses a second kith on this data dir before anything else starts.
  services.push(createSendLoop({ db, config, logger, templates }));
  // Mail in: the IMAP watcher when IMAP is set, else the local Maildir under the data dir.
  const ingester = createIngester({
    db,
    config,
    logger,
    // The owner's approve / edit / skip / snooze replies go to the outbox.
    drafts: createDraftCommandHandler({ config, logger, templates }),
    // A draft the owner sent from their Drafts folder, seen in Sent, is never sent again.
    sentCopies: {
      seen: (trx, messageId, at) => markSentByMessageId({ db: trx, config, logger }, messageId, at),
    },
  });
  services.push(
    config.imap
      ? createImapWatcher({
          imap: config.imap,
          db,
          ingester,
          logger,
          backfillDays: config.backfillDays,
          maxMessageBytes: config.maxMessageBytes,
          idleRestartMs: (config.imap.idleRestartMinutes ?? 5) * 60_000,
          timeoutMs: (config.imap.timeoutSeconds ?? 30) * 1000,
          // A server back from an outage must be caught up within seconds, not after a
          // backoff grown to a minute; a refused connect is cheap. Auth failures keep their
          // own, long backoff (authMaxMs) so a wrong password never hammers the provider.
          reconnect: { maxMs: 4_000 },
        })
      : createMaildirSource({
          dir: path.join(config.dataDir, 'maildir'),
          ingester,
          logger,
          ownerKnown: config.owner.emails.length > 0,
        }),
  );
  // Ticks every minute; the first tick at start catches up what came due while kith was down,
  // once the inbox has read what arrived meanwhile (a reply cancels a due follow-up).
  const inbox = services.find(
    (s): s is Service & { caughtUp(): Promise<void> } =>
      typeof Reflect.get(s, 'caughtUp') === 'function',
  );
  services.push(
    createSchedulerService({
      db,
      settings: scheduleSettings(config),
      effects: createOutboxEffects({ config, logger, templates }),
      logger,
      ...(inbox ? { ready: () => inbox.caughtUp() } : {}),
    }),
  );
  const app = createApp({
    db,
    config,
    services,
    logger,
    version: readVersion(),
    now: () => new Date(),
    upcomingJobs: (now) => forecastJobs(db, config, now),
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
    await ingester.close();
    await db.destroy();
    throw listenError(error, config.web.host, config.web.port);
  }
  const started: Service[] = [];
  try {
    for (const service of services) {
      await service.start();
      started.push(service);
    }
  } catch (error) {
    // Nothing may keep running (nor keep the process alive) after a failed start.
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    await ingester.close();
    await closeServer();
    await db.destroy();
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
    await announceLoginLink({ db, logger, url, publicUrl: config.web.publicUrl, now: new Date() });
  }

  return {
    url,
    db,
    async stop() {
      for (const service of [...services].reverse()) await service.stop();
      await ingester.close();
      await closeServer();
      await db.destroy();
    },
  };
}
