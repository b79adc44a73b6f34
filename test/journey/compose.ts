import { type Config, loadConfig, withSecret } from '../../src/config.js';
import { type Db, databasePath, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createImapWatcher, type ImapWatcher } from '../../src/inbox/imap-watcher.js';
import { createIngester, type Ingester } from '../../src/inbox/ingest.js';
import type { Logger } from '../../src/log.js';
import { markSentByMessageId } from '../../src/outbox/drafts.js';
import { createDraftCommandHandler } from '../../src/outbox/inbox-port.js';
import { createSendLoop, type SendLoop } from '../../src/outbox/send-loop.js';
import { createOutboxEffects } from '../../src/scheduler/outbox-effects.js';
import { createSchedulerService, type SchedulerService } from '../../src/scheduler/service.js';
import { scheduleSettings } from '../../src/scheduler/settings.js';
import { loadTemplatesCached } from '../../src/templates/render.js';

/**
 * kith wired in-process the way src/main.ts wires it (IMAP watcher → ingest
 * with the outbox's draft-command port and Sent-copy port; send loop; the
 * scheduler with the outbox effects), minus the web server, and with one
 * controlled clock: the send loop runs only through runOnce() (manual) and
 * the scheduler only through tickNow() (never started, so no node-cron).
 */

export interface InProcessKith {
  readonly config: Config;
  readonly db: Db;
  readonly ingester: Ingester;
  readonly watcher: ImapWatcher;
  readonly sendLoop: SendLoop;
  readonly scheduler: SchedulerService;
  stop(): Promise<void>;
}

export interface ComposeOptions {
  readonly env: Record<string, string>;
  readonly secret: string;
  /** The one clock every part reads. */
  readonly now: () => Date;
  readonly logger: Logger;
}

export async function composeKith(options: ComposeOptions): Promise<InProcessKith> {
  const { logger, now } = options;
  const dataDir = options.env.KITH_DATA_DIR;
  if (!dataDir) throw new Error('composeKith needs KITH_DATA_DIR');
  const config = withSecret(loadConfig(options.env, { cwd: dataDir }), options.secret);
  if (!config.imap) throw new Error('composeKith needs IMAP settings (the owner’s mailbox)');
  const db = openDatabase(databasePath(config.dataDir));
  await migrateToLatest(db);
  const templates = loadTemplatesCached(config.templatesDir);

  const sendLoop = createSendLoop({ db, config, logger, templates, now, manual: true });
  const ingester = createIngester({
    db,
    config,
    logger,
    now,
    drafts: createDraftCommandHandler({ config, logger, templates }),
    sentCopies: {
      seen: (trx, messageId, at) => markSentByMessageId({ db: trx, config, logger }, messageId, at),
    },
  });
  const watcher = createImapWatcher({
    imap: config.imap,
    db,
    ingester,
    logger,
    backfillDays: config.backfillDays,
    maxMessageBytes: config.maxMessageBytes,
    idleRestartMs: 60_000,
    timeoutMs: 15_000,
    reconnect: { initialMs: 100, maxMs: 1_000 },
  });
  const scheduler = createSchedulerService({
    db,
    settings: scheduleSettings(config),
    effects: createOutboxEffects({ config, logger, templates }),
    logger,
    now,
    ready: () => watcher.caughtUp(),
  });

  await sendLoop.start();
  await watcher.start();
  return {
    config,
    db,
    ingester,
    watcher,
    sendLoop,
    scheduler,
    async stop() {
      await scheduler.stop();
      await watcher.stop();
      await sendLoop.stop();
      await ingester.close();
      await db.destroy();
    },
  };
}
