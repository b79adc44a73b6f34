import { type Config, loadConfig, withSecret } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import type { ImapWatcher } from '../../src/inbox/imap-watcher.js';
import type { Ingester } from '../../src/inbox/ingest.js';
import { createKith } from '../../src/kith.js';
import type { Logger } from '../../src/log.js';
import type { SendLoop } from '../../src/outbox/send-loop.js';
import type { SchedulerService } from '../../src/scheduler/service.js';

/**
 * kith in-process as src/kith.ts wires it for `kith serve` (IMAP watcher →
 * ingest with the outbox's draft-command and Sent-copy ports; send loop; the
 * scheduler with the outbox effects), minus the web server, and with one
 * controlled clock: the send loop runs only through runOnce() and the
 * scheduler only through tickNow() (manual: no timers, no node-cron).
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
  const kith = await createKith(config, {
    logger,
    clock: now,
    manual: true,
    // A test server restarts within a second; the journey must not wait out real backoffs.
    imapTimings: {
      idleRestartMs: 60_000,
      timeoutMs: 15_000,
      reconnect: { initialMs: 100, maxMs: 1_000 },
    },
  });
  const watcher = kith.inbox;
  if (!('caughtUp' in watcher)) throw new Error('composeKith: kith did not make an IMAP watcher');
  await kith.start();
  return {
    config,
    db: kith.db,
    ingester: kith.ingester,
    watcher,
    sendLoop: kith.sendLoop,
    scheduler: kith.scheduler,
    stop: () => kith.stop(),
  };
}
