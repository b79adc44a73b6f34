import { ImapFlow, type ListResponse, type SearchObject } from 'imapflow';
import type { ImapConfig } from '../config.js';
import { imapAuth } from '../credentials.js';
import type { Db } from '../db/database.js';
import { getSyncState, saveSyncState } from '../db/inbox-queries.js';
import type { KithError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Service, ServiceStatus } from '../service.js';
import { type HeadersAhead, ImapBatchReader } from './imap-batch.js';
import {
  completed,
  type MailboxSnapshot,
  pendingUids,
  planSync,
  reconnectDelay,
  type SyncCursor,
  uidBatches,
} from './imap-cursor.js';
import { translateImapError } from './imap-errors.js';
import type { Ingester } from './ingest.js';

/**
 * Over 400 lines because one mailbox's connection, heartbeat and catch-up
 * share one small state machine (client, syncing, dirty, backoff attempt)
 * that reads best in one class; reading a batch of mail is imap-batch.ts.
 *
 * Watches IMAP mailboxes (INBOX and the `\Sent` special-use folder unless
 * IMAP_MAILBOXES says otherwise) and feeds what may concern kith to the
 * ingest path.
 *
 * One connection per mailbox: IDLE (RFC 2177) only reports on the selected
 * mailbox, so this is the only way to get push on Sent too without polling;
 * two or three connections stay far below Dovecot's 10 per user and address
 * and Gmail's 15 per account.
 *
 * Per connection: open read-only (EXAMINE, so the owner's \Seen flags never
 * change), catch up from the stored cursor, then IDLE at once — imapflow's
 * own auto-IDLE waits seconds after the last command. A heartbeat breaks
 * IDLE every few minutes with a fresh EXAMINE of the mailbox that must
 * answer within a deadline (re-issuing IDLE well inside RFC 2177's 29
 * minutes, and treating a silent connection as dead); any error closes the
 * connection and a reconnect loop with exponential backoff catches up
 * whatever arrived meanwhile.
 */

export interface ImapWatcherOptions {
  readonly imap: ImapConfig;
  readonly db: Db;
  readonly ingester: Ingester;
  readonly logger: Logger;
  readonly backfillDays: number;
  readonly maxMessageBytes: number;
  readonly now?: () => Date;
  /** Break IDLE, re-open the mailbox (EXAMINE) and re-issue IDLE this often. */
  readonly idleRestartMs?: number;
  /** A connect or heartbeat EXAMINE not answered within this is a dead connection. */
  readonly timeoutMs?: number;
  readonly reconnect?: {
    readonly initialMs?: number;
    readonly maxMs?: number;
    /** Auth failures back off further: servers lock out clients that hammer them. */
    readonly authMaxMs?: number;
  };
  /**
   * UIDs per headers-only FETCH. Each batch costs a few round trips (its
   * headers, the structures it leaves open, its bodies), so over a real
   * connection fewer, larger batches make a first start faster; one batch's
   * summaries and the next's are all that is held.
   */
  readonly headerBatchSize?: number;
}

/** What /healthz shows for one mailbox; never secrets. */
export interface MailboxStatus {
  readonly mailbox: string;
  readonly path: string | null;
  readonly connected: boolean;
  readonly idling: boolean;
  readonly lastMessageAt: string | null;
  readonly lastSyncAt: string | null;
  readonly lastError: {
    readonly code: string;
    readonly message: string;
    readonly at: string;
  } | null;
  readonly backfill: { readonly done: number; readonly total: number } | null;
  readonly reconnects: number;
}

/** Counters for tests and benchmarks: bodies are only downloaded when relevant. */
export interface WatcherStats {
  headersFetched: number;
  /** BODYSTRUCTUREs asked for (mail whose headers could not rule out an invite). */
  structuresFetched: number;
  bodiesFetched: number;
  /** Of those, bodies fetched as the parts kith reads, without their attachments. */
  bodiesInParts: number;
  /** Bytes of the bodies downloaded (as rebuilt, for those read in parts). */
  bodyBytes: number;
  handled: number;
  quarantined: number;
}

export interface ImapWatcher extends Service {
  mailboxes(): MailboxStatus[];
  stats(): Readonly<WatcherStats>;
  /** Resolves once every mailbox finished a catch-up since `start()` (for tests and benchmarks). */
  caughtUp(): Promise<void>;
}

