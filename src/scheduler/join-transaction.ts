import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

/**
 * The scheduler records a job and makes its mail in ONE transaction. The
 * outbox's functions begin their own (`db.transaction().execute(…)`), which
 * Kysely refuses inside another; this view of the open transaction joins it
 * instead, so their writes commit or roll back with the job record.
 * (`isTransaction` is true, so helpers that check it join as well.)
 */
export function joinable(trx: Transaction<Database>): Db {
  const view: Db = new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') {
        return () => ({ execute: <T>(work: (db: Db) => Promise<T>) => work(view) });
      }
      if (property === 'isTransaction') return true;
      const value = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields: methods must run on the real object.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Db;
  return view;
}
