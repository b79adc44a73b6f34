import type { Config } from '../config.js';
import { type Db, inTransaction } from '../db/database.js';
import { deleteKeyValue, keysWithPrefix, writeKeyValue } from '../db/key-values.js';
import {
  countDue,
  countOwnerMailSince,
  dueForSending,
  findOutboxById,
  moveOutboxRow,
  OPEN_DRAFT_STATES,
  rowsInState,
  snoozeOver,
} from '../db/outbox-queries.js';
import type { OutboxRow } from '../db/schema.js';
import { KithError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Service, ServiceStatus } from '../service.js';
import { KIND_LABELS } from '../templates/contexts.js';
import { loadTemplatesCached, type Templates } from '../templates/render.js';
import {
  type OutboxContext,
  queueOwnerMail,
  queueOwnerNotice,
  requestApprovalAgain,
} from './drafts.js';
import { createFileTransport } from './file-transport.js';
import { createImapFolders, type ImapFolders } from './imap-folders.js';
import { createSenderLease, type SenderLease } from './lease.js';
import { addressesIn, buildMail } from './mime.js';
import { recordSentOutreach } from './record-sent.js';
import { onOutboxChange } from './signal.js';
import { createSmtpTransport } from './smtp-transport.js';
import { type MailTransport, SendError } from './transport.js';
import { ownerView, recipientName } from './views.js';
import { withdrawIfAnswered } from './withdraw.js';

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
 */

export interface RetryPolicy {
  /** Attempts before a temporarily failing mail is given up (default 8). */
  readonly maxAttempts: number;
  /** Wait after the first failure; doubled each time (default 1 min). */
  readonly baseMs: number;
  /** Longest wait between attempts (default 1 h). */
  readonly maxMs: number;
}

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

