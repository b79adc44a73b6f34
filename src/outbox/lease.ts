import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/database.js';
import {
  deleteKeyValue,
  insertKeyValueIfAbsent,
  readKeyValue,
  swapKeyValue,
} from '../db/key-values.js';
import { KithError } from '../errors.js';

/**
 * One sender per data dir. Two kith processes on the same database must
 * never both send, so the send loop holds a lease in `key_values`, taken and
 * renewed by compare-and-swap (SQLite serialises the writes, so exactly one
 * process wins). A holder counts as gone when its heartbeat is stale, or —
 * on the same machine — when its process no longer exists, so a crashed
 * kith (even SIGKILLed) is replaced at once on restart.
 */

export const LEASE_KEY = 'outbox.sender-lease';

export interface LeaseValue {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly heartbeat: string;
}

export interface LeaseOptions {
  readonly dataDir: string;
  /** A heartbeat older than this frees the lease (default 30 s). */
  readonly staleAfterMs?: number;
  readonly now?: () => Date;
}

export interface SenderLease {
  /** Takes the lease or throws KithError `locked` naming the holder. */
  acquire(): Promise<void>;
  /** Renews the heartbeat; false when another process has taken the lease over. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
  readonly token: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The holder of a stored lease while it counts as alive: a fresh heartbeat
 * and, on this machine, a process that still exists. `kith restore` asks
 * this too, so it never swaps the database under a running kith.
 */
export function liveHolder(raw: string, now: Date, staleAfterMs = 30_000): LeaseValue | null {
  let lease: LeaseValue;
  try {
    lease = JSON.parse(raw) as LeaseValue;
  } catch {
    return null;
  }
  const age = now.getTime() - Date.parse(lease.heartbeat);
  if (!(age < staleAfterMs)) return null;
  if (lease.host === hostname() && !isAlive(lease.pid)) return null;
  return lease;
}

export function createSenderLease(db: Db, options: LeaseOptions): SenderLease {
  const token = randomUUID();
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  const host = hostname();
  let since: string | undefined;
  let current: string | undefined;
  let renewing: Promise<unknown> = Promise.resolve();

  const value = (): string => {
    const at = now().toISOString();
    since ??= at;
    const lease: LeaseValue = { token, pid: process.pid, host, since, heartbeat: at };
    return JSON.stringify(lease);
  };

  const heldByOther = (raw: string): LeaseValue | null => {
    const lease = liveHolder(raw, now(), staleAfterMs);
    return lease && lease.token !== token ? lease : null;
  };

  return {
    token,
    async acquire() {
      for (let attempt = 0; attempt < 5; attempt++) {
        const at = now().toISOString();
        const mine = value();
        if (await insertKeyValueIfAbsent(db, LEASE_KEY, mine, at)) {
          current = mine;
          return;
        }
        const existing = await readKeyValue(db, LEASE_KEY);
        if (existing === undefined) continue;
        const holder = heldByOther(existing);
        if (holder) {
          throw new KithError(
            'locked',
            `another kith process (pid ${holder.pid} on ${holder.host}, sending since ${holder.since}) is already sending mail from ${options.dataDir}. Stop it first, or give this one its own KITH_DATA_DIR.`,
          );
        }
        if (await swapKeyValue(db, LEASE_KEY, existing, mine, at)) {
          current = mine;
          return;
        }
      }
      throw new KithError(
        'locked',
        `could not take the sender lease on ${options.dataDir}; try again`,
      );
    },
    renew() {
      // Serialised: two overlapping renewals would race their compare-and-swaps.
      const next = renewing.then(async () => {
        if (current === undefined) return false;
        const fresh = value();
        if (await swapKeyValue(db, LEASE_KEY, current, fresh, now().toISOString())) {
          current = fresh;
          return true;
        }
        current = undefined;
        return false;
      });
      renewing = next.catch(() => false);
      return next;
    },
    async release() {
      if (current === undefined) return;
      await deleteKeyValue(db, LEASE_KEY, current);
      current = undefined;
    },
  };
}
