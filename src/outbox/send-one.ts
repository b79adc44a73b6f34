import type { Config } from '../config.js';
import { type Db, inTransaction } from '../db/database.js';
import { clearDraftsCopy, moveOutboxRow } from '../db/outbox-queries.js';
import type { OutboxRow } from '../db/schema.js';
import { KithError } from '../errors.js';
import type { Logger } from '../log.js';
import { KIND_LABELS } from '../templates/contexts.js';
import type { Templates } from '../templates/render.js';
import { type OutboxContext, queueOwnerMail, queueOwnerNotice } from './drafts.js';
import type { ImapFolders } from './imap-folders.js';
import { addressesIn, buildMail } from './mime.js';
import { recordSentOutreach } from './record-sent.js';
import { type MailTransport, SendError } from './transport.js';
import { ownerView, recipientName } from './views.js';
import { withdrawIfAnswered } from './withdraw.js';

/**
 * Sending one outbox row, and settling one a crash left in `sending`: the
 * part of the send loop (./send-loop.ts) that talks to the transport and the
 * IMAP folders. Every move is an action of the lifecycle table
 * (src/pipeline/outbox-lifecycle.ts): `claim`, then `sent`, `retry` or `fail`.
 */

export interface RetryPolicy {
  /** Attempts before a temporarily failing mail is given up (default 8). */
  readonly maxAttempts: number;
  /** Wait after the first failure; doubled each time (default 1 min). */
  readonly baseMs: number;
  /** Longest wait between attempts (default 1 h). */
  readonly maxMs: number;
}

export type SendOutcome = 'sent' | 'retrying' | 'failed' | 'withdrawn' | 'skipped';

export interface RowSenderDeps {
  readonly db: Db;
  readonly config: Config;
  readonly logger: Logger;
  readonly templates: Templates;
  readonly now: () => Date;
  readonly transport: MailTransport;
  readonly folders: ImapFolders | null;
  readonly providerSavesSent: boolean;
  readonly retry: RetryPolicy;
  /** Whether the owner's mailbox has a Drafts folder, as the loop last found. */
  readonly draftsFolder: () => 'unknown' | 'present' | 'absent';
  /** Counts for the loop's status. */
  readonly totals: { sent: number; failed: number };
  /** A problem the loop's status reports until the next round. */
  readonly noteError: (message: string) => void;
}

export interface RowSender {
  sendOne(row: OutboxRow): Promise<SendOutcome>;
  /** Decides one interrupted send: sent, safe to send again, or uncertain (never resent). */
  settle(row: OutboxRow): Promise<void>;
}

/** After a refused login, wait at least this long: retrying sooner cannot help. */
const AUTH_RETRY_MS = 5 * 60_000;

export function createRowSender(deps: RowSenderDeps): RowSender {
  const { db, config, logger, templates, now, transport, folders, providerSavesSent, retry } = deps;
  const totals = deps.totals;
  const ctx: OutboxContext = { db, config, logger, now, templates };
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
      await moveOutboxRow(trx, row.id, 'sent', {
        sent_at: at,
        last_error: null,
        updated_at: at,
      });
      await recordSentOutreach(trx, row, config.owner.emails[0] ?? '', at);
    });
  };

  const markUncertain = async (row: OutboxRow) => {
    const error = 'kith stopped while sending this mail and cannot tell whether it went out';
    const move = await moveOutboxRow(db, row.id, 'fail', {
      last_error: error,
      updated_at: iso(),
    });
    if (move.moved) {
      totals.failed += 1;
      logger.warn('send interrupted; not sending again', { outbox: row.id });
      await tellOwner(row, error, true);
    }
  };

  const backToApproved = async (row: OutboxRow) => {
    await moveOutboxRow(db, row.id, 'retry', {
      send_after: iso(),
      updated_at: iso(),
    });
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
      await moveOutboxRow(db, row.id, 'retry', {
        // A refused login is a settings problem, not this mail's: it does not use up attempts.
        attempts: failure.code === 'auth' ? attempts - 1 : attempts,
        send_after: new Date(now().getTime() + wait).toISOString(),
        last_error: failure.message,
        updated_at: iso(),
      });
      deps.noteError(failure.message);
      logger.warn('send failed; will retry', { outbox: row.id, attempts, error: failure.message });
      return 'retrying';
    }
    await moveOutboxRow(db, row.id, 'fail', {
      last_error: failure.message,
      updated_at: iso(),
    });
    totals.failed += 1;
    deps.noteError(failure.message);
    logger.error('send failed; giving up', { outbox: row.id, attempts, error: failure.message });
    await tellOwner(row, failure.message, false);
    return 'failed';
  };

  /** Sends one approved row: withdrawn, claimed, sent — or retried, or failed. */
  const sendOne = async (row: OutboxRow): Promise<SendOutcome> => {
    // Last line of defence: a reply that came in after approval still stops a follow-up.
    const withdrawn = await withdrawIfAnswered(db, config, row, iso());
    if (withdrawn) {
      logger.info('follow-up withdrawn before sending: the contact answered', { outbox: row.id });
      await queueOwnerNotice(ctx, { ...withdrawn, at: iso(), contactId: row.contact_id });
      return 'withdrawn';
    }
    const claim = await moveOutboxRow(db, row.id, 'claim', {
      attempts: row.attempts + 1,
      updated_at: iso(),
    });
    if (!claim.moved) return 'skipped';
    const attempt: OutboxRow = { ...row, state: 'sending', attempts: row.attempts + 1 };
    const toContact = row.audience === 'contact';
    let flaggedInSent = false;
    try {
      if (toContact && folders && deps.draftsFolder() !== 'absent') {
        // The owner should not send the Drafts copy while kith sends the mail. Best effort:
        // if IMAP is down the copy stays recorded and the next Drafts sync removes it.
        try {
          await folders.remove('\\Drafts', row.message_id);
          await clearDraftsCopy(db, row.id);
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

  return { sendOne, settle };
}
