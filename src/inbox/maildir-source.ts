import { type FSWatcher, readFileSync, renameSync, statSync, watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type WriteFailure, writeFailure } from '../db/write-errors.js';
import type { Logger } from '../log.js';
import { makePrivateDir } from '../private-files.js';
import type { Service, ServiceStatus } from '../service.js';
import type { Ingester } from './ingest.js';

/**
 * The local Maildir source: the default inbox when no IMAP server is set,
 * and a drop folder for mbsync/offlineimap users. Files in `new/` are fed to
 * the ingest path one at a time; after a file is handled it moves to `cur/`
 * (so a restart never reads it twice), a broken one to `quarantine/` next to
 * them (its reason is in the quarantine table). A crash between the database
 * commit and the move is harmless: the next read dedupes by Message-ID.
 *
 * When the database cannot be written (disk full, read-only, I/O error,
 * damaged file) the source stops: the files stay in `new/`, one log line
 * and Health name the cause, and it tries again with a growing pause
 * (WRITE_RETRY_MS) until a write works.
 *
 * Until the owner's address is known (KITH_OWNER_EMAIL), nothing is read:
 * kith could not tell the owner's first outreach from a stranger's mail and
 * would drop it as unrelated. The files wait in `new/`, Health counts them,
 * and the first start with the address set reads them.
 */

export interface MaildirSourceOptions {
  /** The Maildir root; `cur/`, `new/` and `tmp/` are created on start. */
  readonly dir: string;
  readonly ingester: Ingester;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** fs.watch can miss events (network file systems, some editors): rescan this often too. */
  readonly rescanMs?: number;
  /** False while KITH_OWNER_EMAIL is unset: mail then waits in `new/` unread. Default true. */
  readonly ownerKnown?: boolean;
}

export interface MaildirSource extends Service {
  /** Handles whatever is in `new/` now; resolves when done (tests, benchmarks). */
  scan(): Promise<void>;
}

// Enough that parsing the next overlaps storing the previous; small enough to bound memory.
const IN_FLIGHT = 8;

/** Pauses between tries while the database cannot be written: 1 s doubling to a minute. */
const WRITE_RETRY_MS = { initial: 1_000, max: 60_000 } as const;

