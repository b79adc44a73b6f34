import { type Db, databaseDir, isInTransaction } from '../db/database.js';
import { sql } from '../db/kysely.js';
import { WriteStoppedError, writeFailure } from '../db/write-errors.js';

/**
 * Runs database writes one at a time in the order they were submitted (two
 * mailboxes can deliver the BCC and the Sent copy of one outreach at the
 * same moment, and only one may win), each in a transaction of its own. A
 * task resolves only after the COMMIT that holds its writes.
 *
 * Each task runs inside a savepoint: when it throws, its writes are undone
 * and `recover` decides what to store instead, in the same transaction.
 * When `recover` throws too, or the COMMIT fails (the database is busy), the
 * task is rejected and none of its writes remain; the next task goes on.
 *
 * A write failure (disk full, read-only, I/O error, corrupt file) is no
 * task's fault and no `recover` can store anything then: SQLite may already
 * have rolled the transaction back, and statements after that would run
 * outside it. So it rejects the task and every task still queued with a
 * WriteStoppedError naming the cause; their sources keep the mail where it
 * was and submit it again later.
 */

export interface WriteTask<T> {
  /** The task may start once this settles (its input, e.g. a parse, is ready); no transaction is open meanwhile. */
  readonly ready?: Promise<unknown>;
  run(trx: Db): Promise<T>;
  /** Runs after `run` threw and its writes were rolled back; throwing rolls back the whole transaction. */
  recover(trx: Db, error: unknown): Promise<T>;
}

export interface OrderedWriter {
  /** Queues `task` after every earlier one; resolves with its result once committed. */
  submit<T>(task: WriteTask<T>): Promise<T>;
}

interface Entry {
  readonly task: WriteTask<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export function createOrderedWriter(db: Db): OrderedWriter {
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

  const runInSavepoint = async (trx: Db, task: WriteTask<unknown>): Promise<unknown> => {
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

  /** Runs `task` in its own transaction; on any failure rolls back (if SQLite has not) and rethrows. */
  const runInTransaction = async (task: WriteTask<unknown>): Promise<unknown> => {
    const trx = await db.startTransaction().execute();
    try {
      const result = await runInSavepoint(trx, task);
      await trx.commit().execute();
      return result;
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
        const head = queue.shift() as Entry;
        await head.task.ready?.catch(() => undefined);
        try {
          head.resolve(await runInTransaction(head.task));
        } catch (error) {
          head.reject(error);
          // Nothing queued can be written either: hand it all back at once.
          if (error instanceof WriteStoppedError) {
            for (const entry of queue.splice(0)) entry.reject(error);
          }
        }
      }
    } finally {
      draining = false;
    }
  };

  return {
    submit<T>(task: WriteTask<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          task: task as WriteTask<unknown>,
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        if (!draining) void drain();
      });
    },
  };
}
