import path from 'node:path';
import type { Hono } from 'hono';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { openCheckedDatabase } from './db/open-checked.js';
import {
  createImapWatcher,
  type ImapWatcher,
  type ImapWatcherOptions,
} from './inbox/imap-watcher.js';
import { createIngester, type Ingester, type IngesterDeps } from './inbox/ingest.js';
import { createMaildirSource, type MaildirSource } from './inbox/maildir-source.js';
import type { Logger } from './log.js';
import { markSentByMessageId } from './outbox/drafts.js';
import { createDraftCommandHandler } from './outbox/inbox-port.js';
import { createSendLoop, type SendLoop } from './outbox/send-loop.js';
import { createOutboxEffects } from './scheduler/outbox-effects.js';
import { createSchedulerService, type SchedulerService } from './scheduler/service.js';
import { scheduleSettings } from './scheduler/settings.js';
import type { Service } from './service.js';
import { loadTemplatesCached, type Templates } from './templates/render.js';
import type { AppEnv } from './web/env.js';

/**
 * The composition root: the only place that knows every part of kith and
 * how they connect. `kith serve`, `kith ingest`, `kith tick`, the demo, the
 * journey tests and the benchmarks all get their kith from here, so mail
 * read by any of them reaches the outbox (an owner's "approve" is carried
 * out) and the outbox's Sent-copy port, exactly as in `serve`.
 */

export type InboxSource = ImapWatcher | MaildirSource;

export interface KithOptions {
  readonly logger: Logger;
  /** The one clock every part reads (not the IMAP watcher: it follows the server's time). */
  readonly clock?: () => Date;
  /** An open, migrated database the caller keeps and closes; default: opened checked and migrated here. */
  readonly db?: Db;
  /**
   * Nothing runs on a timer: send rounds only through `sendLoop.runOnce()`,
   * ticks only through `scheduler.tickNow()` (tests, the demo, one-shot commands).
   */
  readonly manual?: boolean;
  /** Whether start() starts the inbox source (default true); one-shot commands read their own files. */
  readonly inbox?: boolean;
  /** IMAP watcher timings; default from the settings. */
  readonly imapTimings?: Pick<ImapWatcherOptions, 'idleRestartMs' | 'timeoutMs' | 'reconnect'>;
}

export interface Kith {
  readonly config: Config;
  readonly db: Db;
  readonly templates: Templates;
  readonly ingester: Ingester;
  readonly sendLoop: SendLoop;
  readonly inbox: InboxSource;
  readonly scheduler: SchedulerService;
  /**
   * The web UI on these parts (serve listens with it). Loaded on demand:
   * one-shot commands and the backfill bench never load the web code.
   */
  app(): Promise<Hono<AppEnv>>;
  /**
   * Starts the send loop first (its lease refuses a second kith on this data
   * dir before anything else runs), then the inbox, then the scheduler. A
   * failed start stops what had started and rethrows.
   */
  start(): Promise<void>;
  /** Stops what start() started, in reverse, then the database it opened. */
  stop(): Promise<void>;
}

/** The inbox's ports to the outbox, as every reader of mail must have them. */
export function outboxPorts(
  config: Config,
  logger: Logger,
  templates?: Templates,
): Pick<IngesterDeps, 'drafts' | 'sentCopies'> {
  return {
    // The owner's approve / edit / skip / snooze replies go to the outbox.
    drafts: createDraftCommandHandler({ config, logger, ...(templates ? { templates } : {}) }),
    // A draft the owner sent from their Drafts folder, seen in Sent, is never sent again.
    sentCopies: {
      seen: (trx, messageId, at) => markSentByMessageId({ db: trx, config, logger }, messageId, at),
    },
  };
}

export async function createKith(config: Config, options: KithOptions): Promise<Kith> {
  const { logger } = options;
  const clock = options.clock ?? (() => new Date());
  const manual = options.manual ?? false;
  // A damaged, full or unreadable database stops kith here, in one sentence, before any job runs.
  const db = options.db ?? (await openCheckedDatabase(config.dataDir));
  const ownsDb = options.db === undefined;
  let templates: Templates;
  try {
    // Every mail template (built-in and KITH_TEMPLATES_DIR) is compiled and checked now:
    // a broken one stops kith at start, naming the file and line.
    templates = loadTemplatesCached(config.templatesDir);
  } catch (error) {
    if (ownsDb) await db.destroy();
    throw error;
  }

  const sendLoop = createSendLoop({ db, config, logger, templates, now: clock, manual });
  const ingester = createIngester({
    db,
    config,
    logger,
    now: clock,
    ...outboxPorts(config, logger, templates),
  });
  // Mail in: the IMAP watcher when IMAP is set, else the local Maildir under the data dir.
  const inbox: InboxSource = config.imap
    ? createImapWatcher({
        imap: config.imap,
        db,
        ingester,
        logger,
        backfillDays: config.backfillDays,
        maxMessageBytes: config.maxMessageBytes,
        // Settings given (the loader fills their defaults from its table) win over the
        // watcher's own fallbacks, which only callers without a Config rely on.
        ...(config.imap.idleRestartMinutes === undefined
          ? {}
          : { idleRestartMs: config.imap.idleRestartMinutes * 60_000 }),
        ...(config.imap.timeoutSeconds === undefined
          ? {}
          : { timeoutMs: config.imap.timeoutSeconds * 1000 }),
        // A server back from an outage must be caught up within seconds, not after a
        // backoff grown to a minute; a refused connect is cheap. Auth failures keep their
        // own, long backoff (authMaxMs) so a wrong password never hammers the provider.
        reconnect: { maxMs: 4_000 },
        ...options.imapTimings,
      })
    : createMaildirSource({
        dir: path.join(config.dataDir, 'maildir'),
        ingester,
        logger,
        now: clock,
        ownerKnown: config.owner.emails.length > 0,
      });
  // Ticks every minute; the first tick at start catches up what came due while kith was down,
  // once the inbox has read what arrived meanwhile (a reply cancels a due follow-up).
  const caughtUp = 'caughtUp' in inbox ? () => inbox.caughtUp() : undefined;
  const scheduler = createSchedulerService({
    db,
    settings: scheduleSettings(config),
    effects: createOutboxEffects({ config, logger, templates }),
    logger,
    now: clock,
    ...(caughtUp && options.inbox !== false ? { ready: caughtUp } : {}),
  });

  const services: Service[] = [sendLoop, inbox, scheduler];
  const toStart = services.filter(
    (s) => !(s === inbox && options.inbox === false) && !(s === scheduler && manual),
  );
  const started: Service[] = [];
  const stopStarted = async () => {
    while (started.length > 0) await started.pop()?.stop();
  };

  return {
    config,
    db,
    templates,
    ingester,
    sendLoop,
    inbox,
    scheduler,
    async app() {
      const [{ createApp }, { forecastJobs }, { readVersion }] = await Promise.all([
        import('./web/app.js'),
        import('./web/upcoming-jobs.js'),
        import('./version.js'),
      ]);
      return createApp({
        db,
        config,
        services,
        logger,
        version: readVersion(),
        now: clock,
        upcomingJobs: (now) => forecastJobs(db, config, now),
      });
    },
    async start() {
      try {
        for (const service of toStart) {
          await service.start();
          started.push(service);
        }
      } catch (error) {
        // Nothing may keep running (nor keep the process alive) after a failed start.
        while (started.length > 0)
          await started
            .pop()
            ?.stop()
            .catch(() => undefined);
        throw error;
      }
    },
    async stop() {
      await stopStarted();
      if (ownsDb) await db.destroy();
    },
  };
}
