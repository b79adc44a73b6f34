import { type Db, databaseDir, isInTransaction } from '../db/database.js';
import { sql } from '../db/kysely.js';
import { WriteStoppedError, writeFailure } from '../db/write-errors.js';

/**
 * Runs database writes one at a time in the order they were submitted, and
 * lets neighbours share one SQLite transaction: while a task's input is
 * already there when the previous one finishes (a burst of mail, a
 * backfill), it joins the open transaction instead of paying for its own
 * COMMIT, the costliest statement of ingesting a message: about 0.3 ms of
 * a plain reply's 2.3 ms, since one message writes to a dozen indexes and
 * triggers and every page it touched goes to the WAL at COMMIT (bench:ingest
 * prints a plain reply with and without grouping). Tasks already queued
 * behind the head but still waiting for their input get a few milliseconds
 * to join.
 * A task arriving alone commits alone, at once, so reaction time is
 * unchanged.
 *
 * Each task runs inside a savepoint: when it throws, only its own writes are
 * undone and `recover` decides what to store instead, in the same
 * transaction. A task resolves only after the COMMIT that holds its writes;
 * when the transaction fails (the database is busy, `recover` gave up),
 * every task in it is rejected and none of their writes remain.
 *
 * A write failure (disk full, read-only, I/O error, corrupt file) is no
 * task's fault and no `recover` can store anything then: SQLite may already
 * have rolled the whole transaction back, and statements after that would
 * run outside it. So it rejects the group and every task still queued with
 * a WriteStoppedError naming the cause; their sources keep the mail where
 * it was and submit it again later.
 */

export interface WriteTask<T> {
  /** The task may start once this settles (its input, e.g. a parse, is ready). */
  readonly ready?: Promise<unknown>;
  run(trx: Db): Promise<T>;
  /** Runs after `run` threw and its writes were rolled back; throwing aborts the whole transaction. */
  recover(trx: Db, error: unknown): Promise<T>;
}

export interface GroupWriter {
  /** Queues `task` after every earlier one; resolves with its result once committed. */
  submit<T>(task: WriteTask<T>): Promise<T>;
}

interface Entry {
  readonly task: WriteTask<unknown>;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

// A bound on how long one transaction holds SQLite's write lock.
const DEFAULT_MAX_GROUP = 64;

// How long the head waits for the inputs queued behind it (parses still running).
const DEFAULT_GATHER_MS = 10;

/**
 * Waits until every queued entry's input is ready, or `ms` passed. Parsing
 * runs on this thread, so the wait costs no work: it only lets a burst that
 * is already queued share one COMMIT instead of paying for three or four.
 */
async function gather(entries: readonly Entry[], ms: number): Promise<void> {
  const pending = entries.filter((e) => !e.settled).map((e) => e.task.ready);
  if (pending.length === 0 || ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(pending),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

export function createGroupWriter(
  db: Db,
  options: { maxGroup?: number; gatherMs?: number } = {},
): GroupWriter {
  const maxGroup = options.maxGroup ?? DEFAULT_MAX_GROUP;
  const gatherMs = options.gatherMs ?? DEFAULT_GATHER_MS;
  const queue: Entry[] = [];
  let draining = false;

  /** Throws a WriteStoppedError when `error` means the database cannot be written now. */
  const stopOnWriteFailure = (error: unknown) => {
    const failure = writeFailure(error, databaseDir(db));
    if (failure)
      throw error instanceof WriteStoppedError
        ? error
        : new WriteStoppedError(failure, { cause: error });
  };

  // SQLite rolls a transaction back by itself on some errors; what runs after that is not in it.
  const assertStillOpen = () => {
    if (!isInTransaction(db)) {
      throw new WriteStoppedError({
        cause: 'I/O error',
        message: 'SQLite rolled the transaction back on its own; kith retries by itself',
      });
    }
  };

  const runOne = async (trx: Db, task: WriteTask<unknown>): Promise<unknown> => {
    await sql`savepoint kith_task`.execute(trx);
    try {
      const result = await task.run(trx);
      assertStillOpen();
      await sql`release kith_task`.execute(trx);
      return result;
    } catch (error) {
      stopOnWriteFailure(error);
      assertStillOpen();
      await sql`rollback to kith_task`.execute(trx);
      await sql`release kith_task`.execute(trx);
      try {
        const result = await task.recover(trx, error);
        assertStillOpen();
        return result;
      } catch (failed) {
        stopOnWriteFailure(failed);
        throw failed;
      }
    }
  };

  /** Runs the group in one transaction; on any failure rolls back (if SQLite has not) and rethrows the first error. */
  const runGroup = async (group: Entry[], results: unknown[]) => {
    const trx = await db.startTransaction().execute();
    try {
      // The head is ready; later tasks join only if they need no waiting.
      while (group.length < maxGroup && queue[0]?.settled) {
        const entry = queue.shift() as Entry;
        group.push(entry);
        results.push(await runOne(trx, entry.task));
      }
      await trx.commit().execute();
    } catch (error) {
      // "cannot rollback - no transaction is active" when SQLite already did: not the news.
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      stopOnWriteFailure(error);
      throw error;
    }
  };

  const drain = async () => {
    draining = true;
    try {
      while (queue.length > 0) {
        const head = queue[0] as Entry;
        await head.task.ready?.catch(() => undefined);
        head.settled = true;
        await gather(queue.slice(1, maxGroup), gatherMs);
        const group: Entry[] = [];
        const results: unknown[] = [];
        try {
          await runGroup(group, results);
        } catch (error) {
          for (const entry of group) entry.reject(error);
          // Nothing queued can be written either: hand it all back at once.
          if (error instanceof WriteStoppedError) {
            for (const entry of queue.splice(0)) entry.reject(error);
          }
          continue;
        }
        group.forEach((entry, i) => {
          entry.resolve(results[i]);
        });
      }
    } finally {
      draining = false;
    }
  };

  return {
    submit<T>(task: WriteTask<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const entry: Entry = {
          task: task as WriteTask<unknown>,
          settled: task.ready === undefined,
          resolve: resolve as (value: unknown) => void,
          reject,
        };
        const markSettled = () => {
          entry.settled = true;
        };
        task.ready?.then(markSettled, markSettled);
        queue.push(entry);
        if (!draining) void drain();
      });
    },
  };
}