export function createMaildirSource(options: MaildirSourceOptions): MaildirSource {
  const now = options.now ?? (() => new Date());
  const dirs = {
    root: options.dir,
    new: path.join(options.dir, 'new'),
    cur: path.join(options.dir, 'cur'),
    tmp: path.join(options.dir, 'tmp'),
    quarantine: path.join(options.dir, 'quarantine'),
  };
  const counters = { handled: 0, quarantined: 0 };
  let lastMessageAt: string | null = null;
  let lastError: { message: string; at: string } | null = null;
  // Degraded while files keep failing; the last error stays visible after that.
  let scanFailed = false;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let scanning: Promise<void> | undefined;
  let again = false;
  // Set while the database cannot be written; cleared by the first scan that writes again.
  let stopped: (WriteFailure & { since: string; tries: number }) | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let failedThisScan = false;
  const ownerKnown = options.ownerKnown ?? true;
  // Files left in new/ while the owner is unknown; the count is told once per change.
  let waiting = 0;

  /**
   * Reads one file and hands it to ingest; the promise settles once the file is moved.
   * The file calls are synchronous on purpose: measured on bench/ingest.ts's
   * corpus (75 KB a file on average, 2 cores), the thread-pool round trips of
   * async readFile + stat + rename cost ~260 µs of CPU per file against ~45 µs
   * done in place, which took the Maildir ingest from ~2,450 to ~1,900 µs a
   * message. Blocking is no loss here: parsing the same bytes on this thread
   * takes 10–100 times longer than reading them from a local disk.
   */
  const startFile = (name: string): Promise<void> | undefined => {
    const file = path.join(dirs.new, name);
    let raw: Buffer;
    let receivedAt: Date;
    try {
      receivedAt = statSync(file).mtime;
      raw = readFileSync(file);
    } catch (error) {
      // Gone already (another reader): nothing to do.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const outcome = options.ingester.ingest(raw, {
      label: `maildir:${name}`,
      receivedAt,
      origin: 'local',
    });
    return outcome.then((result) => {
      if (result.status === 'quarantined') {
        counters.quarantined += 1;
        renameSync(file, path.join(dirs.quarantine, name));
        return;
      }
      counters.handled += 1;
      if (result.status === 'stored') lastMessageAt = now().toISOString();
      // Maildir: the ":2," info suffix marks a message the reader has seen.
      renameSync(file, path.join(dirs.cur, name.includes(':') ? name : `${name}:2,`));
    });
  };

  const failed = (name: string) => (error: unknown) => {
    const write = writeFailure(error);
    if (write) {
      failedThisScan = true;
      if (!stopped) {
        stopped = { ...write, since: now().toISOString(), tries: 0 };
        options.logger.error(
          `maildir: ingest stopped, mail stays in ${dirs.new}: ${write.message}`,
        );
      }
      return;
    }
    scanFailed = true;
    lastError = { message: (error as Error).message, at: now().toISOString() };
    options.logger.error(`maildir: could not handle ${name}`, { error });
  };

  const scanOnce = async () => {
    // Maildir names start with the delivery time, so a sort keeps arrival order.
    scanFailed = false;
    failedThisScan = false;
    const names = (await readdir(dirs.new)).filter((n) => !n.startsWith('.')).sort();
    if (!ownerKnown) {
      if (names.length !== waiting && names.length > 0) {
        options.logger.warn(
          `maildir: ${names.length} mail(s) wait unread in ${dirs.new} until KITH_OWNER_EMAIL is set; restart kith after setting it`,
        );
      }
      waiting = names.length;
      return;
    }
    // A few files in flight: the next one parses while the previous one is stored.
    const inflight: Promise<void>[] = [];
    for (const name of names) {
      if (!running || failedThisScan) break;
      try {
        const moved = startFile(name);
        if (moved) inflight.push(moved.catch(failed(name)));
      } catch (error) {
        failed(name)(error);
      }
      if (inflight.length >= IN_FLIGHT) await inflight.shift();
    }
    await Promise.all(inflight);
    if (!stopped) return;
    if (!failedThisScan) {
      options.logger.info(`maildir: the database takes writes again; ingest resumed`);
      stopped = null;
      return;
    }
    stopped.tries += 1;
    const delay = Math.min(WRITE_RETRY_MS.max, WRITE_RETRY_MS.initial * 2 ** (stopped.tries - 1));
    clearTimeout(retryTimer);
    retryAt = Date.now() + delay;
    retryTimer = setTimeout(() => void scan(true), delay);
    retryTimer.unref();
  };
  // While stopped, scans from fs.watch and the rescan timer wait for the retry time.
  let retryAt = 0;

  const scan = async (force = false): Promise<void> => {
    if (stopped && !force && Date.now() < retryAt) return;
    if (scanning) {
      again = true;
      return scanning;
    }
    scanning = (async () => {
      do {
        again = false;
        await scanOnce();
      } while (again && running);
    })().finally(() => {
      scanning = undefined;
    });
    return scanning;
  };

  return {
    name: 'inbox',
    async start() {
      for (const d of [dirs.root, dirs.new, dirs.cur, dirs.tmp, dirs.quarantine]) {
        makePrivateDir(d);
      }
      running = true;
      watcher = watch(dirs.new, () => void scan());
      watcher.on('error', (error) => {
        lastError = { message: error.message, at: now().toISOString() };
      });
      timer = setInterval(() => void scan(), options.rescanMs ?? 5_000);
      timer.unref();
      await scan();
      options.logger.info(`maildir: watching ${dirs.new}`);
    },
    async stop() {
      running = false;
      watcher?.close();
      clearInterval(timer);
      clearTimeout(retryTimer);
      await scanning;
    },
    scan: async () => {
      const wasRunning = running;
      running = true;
      try {
        await scan(true);
      } finally {
        running = wasRunning;
      }
    },
    status(): ServiceStatus {
      return {
        state: running ? (scanFailed || stopped || waiting > 0 ? 'degraded' : 'ok') : 'down',
        detail: {
          source: 'maildir',
          dir: dirs.root,
          ...counters,
          lastMessageAt,
          lastError,
          ...(stopped
            ? { ingestStopped: `${stopped.cause}: ${stopped.message}`, stoppedAt: stopped.since }
            : {}),
          ...(ownerKnown
            ? {}
            : {
                waiting: `${waiting} mail(s) kept unread in new/ until KITH_OWNER_EMAIL is set (then restart kith)`,
              }),
        },
      };
    },
  };
}
