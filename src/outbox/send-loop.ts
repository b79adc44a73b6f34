import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import {
  clearDraftsCopy,
  countDue,
  countOwnerMailSince,
  dueForSending,
  markDraftsCopy,
  moveOutboxRow,
  rowsInState,
  rowsWithDraftsCopy,
  snoozeOver,
} from '../db/outbox-queries.js';
import type { Logger } from '../log.js';
import { OPEN_STATES } from '../pipeline/outbox-lifecycle.js';
import type { Service, ServiceStatus } from '../service.js';
import { loadTemplatesCached, type Templates } from '../templates/render.js';
import { requestApprovalAgain } from './draft-commands.js';
import type { OutboxContext } from './drafts.js';
import { createFileTransport } from './file-transport.js';
import { createImapFolders, type ImapFolders } from './imap-folders.js';
import { createSenderLease, type SenderLease } from './lease.js';
import { buildMail } from './mime.js';
import { createRowSender, type RetryPolicy } from './send-one.js';
import { onOutboxChange } from './signal.js';
import { createSmtpTransport } from './smtp-transport.js';
import type { MailTransport } from './transport.js';

/**
 * The one code path by which mail leaves kith. Each round:
 * 1. settles rows left in `sending` by a crash — asking the transport (the
 *    .eml file) or the IMAP Sent folder whether the fixed Message-ID already
 *    left, so nothing is sent twice;
 * 2. asks the owner again about drafts whose snooze is over;
 * 3. keeps the IMAP Drafts folder in step with the undecided drafts;
 * 4. sends what is approved and due: `approved → sending → sent`, owner mail
 *    within OWNER_MAIL_PER_HOUR (the rest waits, never dropped), a 4xx retried
 *    with backoff, a 5xx failed at once and reported to the owner.
 * A lease on the database makes sure only one kith process ever sends.
 * Sending one row and settling one interrupted send are ./send-one.ts.
 */

export interface SendLoopOptions {
  readonly db: Db;
  readonly config: Config;
  readonly logger: Logger;
  readonly templates?: Templates;
  readonly now?: () => Date;
  /** Default: SMTP when SMTP_HOST is set, else .eml files in the data dir. */
  readonly transport?: MailTransport;
  /** Default: the owner's IMAP mailbox when IMAP_HOST is set; null for none. */
  readonly folders?: ImapFolders | null;
  /** Whether the SMTP provider files sent mail in Sent itself (default from SMTP_SAVES_SENT). */
  readonly providerSavesSent?: boolean;
  /** Time between rounds when nothing wakes the loop (default 5 s). */
  readonly pollMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Lease heartbeat interval and staleness (defaults 10 s and 30 s). */
  readonly leaseHeartbeatMs?: number;
  readonly leaseStaleAfterMs?: number;
  /** Take the lease at start but run rounds only through `runOnce` (tests, one-shot commands). */
  readonly manual?: boolean;
}

export interface RoundReport {
  readonly sent: number;
  readonly failed: number;
  readonly retrying: number;
  /** Follow-ups not sent because the contact answered after they were drafted. */
  readonly withdrawn: number;
  readonly recovered: number;
  /** Owner mails held back by the hourly cap. */
  readonly waitingForCap: number;
}

export interface SendLoop extends Service {
  /** Runs a round soon (after the current one, if one is running). */
  wake(): void;
  /** Runs one round now and reports what it did (tests, `kith` commands). */
  runOnce(): Promise<RoundReport>;
}

const HOUR_MS = 3_600_000;
/** Most mails of each audience one round sends; the rest go next round. */
const BATCH = 200;