const DRAFT_COPY_PREFIX = 'outbox.imap-draft.';
const HOUR_MS = 3_600_000;
/** Most mails of each audience one round sends; the rest go next round. */
const BATCH = 200;
/** After a refused login, wait at least this long: retrying sooner cannot help. */
const AUTH_RETRY_MS = 5 * 60_000;

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
  const backoff = (attempts: number) =>
    Math.min(retry.baseMs * 2 ** Math.max(0, attempts - 1), retry.maxMs);
  const label = (row: OutboxRow) =>
    (KIND_LABELS as Record<string, string>)[row.kind] ?? row.kind.replace(/_/g, ' ');

  /** Tells the owner a contact mail failed; owner mail failing is only logged (no loops). */
  const tellOwner = async (row: OutboxRow, error: string, uncertain: boolean) => {
    if (row.audience !== 'contact') {
      logger.error('mail to the owner could not be sent', { outbox: row.id, error });
      return;
    }
    try {
      const rendered = templates.render('send_failed', {
        owner: ownerView(config),
        mail: {
          kindLabel: label(row),
          to: recipientName(row.to_address),
          address: addressesIn(row.to_address).join(', '),
          subject: row.subject,
        },
        error,
        attempts: row.attempts,
        uncertain,
      });
      await queueOwnerMail(ctx, {
        kind: 'send_failed',
        contactId: row.contact_id,
        meetingId: row.meeting_id,
        subject: rendered.subject,
        text: rendered.text,
        at: iso(),
      });
    } catch (notifyError) {
      logger.error('could not tell the owner about a failed send', {
        outbox: row.id,
        error: notifyError,
      });
    }
  };

  const markSent = async (row: OutboxRow) => {
    const at = iso();
    await inTransaction(db, async (trx) => {
      // False when ingest already saw it in Sent (markSentByMessageId): fine either way.
      await moveOutboxRow(trx, row.id, ['sending'], {
        state: 'sent',
        sent_at: at,
        last_error: null,
        updated_at: at,
      });
      await recordSentOutreach(trx, row, config.owner.emails[0] ?? '', at);
    });
  };

  const markUncertain = async (row: OutboxRow) => {
    const error = 'kith stopped while sending this mail and cannot tell whether it went out';
    const moved = await moveOutboxRow(db, row.id, ['sending'], {
      state: 'failed',
      last_error: error,
      updated_at: iso(),
    });
    if (moved) {
      totals.failed += 1;
      logger.warn('send interrupted; not sending again', { outbox: row.id });
      await tellOwner(row, error, true);
    }
  };

  const backToApproved = async (row: OutboxRow) => {
    await moveOutboxRow(db, row.id, ['sending'], {
      state: 'approved',
      send_after: iso(),
      updated_at: iso(),
    });
  };

  /** Step 1: rows a crash left in `sending`. No round is sending when this runs. */
  const recoverInterrupted = async (): Promise<number> => {
    const stuck = await rowsInState(db, ['sending']);
    for (const row of stuck) {
      try {
        await settle(row);
      } catch (error) {
        // Cannot look (IMAP down): leave it in `sending`, never resend blind; next round tries again.
        lastError = `cannot yet tell whether outbox mail #${row.id} went out: ${(error as Error).message}`;
        logger.warn('could not settle an interrupted send yet', { outbox: row.id, error });
      }
    }
    return stuck.length;
  };

  /** Decides one interrupted send: sent, safe to send again, or uncertain (never resent). */
  const settle = async (row: OutboxRow) => {
    const verdict = await transport.alreadySent(row.message_id);
    if (verdict === 'yes') await markSent(row);
    else if (verdict === 'no') await backToApproved(row);
    else if (folders) {
      const found = await folders.findInSent(row.message_id);
      if (found === 'sent') await markSent(row);
      else if (found === 'pending') await markUncertain(row);
      // Absent: kith APPENDs (flagged) before sending, or the provider files on
      // acceptance — either way the server never took it, so sending is safe.
      else await backToApproved(row);
    } else if (row.audience === 'owner') {
      await backToApproved(row); // a second note to the owner beats a lost one
    } else {
      await markUncertain(row);
    }
    logger.info('settled an interrupted send', { outbox: row.id, verdict });
  };

  /** Step 2: snoozes that are over. */
  const reaskSnoozed = async () => {
    for (const row of await snoozeOver(db, iso())) {
      if (config.owner.emails.length === 0) {
        await moveOutboxRow(db, row.id, ['snoozed'], {
          state: 'drafted',
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
    const open = (await rowsInState(db, OPEN_DRAFT_STATES)).filter((r) => r.audience === 'contact');
    const copied = new Set(await keysWithPrefix(db, DRAFT_COPY_PREFIX));
    for (const row of open) {
      const key = `${DRAFT_COPY_PREFIX}${row.id}`;
      if (copied.has(key)) continue;
      const mail = await buildMail(row, config, new Date(row.created_at));
      // Remove first: a crash between APPEND and the record below must not leave two copies.
      await box.remove('\\Drafts', row.message_id);
      await box.appendDraft(mail.rawWithBcc);
      await writeKeyValue(db, key, 'appended', iso());
    }
    const openIds = new Set(open.map((r) => String(r.id)));
    for (const key of copied) {
      const id = key.slice(DRAFT_COPY_PREFIX.length);
      if (openIds.has(id)) continue;
      const row = await findOutboxById(db, Number(id));
      if (row) await box.remove('\\Drafts', row.message_id);
      await deleteKeyValue(db, key);
    }
  };

  const classify = (error: unknown): SendError => {
    if (error instanceof SendError) return error;
    if (error instanceof KithError && (error.code === 'config' || error.code === 'bad_input')) {
      return new SendError(error.message, { permanent: true, cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new SendError(message, { permanent: false, cause: error });
  };

  const handleFailure = async (row: OutboxRow, error: unknown): Promise<'retrying' | 'failed'> => {
    const failure = classify(error);
    const attempts = row.attempts;
    if (failure.code === 'auth' || (!failure.permanent && attempts < retry.maxAttempts)) {
      const wait =
        failure.code === 'auth' ? Math.max(AUTH_RETRY_MS, backoff(attempts)) : backoff(attempts);
      await moveOutboxRow(db, row.id, ['sending'], {
        state: 'approved',
        // A refused login is a settings problem, not this mail's: it does not use up attempts.
        attempts: failure.code === 'auth' ? attempts - 1 : attempts,
        send_after: new Date(now().getTime() + wait).toISOString(),
        last_error: failure.message,
        updated_at: iso(),
      });
      lastError = failure.message;
      logger.warn('send failed; will retry', { outbox: row.id, attempts, error: failure.message });
      return 'retrying';
    }
    await moveOutboxRow(db, row.id, ['sending'], {
      state: 'failed',
      last_error: failure.message,
      updated_at: iso(),
    });
    totals.failed += 1;
    lastError = failure.message;
    logger.error('send failed; giving up', { outbox: row.id, attempts, error: failure.message });
    await tellOwner(row, failure.message, false);
    return 'failed';
  };

  /** Step 4 for one row. */
  const sendOne = async (
    row: OutboxRow,
  ): Promise<'sent' | 'retrying' | 'failed' | 'withdrawn' | 'skipped'> => {
    if (leaseLost || !(await lease.renew())) {
      leaseLost = true;
      return 'skipped';
    }
    // Last line of defence: a reply that came in after approval still stops a follow-up.
    const withdrawn = await withdrawIfAnswered(db, config, row, ['approved'], iso());
    if (withdrawn) {
      logger.info('follow-up withdrawn before sending: the contact answered', { outbox: row.id });
      await queueOwnerNotice(ctx, { ...withdrawn, at: iso(), contactId: row.contact_id });
      return 'withdrawn';
    }
    const claimed = await moveOutboxRow(db, row.id, ['approved'], {
      state: 'sending',
      attempts: row.attempts + 1,
      updated_at: iso(),
    });
    if (!claimed) return 'skipped';
    const attempt: OutboxRow = { ...row, state: 'sending', attempts: row.attempts + 1 };
    const toContact = row.audience === 'contact';
    let flaggedInSent = false;
    try {
      if (toContact && folders && drafts !== 'absent') {
        // The owner should not send the Drafts copy while kith sends the mail. Best effort:
        // if IMAP is down the copy stays recorded and the next Drafts sync removes it.
        try {
          await folders.remove('\\Drafts', row.message_id);
          await deleteKeyValue(db, `${DRAFT_COPY_PREFIX}${row.id}`);
        } catch (error) {
          logger.warn('could not remove the Drafts copy before sending', { outbox: row.id, error });
        }
      }
      const mail = await buildMail(row, config, now());
      if (toContact && folders && transport.kind === 'smtp' && !providerSavesSent) {
        // APPEND before sending, flagged: after a crash the flag says "maybe sent".
        await folders.appendSent(mail.rawWithBcc, { pending: true });
        flaggedInSent = true;
      }
      await transport.send(mail);
    } catch (error) {
      if (flaggedInSent && folders) {
        await folders.remove('\\Sent', row.message_id).catch(() => undefined);
      }
      return handleFailure(attempt, error);
    }
    if (flaggedInSent && folders) {
      try {
        await folders.clearPending(row.message_id);
      } catch (error) {
        logger.warn('sent, but could not clear the pending flag in Sent', {
          outbox: row.id,
          error,
        });
      }
    }
    await markSent(row);
    totals.sent += 1;
    logger.info('mail sent', { outbox: row.id, kind: row.kind, audience: row.audience });
    return 'sent';
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
      if (leaseLost) break;
      const outcome = await sendOne(row);
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