const DEFAULTS = {
  idleRestartMs: 5 * 60_000,
  timeoutMs: 30_000,
  initialMs: 1_000,
  maxMs: 60_000,
  authMaxMs: 15 * 60_000,
  headerBatchSize: 2_000,
};

export function createImapWatcher(options: ImapWatcherOptions): ImapWatcher {
  const specs = options.imap.mailboxes?.length ? options.imap.mailboxes : ['INBOX', '\\Sent'];
  const stats: WatcherStats = {
    headersFetched: 0,
    structuresFetched: 0,
    bodiesFetched: 0,
    bodiesInParts: 0,
    bodyBytes: 0,
    handled: 0,
    quarantined: 0,
  };
  const watches = specs.map((spec) => new MailboxWatch(spec, options, stats));
  // Sent first on a first start: replies in INBOX are only recognised once the
  // outreach they answer (often only in Sent) is stored.
  const sentFirst = watches.filter((w) => w.isSentSpec);
  for (const w of watches) if (!w.isSentSpec) w.waitFor = sentFirst.map((s) => s.firstAttempt);
  let started = false;

  return {
    name: 'inbox',
    async start() {
      if (started) return;
      started = true;
      for (const w of watches) w.start();
    },
    async stop() {
      await Promise.all(watches.map((w) => w.stop()));
      started = false;
    },
    status(): ServiceStatus {
      const mailboxes = watches.map((w) => w.status());
      const state = !started ? 'down' : mailboxes.every((m) => m.connected) ? 'ok' : 'degraded';
      return {
        state,
        detail: { source: 'imap', host: options.imap.host, mailboxes, stats: { ...stats } },
      };
    },
    mailboxes: () => watches.map((w) => w.status()),
    stats: () => ({ ...stats }),
    caughtUp: () => Promise.all(watches.map((w) => w.caughtUp)).then(() => undefined),
  };
}

class MailboxWatch {
  readonly isSentSpec: boolean;
  waitFor: Promise<void>[] = [];
  readonly firstAttempt: Promise<void>;
  caughtUp: Promise<void>;
  private resolveFirstAttempt!: () => void;
  private resolveCaughtUp!: () => void;
  private client: ImapFlow | undefined;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private path: string | null = null;
  private isSentMailbox = false;
  private syncing = false;
  private dirty = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private attempt = 0;
  private firstDone = false;
  private state = {
    lastMessageAt: null as string | null,
    lastSyncAt: null as string | null,
    lastError: null as MailboxStatus['lastError'],
    backfill: null as MailboxStatus['backfill'],
    reconnects: 0,
  };
  private readonly now: () => Date;
  private readonly reader: ImapBatchReader;
  private readonly o: Required<
    Pick<ImapWatcherOptions, 'idleRestartMs' | 'timeoutMs' | 'headerBatchSize'>
  > & {
    initialMs: number;
    maxMs: number;
    authMaxMs: number;
  };

  constructor(
    readonly spec: string,
    private readonly options: ImapWatcherOptions,
    stats: WatcherStats,
  ) {
    this.isSentSpec = spec === '\\Sent';
    this.now = options.now ?? (() => new Date());
    this.o = {
      idleRestartMs: options.idleRestartMs ?? DEFAULTS.idleRestartMs,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      headerBatchSize: options.headerBatchSize ?? DEFAULTS.headerBatchSize,
      initialMs: options.reconnect?.initialMs ?? DEFAULTS.initialMs,
      maxMs: options.reconnect?.maxMs ?? DEFAULTS.maxMs,
      authMaxMs: options.reconnect?.authMaxMs ?? DEFAULTS.authMaxMs,
    };
    this.reader = new ImapBatchReader({
      db: options.db,
      ingester: options.ingester,
      maxMessageBytes: options.maxMessageBytes,
      stats,
      now: this.now,
      isSent: () => this.isSentMailbox,
      stopped: () => this.stopped,
      onStored: () => {
        this.state.lastMessageAt = this.now().toISOString();
      },
    });
    this.firstAttempt = new Promise((r) => {
      this.resolveFirstAttempt = r;
    });
    this.caughtUp = new Promise((r) => {
      this.resolveCaughtUp = r;
    });
  }

  start(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const client = this.client;
    if (client) {
      await withTimeout(client.logout(), 2_000).catch(() => client.close());
    }
    await this.loop;
  }