export function createSendLoop(options: SendLoopOptions): SendLoop {
  const { db, config, logger } = options;
  const now = options.now ?? (() => new Date());
  const templates = options.templates ?? loadTemplatesCached(config.templatesDir);
  const ctx: OutboxContext = { db, config, logger, now, templates };
  const transport =
    options.transport ??
    (config.smtp ? createSmtpTransport(config.smtp) : createFileTransport(config.dataDir));
  const folders =
    options.folders === undefined
      ? config.imap
        ? createImapFolders(config.imap, { now })
        : null
      : options.folders;
  const providerSavesSent = options.providerSavesSent ?? config.smtp?.savesSent ?? false;
  const retry: RetryPolicy = {
    maxAttempts: options.retry?.maxAttempts ?? 8,
    baseMs: options.retry?.baseMs ?? 60_000,
    maxMs: options.retry?.maxMs ?? HOUR_MS,
  };
  const pollMs = options.pollMs ?? 5_000;
  const lease: SenderLease = createSenderLease(db, {
    dataDir: config.dataDir,
    staleAfterMs: options.leaseStaleAfterMs ?? 30_000,
    now,
  });

  let running = false;
  let leaseLost = false;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let current: Promise<RoundReport> | undefined;
  let again = false;
  let lastError: string | undefined;
  let lastRoundAt: string | undefined;
  let drafts: 'unknown' | 'present' | 'absent' = 'unknown';
  const totals = { sent: 0, failed: 0, waitingForCap: 0 };

  const iso = () => now().toISOString();
  const sender = createRowSender({
    db,
    config,
    logger,
    templates,
    now,
    transport,
    folders,
    providerSavesSent,
    retry,
    draftsFolder: () => drafts,
    totals,
    noteError: (message) => {
      lastError = message;
    },
  });

  /** Step 1: rows a crash left in `sending`. No round is sending when this runs. */
  const recoverInterrupted = async (): Promise<number> => {
    const stuck = await rowsInState(db, ['sending']);
    for (const row of stuck) {
      try {
        await sender.settle(row);
      } catch (error) {
        // Cannot look (IMAP down): leave it in `sending`, never resend blind; next round tries again.
        lastError = `cannot yet tell whether outbox mail #${row.id} went out: ${(error as Error).message}`;
        logger.warn('could not settle an interrupted send yet', { outbox: row.id, error });
      }
    }
    return stuck.length;
  };

  /** Step 2: snoozes that are over. */
  const reaskSnoozed = async () => {
    for (const row of await snoozeOver(db, iso())) {
      if (config.owner.emails.length === 0) {
        await moveOutboxRow(db, row.id, 'wake', {
          send_after: null,
          updated_at: iso(),
        });
      } else {
        await requestApprovalAgain(ctx, row.id, iso());
      }
    }
  };

  /** Step 3: one Drafts copy per undecided draft; copies of decided ones removed. */
  const syncDrafts = async (box: ImapFolders) => {
    if (drafts === 'unknown') drafts = (await box.has('\\Drafts')) ? 'present' : 'absent';
    if (drafts === 'absent') return;
    const open = (await rowsInState(db, OPEN_STATES)).filter((r) => r.audience === 'contact');
    for (const row of open) {
      if (row.drafts_copy_at !== null) continue;
      const mail = await buildMail(row, config, new Date(row.created_at));
      // Remove first: a crash between APPEND and the record below must not leave two copies.
      await box.remove('\\Drafts', row.message_id);
      await box.appendDraft(mail.rawWithBcc);
      await markDraftsCopy(db, row.id, iso());
    }
    const openIds = new Set(open.map((r) => r.id));
    for (const row of await rowsWithDraftsCopy(db)) {
      if (openIds.has(row.id)) continue;
      await box.remove('\\Drafts', row.message_id);
      await clearDraftsCopy(db, row.id);
    }
  };

  const sendDue = async () => {
    const counts = { sent: 0, failed: 0, retrying: 0, withdrawn: 0, waitingForCap: 0 };
    const at = iso();
    const ownerBudget = Math.max(
      0,
      config.schedule.ownerMailPerHour -
        (await countOwnerMailSince(db, new Date(now().getTime() - HOUR_MS).toISOString())),
    );
    // Owner mail is fetched only up to what the cap still allows, so however much of it
    // waits, the batch has room for every approved mail to a contact.
    const owner = await dueForSending(db, at, 'owner', Math.min(ownerBudget, BATCH));
    const contact = await dueForSending(db, at, 'contact', BATCH);
    counts.waitingForCap = (await countDue(db, at, 'owner')) - owner.length;
    const due = [...owner, ...contact].sort(
      (a, b) => (a.send_after ?? '').localeCompare(b.send_after ?? '') || a.id - b.id,
    );
    for (const row of due) {
      // Each mail renews the lease first: another process that took over must not double-send.
      if (leaseLost || !(await lease.renew())) {
        leaseLost = true;
        break;
      }
      const outcome = await sender.sendOne(row);
      if (outcome !== 'skipped') counts[outcome] += 1;
    }
    totals.waitingForCap = counts.waitingForCap;
    return counts;
  };

  const round = async (): Promise<RoundReport> => {
    if (leaseLost)
      return { sent: 0, failed: 0, retrying: 0, withdrawn: 0, recovered: 0, waitingForCap: 0 };
    // Each round reports afresh: `degraded` means this round hit a problem.
    lastError = undefined;
    try {
      const recovered = await recoverInterrupted();
      await reaskSnoozed();
      if (folders) {
        // The Drafts copies are a convenience: an IMAP outage must not hold up sending.
        await syncDrafts(folders).catch((error: unknown) => {
          lastError = `Drafts folder: ${(error as Error).message}`;
          logger.warn('could not update the Drafts folder', { error });
        });
      }
      const counts = await sendDue();
      return { ...counts, recovered };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      logger.warn('outbox round failed; retrying next round', { error: lastError });
      return { sent: 0, failed: 0, retrying: 0, withdrawn: 0, recovered: 0, waitingForCap: 0 };
    } finally {
      lastRoundAt = iso();
      if (folders) await folders.release().catch(() => undefined);
    }
  };

  /** Rounds never overlap: a wake during a round runs one more round after it. */
  const runRound = (): Promise<RoundReport> => {
    if (current) {
      again = true;
      return current;
    }
    current = round().finally(() => {
      current = undefined;
      if (again && running && !options.manual) {
        again = false;
        schedule(0);
      }
    });
    return current;
  };

  const schedule = (delay: number) => {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void runRound().then(() => schedule(pollMs));
    }, delay);
  };

  const onLeaseLost = () => {
    if (leaseLost) return;
    leaseLost = true;
    logger.error('another kith process took over sending; this one stopped sending', {
      dataDir: config.dataDir,
    });
  };

  return {
    name: 'outbox',
    async start() {
      if (running) return;
      await lease.acquire();
      running = true;
      leaseLost = false;
      heartbeat = setInterval(() => {
        void lease.renew().then(
          (ok) => {
            if (!ok) onLeaseLost();
          },
          (error: unknown) => logger.warn('could not renew the sender lease', { error }),
        );
      }, options.leaseHeartbeatMs ?? 10_000);
      heartbeat.unref();
      unsubscribe = onOutboxChange(() => {
        if (running && !options.manual) schedule(0);
      });
      logger.info('outbox started', { transport: transport.kind, imap: Boolean(folders) });
      if (!options.manual) schedule(0);
    },
    async stop() {
      if (!running) return;
      running = false;
      if (timer) clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe?.();
      await current?.catch(() => undefined);
      await transport.close();
      if (folders) await folders.release().catch(() => undefined);
      await lease.release().catch(() => undefined);
    },
    wake() {
      if (running && !options.manual) schedule(0);
    },
    runOnce() {
      return runRound();
    },
    status(): ServiceStatus {
      const state = !running || leaseLost ? 'down' : lastError ? 'degraded' : 'ok';
      return {
        state,
        detail: {
          transport: transport.kind,
          drafts: folders ? drafts : 'off',
          sent: totals.sent,
          failed: totals.failed,
          waitingForHourlyCap: totals.waitingForCap,
          ...(lastRoundAt ? { lastRoundAt } : {}),
          ...(lastError ? { lastError } : {}),
          ...(leaseLost ? { problem: 'another kith process took over sending' } : {}),
        },
      };
    },
  };
}
