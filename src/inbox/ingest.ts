import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import {
  addToQuarantine,
  clearQuarantined,
  isMessageKnown,
  knownAddresses,
  knownMessageIds,
  type QuarantineInput,
  quarantinedIdsWith,
} from '../db/inbox-queries.js';
import { BadInputError } from '../errors.js';
import type { Logger } from '../log.js';
import { verifySignedMessageId } from '../outbox/message-id.js';
import { type Classification, classify } from '../pipeline/classify.js';
import {
  type MailOrigin,
  proveOwnerMail,
  type TrustedReceiver,
  WAITING_FOR_PROOF,
} from '../pipeline/owner-proof.js';
import { createGroupWriter } from './group-writer.js';
import { headerJunkCount } from './header-junk.js';
import type { RelevanceIndex } from './imap-relevance.js';
import { buildContext } from './ingest-context.js';
import { contactViews, type IngestOutcome, reported } from './ingest-outcome.js';
import { type DraftCommandHandler, storeClassification } from './ingest-store.js';
import { peekHeaders } from './mail-headers.js';
import type { Prepared } from './prepare.js';

/**
 * The one ingest path every source uses (IMAP, Maildir, `kith ingest`):
 * raw bytes → size cap → parse → context from the database → classify
 * (pure) → store, all in one transaction together with the source's
 * checkpoint, so a message is handled exactly once: a crash before the
 * commit redoes it, after the commit the checkpoint (or Message-ID dedupe)
 * skips it. Bad mail never throws out of here: it goes to quarantine with
 * a reason the owner can see.
 *
 * A little over 400 lines because it is one flow: the order of its checks
 * (size, parse, duplicate, owner proof, the outreach recipient cap, damaged
 * headers, refusals) is the point, and each check's rule is already pure
 * (owner-proof.ts, classify.ts, header-junk.ts); what it did with a message
 * is said in ingest-outcome.ts.
 */

export { describeOutcome, type IngestOutcome } from './ingest-outcome.js';
export type { DraftCommandHandler, DraftCommandRequest } from './ingest-store.js';

export interface IngestSource {
  /** Where the bytes came from, for quarantine and logs: imap:INBOX:123, maildir:<name>, file:<path>. */
  readonly label: string;
  /** Receipt time (INTERNALDATE, file time): the date of mail whose Date header is unusable. */
  readonly receivedAt: Date;
  /** Runs inside the transaction that records the outcome (the IMAP cursor moves here). */
  readonly checkpoint?: (trx: Db) => Promise<void>;
  /**
   * How far the mailbox vouches for mail that claims to be the owner's
   * (owner-proof.ts): the IMAP watcher says `sent` or `mailbox`; absent
   * means `local`, bytes handed over from the owner's own files.
   */
  readonly origin?: MailOrigin;
}

export interface Ingester {
  /**
   * Handles one message. Calls may overlap (a parse starts at once, while
   * earlier messages are stored); the stores, and so the checkpoints, happen
   * in the order of the calls.
   */
  ingest(raw: Buffer, source: IngestSource): Promise<IngestOutcome>;
  /** Puts mail aside without reading it (e.g. over the size cap by its IMAP size). */
  quarantine(
    input: QuarantineInput,
    checkpoint?: (trx: Db) => Promise<void>,
  ): Promise<IngestOutcome>;
  /** What the headers-first IMAP filter needs to know about these addresses and Message-IDs. */
  relevanceIndex(addresses: readonly string[], ids: readonly string[]): Promise<RelevanceIndex>;
  /** Resolves once the parser is loaded; ingest works without waiting for it, this only moves the cost. */
  ready(): Promise<void>;
}

export interface IngesterDeps {
  readonly db: Db;
  readonly config: Pick<
    Config,
    'owner' | 'serviceAddress' | 'secret' | 'maxMessageBytes' | 'timeZone'
  > &
    Partial<Pick<Config, 'outreachMaxRecipients' | 'imap'>>;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** The outbox's handler for approve/skip/snooze/edit (required: an owner's command read without it would be lost). */
  readonly drafts: DraftCommandHandler;
  /** False commits each message alone instead of grouping neighbours (see group-writer.ts); only to measure the gain. */
  readonly groupWrites?: boolean;
  /** Told about the owner's mail whose Message-ID kith fixed for a draft (sent from Drafts, seen in Sent). */
  readonly sentCopies: SentCopyHandler;
}