  status(): MailboxStatus {
    const client = this.client;
    return {
      mailbox: this.spec,
      path: this.path,
      connected: client?.usable === true,
      idling: client?.idling === true,
      ...this.state,
    };
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) {
    this.options.logger[level](`imap ${this.path ?? this.spec}: ${message}`, fields);
  }

  /** Connect, catch up, idle; on any failure wait (backoff) and do it again. */
  private async run(): Promise<void> {
    while (!this.stopped) {
      let failure: KithError | undefined;
      try {
        await this.session();
      } catch (error) {
        failure = this.translate(error);
      }
      this.markFirstAttempt();
      if (this.stopped) break;
      this.attempt += 1;
      this.state.reconnects += 1;
      const code = failure?.code ?? 'temporary';
      const delay = reconnectDelay(this.attempt, {
        initialMs: this.o.initialMs,
        maxMs: code === 'auth' ? this.o.authMaxMs : this.o.maxMs,
        random: Math.random,
      });
      if (failure) this.recordError(failure);
      this.log(
        'warn',
        `${failure ? failure.message : 'connection closed'}; reconnecting in ${delay} ms`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private translate(error: unknown): KithError {
    return translateImapError(error, {
      user: this.options.imap.user,
      host: this.options.imap.host,
      mailbox: this.path ?? this.spec,
    });
  }

  private recordError(error: KithError): void {
    this.state.lastError = {
      code: error.code,
      message: error.message,
      at: this.now().toISOString(),
    };
  }

  private markFirstAttempt(): void {
    if (this.firstDone) return;
    this.firstDone = true;
    this.resolveFirstAttempt();
  }

  /** One connection's life; returns when it closes. */
  private async session(): Promise<void> {
    const { imap } = this.options;
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      // Resolved at each login: IMAP_PASS_COMMAND may print a fresh OAuth2 token.
      auth: await imapAuth(imap),
      logger: false,
      // kith enters IDLE itself right after each fetch.
      disableAutoIdle: true,
      connectionTimeout: this.o.timeoutMs,
      greetingTimeout: this.o.timeoutMs,
      // imapflow NOOPs a quiet socket itself and fails one whose NOOP stays unanswered.
      socketTimeout: Math.max(this.o.idleRestartMs, this.o.timeoutMs) + this.o.timeoutMs,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    let lastError: unknown;
    client.on('error', (error: unknown) => {
      lastError = error;
      this.recordError(this.translate(error));
    });
    this.client = client;
    try {
      await client.connect();
      if (this.stopped) return;
      this.path = await this.resolvePath(client);
      await client.mailboxOpen(this.path, { readOnly: true });
      this.attempt = 0;
      this.log('info', 'connected');
      client.on('exists', () => this.requestSync(client));
      if (!this.firstDone) await Promise.all(this.waitFor);
      this.requestSync(client);
      this.heartbeat = setInterval(() => void this.beat(client), this.o.idleRestartMs);
      await closed;
      if (lastError && !this.stopped) throw lastError;
    } finally {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      if (this.client === client) this.client = undefined;
      if (client.usable) client.close();
    }
  }

  /**
   * The mailbox path for a special-use spec (`\\Sent`), or the name as
   * given; either way, whether it is the Sent folder (by its special-use
   * flag, which imapflow also infers from common names): the owner's mail
   * there is only read when addressed to kith or to a contact.
   */
  private async resolvePath(client: ImapFlow): Promise<string> {
    const list: ListResponse[] = await client.list();
    const found = this.spec.startsWith('\\')
      ? list.find((m) => m.specialUse === this.spec)
      : list.find((m) => m.path === this.spec || m.path.toUpperCase() === this.spec.toUpperCase());
    if (!found) {
      throw Object.assign(new Error(`no mailbox ${this.spec}`), {
        code: 'NotFound',
        path: this.spec,
      });
    }
    this.isSentMailbox = found.specialUse === '\\Sent';
    return found.path;
  }

  /**
   * Re-issues IDLE and proves the connection is alive; a silent one is
   * closed. The probe is a fresh SELECT (EXAMINE), not a NOOP: a session
   * whose mailbox was deleted and recreated may go on showing the old one
   * (Dovecot does), and only a new SELECT reports the new UIDVALIDITY.
   */
  private async beat(client: ImapFlow): Promise<void> {
    if (this.syncing || !client.usable || !this.path) return;
    const before = client.mailbox ? String(client.mailbox.uidValidity) : null;
    try {
      await withTimeout(client.mailboxOpen(this.path, { readOnly: true }), this.o.timeoutMs);
    } catch (error) {
      const timedOut = error instanceof TimeoutError;
      this.log(
        'warn',
        timedOut
          ? `no answer within ${this.o.timeoutMs} ms; treating the connection as dead`
          : `reopening the mailbox failed: ${this.translate(error).message}`,
      );
      this.recordError(
        this.translate(timedOut ? Object.assign(error, { code: 'ETIMEOUT' }) : error),
      );
      client.close();
      return;
    }
    const after = client.mailbox ? String(client.mailbox.uidValidity) : null;
    if (before !== after) this.log('warn', `UIDVALIDITY changed (${before} → ${after})`);
    this.requestSync(client);
  }

  /** Coalesces EXISTS pushes: one catch-up runs at a time, and again if more arrived. */
  private requestSync(client: ImapFlow): void {
    this.dirty = true;
    if (!this.syncing) void this.drain(client);
  }

  private async drain(client: ImapFlow): Promise<void> {
    this.syncing = true;
    try {
      while (this.dirty && client.usable && !this.stopped) {
        this.dirty = false;
        await this.syncOnce(client);
      }
      this.state.lastSyncAt = this.now().toISOString();
      this.resolveCaughtUp();
    } catch (error) {
      const failure = this.translate(error);
      this.recordError(failure);
      this.log('error', `catch-up failed: ${failure.message}`);
      if (client.usable) client.close();
    } finally {
      this.syncing = false;
      this.markFirstAttempt();
    }
    if (client.usable && !this.stopped) {
      // IDLE now, not after imapflow's auto-IDLE delay; it ends when the next command runs.
      client.idle().catch(() => undefined);
    }
  }

  private async syncOnce(client: ImapFlow): Promise<void> {
    const path = this.path as string;
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('no mailbox is open');
    const snapshot: MailboxSnapshot = {
      uidValidity: String(mailbox.uidValidity),
      uidNext: mailbox.uidNext,
    };
    const row = await getSyncState(this.options.db, path);
    const stored: SyncCursor | undefined = row
      ? { uidValidity: row.uid_validity, lastUid: row.last_uid }
      : undefined;
    const plan = planSync(stored, snapshot, this.now(), this.options.backfillDays);

    let cursor: SyncCursor;
    let uids: number[];
    if (plan.kind === 'backfill') {
      cursor = { uidValidity: snapshot.uidValidity, lastUid: 0 };
      uids = pendingUids(await searchOrThrow(client, { since: plan.since }), cursor);
      this.log(
        'info',
        plan.reason === 'first-start'
          ? `first start: reading ${uids.length} messages since ${plan.since.toISOString().slice(0, 10)}`
          : `UIDVALIDITY changed (${stored?.uidValidity} → ${snapshot.uidValidity}): resyncing ${uids.length} messages`,
      );
      this.state.backfill = { done: 0, total: uids.length };
    } else {
      cursor = stored as SyncCursor;
      uids = pendingUids(await searchOrThrow(client, { uid: `${plan.fromUid}:*` }), cursor);
    }

    const all = uidBatches(uids, this.o.headerBatchSize);
    let headers: HeadersAhead | undefined;
    for (const [i, batch] of all.entries()) {
      if (this.stopped || !client.usable) return;
      const read = await this.reader.read(client, path, cursor, batch, {
        headers,
        next: all[i + 1],
      });
      cursor = read.cursor;
      headers = read.nextHeaders;
      if (plan.kind === 'backfill' && this.state.backfill) {
        this.state.backfill = {
          done: this.state.backfill.done + batch.length,
          total: this.state.backfill.total,
        };
      }
    }
    const finalCursor = plan.kind === 'backfill' ? completed(cursor, snapshot) : cursor;
    await saveSyncState(this.options.db, path, finalCursor, this.now().toISOString());
    if (plan.kind === 'backfill') this.log('info', `backfill done: ${uids.length} messages read`);
  }
}

/**
 * UID SEARCH; imapflow answers a failed search with `false`, which must not
 * read as "nothing new" (a backfill would then skip the whole window).
 */
async function searchOrThrow(client: ImapFlow, query: SearchObject): Promise<number[]> {
  const found = await client.search(query, { uid: true });
  if (!found) throw Object.assign(new Error('UID SEARCH failed'), { code: 'SearchFailed' });
  return found;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