/** Port to the outbox: a mail it drafted was sent by other means. Runs in the ingest transaction. */
export interface SentCopyHandler {
  /** True when an outbox row changed (it is then never sent again). */
  seen(db: Db, messageId: string, at: string): Promise<boolean>;
}

// Quarantine rows that stand for a message already dealt with (not a transient failure).
const NOT_STORED_PREFIX = 'could not be stored';
// Quarantine rows a later read may settle: the Message-ID stays unknown, so that read is handled.
const RETRY_PREFIXES = [NOT_STORED_PREFIX, WAITING_FOR_PROOF];
const DEFAULT_OUTREACH_MAX_RECIPIENTS = 10;

/** The kinds that act on the owner's word (owner_note is guarded by its signed reference instead). */
function claimsOwner(c: Classification): boolean {
  return (
    c.kind === 'owner_outreach' ||
    c.kind === 'owner_reply' ||
    (c.kind === 'calendar' && c.fromOwner)
  );
}

/** True when the message answers a kith-signed mail that only the owner gets (approval request, owner mail). */
function answersOwnerOnlyMail(
  message: { inReplyTo: string | null; references: readonly string[] },
  secret: string,
): boolean {
  const answered = [message.inReplyTo, ...message.references].filter((x): x is string => !!x);
  return answered.some((id) => /^(d\d+-r\d+|o\d+)$/.test(verifySignedMessageId(secret, id) ?? ''));
}

export function createIngester(deps: IngesterDeps): Ingester {
  const { db, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  if (!config.secret) throw new Error('the ingest path needs the instance secret (ensureSecret)');
  const secret = config.secret;
  const settings = {
    ownerAddresses: config.owner.emails,
    serviceAddress: config.serviceAddress ?? null,
    secret,
  };
  const owners = new Set(config.owner.emails.map((a) => a.toLowerCase()));
  const isOwner = (a: string) => owners.has(a) || owners.has(a.replace(/\+[^@]*@/, '@'));
  const service = config.serviceAddress?.toLowerCase() ?? null;
  const maxRecipients = config.outreachMaxRecipients ?? DEFAULT_OUTREACH_MAX_RECIPIENTS;
  // Whose Authentication-Results speak for the owner's provider (IMAP_AUTHSERV_ID).
  // Without an IMAP account no mail is read from a mailbox, so the topmost rule of
  // local files is all there is.
  const authserv = config.imap ? config.imap.authservId : 'topmost';
  const receiver: TrustedReceiver =
    authserv === undefined
      ? { kind: 'none' }
      : authserv === 'topmost'
        ? { kind: 'topmost' }
        : { kind: 'named', authservId: authserv };
  // Loading mailparser, chrono and the rest takes a few hundred ms: start now,
  // alongside connecting to the mail server, not on the first message; and
  // only in processes that ingest.
  const parser = import('./prepare.js').then((prepare) => {
    prepare.warmUp();
    return prepare;
  });
  parser.catch(() => undefined);

  // One message at a time, in call order (two mailboxes can deliver the BCC
  // and the Sent copy of one outreach at the same moment, and only one may
  // win); messages that are ready back to back share a transaction.
  const writer = createGroupWriter(
    db,
    deps.groupWrites === false ? { maxGroup: 1, gatherMs: 0 } : {},
  );

  /** Quarantines inside the caller's transaction; the log line follows the commit. */
  const putAsideIn = async (
    trx: Db,
    input: QuarantineInput,
    checkpoint?: (trx: Db) => Promise<void>,
  ): Promise<IngestOutcome> => {
    await addToQuarantine(trx, input, now().toISOString());
    await checkpoint?.(trx);
    return { status: 'quarantined', messageId: input.messageId ?? null, reason: input.reason };
  };

  const handle = async (
    trx: Db,
    prepared: Prepared,
    source: IngestSource,
    headerJunk: number,
  ): Promise<IngestOutcome> => {
    const { message } = prepared;
    const id = message.messageId;
    const done = async (outcome: IngestOutcome) => {
      await source.checkpoint?.(trx);
      return outcome;
    };
    const sender = message.from?.address;
    const proof =
      sender && isOwner(sender)
        ? proveOwnerMail({
            origin: source.origin ?? 'local',
            sender,
            authenticationResults: message.authenticationResults ?? [],
            receiver,
          })
        : null;
    // A forged copy must not mark a draft as sent by other means either.
    if (proof?.proven) {
      await deps.sentCopies.seen(trx, id, message.date);
    }
    if (await isMessageKnown(trx, id, RETRY_PREFIXES))
      return done({ status: 'duplicate', messageId: id });
    // Proven now: an unproven copy read earlier is settled by this one.
    if (proof?.proven) await clearQuarantined(trx, id, WAITING_FOR_PROOF);
    const { context, people } = await buildContext(trx, message, prepared.extracted, settings);
    const c = classify(message, context);
    if (proof && !proof.proven && claimsOwner(c)) {
      if (proof.verdict === 'refuse') {
        await addToQuarantine(
          trx,
          {
            source: source.label,
            reason: `refused: ${proof.reason}`,
            messageId: id,
            subject: message.subject,
            from: sender,
          },
          now().toISOString(),
        );
        logger.warn(`refused: ${proof.reason}`, { source: source.label, messageId: id });
        return done({ status: 'refused', messageId: id, reason: proof.reason });
      }
      // The same unproven copy read again (a resync) needs no second row.
      const waiting = await quarantinedIdsWith(trx, [id], WAITING_FOR_PROOF);
      if (waiting.size > 0)
        return done({ status: 'quarantined', messageId: id, reason: proof.reason });
      return putAsideIn(
        trx,
        {
          source: source.label,
          reason: proof.reason,
          messageId: id,
          subject: message.subject,
          from: sender,
        },
        source.checkpoint,
      );
    }
    if (c.kind === 'owner_outreach') {
      const unknown = c.recipients.filter((r) => r.contactId === null).length;
      if (unknown > maxRecipients) {
        const reason =
          `too many recipients: this outreach went to ${unknown} people kith does not know yet, ` +
          `more than KITH_OUTREACH_MAX_RECIPIENTS (${maxRecipients}), so kith added none of them and changed nothing. ` +
          'To follow up with them, add them with `npm run kith -- import csv <file>` (or raise the setting and send again).';
        return putAsideIn(
          trx,
          { source: source.label, reason, messageId: id, subject: message.subject, from: sender },
          source.checkpoint,
        );
      }
    }
    if (sender && !isOwner(sender) && answersOwnerOnlyMail(message, secret)) {
      // A replayed reference: whatever this says is never an owner command. Say so.
      logger.warn(
        'refused as an owner command: the sender is not an owner address but answers mail kith sent only to the owner',
        { source: source.label, messageId: id },
      );
    }
    if (c.kind === 'unrelated' && headerJunk > 0) {
      // The junk may have hidden the sender or the thread of a contact's reply: dropping it
      // would lose that reply without a word, so it is put aside where the owner sees it.
      const reason = `damaged headers: ${headerJunk} NUL or control byte(s) in them, so kith could not tell who sent it or which thread it answers`;
      return putAsideIn(
        trx,
        { source: source.label, reason, messageId: id, subject: message.subject, from: sender },
        source.checkpoint,
      );
    }
    if (c.kind === 'unrelated')
      return done({ status: 'unrelated', messageId: id, reason: c.reason });
    if (c.kind === 'refused') {
      await addToQuarantine(
        trx,
        {
          source: source.label,
          reason: `refused: ${c.reason}`,
          messageId: id,
          subject: message.subject,
          from: sender,
        },
        now().toISOString(),
      );
      logger.warn(`refused: ${c.reason}`, { source: source.label, messageId: id });
      return done({ status: 'refused', messageId: id, reason: c.reason });
    }
    const result = await storeClassification(
      trx,
      message,
      c,
      context,
      { ownerTimeZone: config.timeZone, drafts: deps.drafts, logger },
      now(),
    );
    if (!result.stored) {
      return done({
        status: 'unrelated',
        messageId: id,
        reason: `${c.kind} about no known contact`,
      });
    }
    return done({
      status: 'stored',
      classification: c.kind,
      kind: result.kind,
      messageId: id,
      contacts: await contactViews(trx, result, people),
      changes: result.changes,
      remarks: result.remarks,
    });
  };

  /** A quarantine row for mail put aside as it is, named by its parsed or peeked headers. */
  const asideAsIs = (
    raw: Buffer,
    source: IngestSource,
    reason: string,
    named: { messageId: string | null; subject: string | null; from: string | null } = peekHeaders(
      raw,
    ),
  ): QuarantineInput => ({
    source: source.label,
    reason,
    messageId: named.messageId,
    subject: named.subject,
    from: named.from,
    size: raw.length,
  });

  const unreadable = (raw: Buffer, source: IngestSource, error: unknown): QuarantineInput => {
    const why = error instanceof BadInputError ? 'unparseable' : 'could not be read';
    return asideAsIs(raw, source, `${why}: ${(error as Error)?.message ?? String(error)}`);
  };

  /** Quarantine as a write of its own (nothing else to try first). */
  const putAside = (input: QuarantineInput, checkpoint?: (trx: Db) => Promise<void>) =>
    writer
      .submit({
        run: (trx) => putAsideIn(trx, input, checkpoint),
        recover: (_trx, error) => Promise.reject(error),
      })
      .then((outcome) => reported(logger, input.source, outcome));

  const ingestOne = (raw: Buffer, source: IngestSource): Promise<IngestOutcome> => {
    if (raw.length > config.maxMessageBytes) {
      const reason = `too large: ${raw.length} bytes is over KITH_MAX_MESSAGE_BYTES (${config.maxMessageBytes}); not parsed`;
      return putAside(asideAsIs(raw, source, reason), source.checkpoint);
    }
    // Parsing starts at once, alongside the storing of earlier messages;
    // storing itself keeps the order of the calls.
    const parsed = parser
      .then((p) => p.prepareMail(raw, source.receivedAt))
      .then(
        (prepared) => ({ prepared }),
        (error: unknown) => ({ error }),
      );
    return writer
      .submit({
        ready: parsed,
        async run(trx) {
          const result = await parsed;
          if ('error' in result)
            return putAsideIn(trx, unreadable(raw, source, result.error), source.checkpoint);
          return handle(trx, result.prepared, source, headerJunkCount(raw));
        },
        async recover(trx, error) {
          // The database is busy (another kith process): retry later, do not put the mail aside.
          if (isBusy(error)) throw error;
          // A bug or odd data in one message must not stop the source: put it aside, visibly.
          logger.error(`could not store ${source.label}`, { error });
          const result = await parsed;
          const reason = `${NOT_STORED_PREFIX}: ${(error as Error).message}`;
          return putAsideIn(
            trx,
            'prepared' in result
              ? asideAsIs(raw, source, reason, {
                  ...result.prepared.message,
                  from: result.prepared.message.from?.address ?? null,
                })
              : asideAsIs(raw, source, reason),
            source.checkpoint,
          );
        },
      })
      .then((outcome) => reported(logger, source.label, outcome));
  };

  return {
    ingest: ingestOne,
    ready: () => parser.then(() => undefined),
    quarantine: putAside,
    async relevanceIndex(addresses, ids) {
      // Mail waiting for its Sent copy makes that copy relevant, though it names no one kith knows.
      const [addressSet, idSet, waiting] = await Promise.all([
        knownAddresses(db, addresses),
        knownMessageIds(db, ids),
        quarantinedIdsWith(db, ids, WAITING_FOR_PROOF),
      ]);
      return {
        isOwner,
        isServiceAddress: (a) => a === service,
        isKnownAddress: (a) => addressSet.has(a),
        isKnownMessageId: (id) =>
          idSet.has(id) || waiting.has(id) || verifySignedMessageId(secret, id) !== null,
      };
    },
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
