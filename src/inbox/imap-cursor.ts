/**
 * The IMAP sync cursor as pure functions: where to start reading a mailbox
 * from what was stored last time (mailbox, UIDVALIDITY, last handled UID).
 * No I/O here, so every case is unit-tested without a server.
 */

/** What kith has fully handled in one mailbox. */
export interface SyncCursor {
  /** RFC 3501 UIDVALIDITY, kept as a decimal string (it is a 32-bit unsigned number). */
  readonly uidValidity: string;
  /** Every UID up to and including this one has been handled. */
  readonly lastUid: number;
}

/** What the server reports when the mailbox is opened. */
export interface MailboxSnapshot {
  readonly uidValidity: string;
  readonly uidNext: number;
}

export type SyncPlan =
  /** Read what arrived since `since` (first start, or UIDs became meaningless). */
  | {
      readonly kind: 'backfill';
      readonly since: Date;
      readonly reason: 'first-start' | 'uidvalidity-changed';
    }
  /** Read UIDs from `fromUid` on. */
  | { readonly kind: 'incremental'; readonly fromUid: number };

/**
 * Decides how to catch up. A changed UIDVALIDITY (RFC 3501 §2.3.1.1: the
 * old UIDs no longer name the same messages) means a resync of the backfill
 * window; Message-ID dedupe makes that create no duplicates.
 */
export function planSync(
  cursor: SyncCursor | undefined,
  mailbox: MailboxSnapshot,
  now: Date,
  backfillDays: number,
): SyncPlan {
  if (!cursor)
    return { kind: 'backfill', since: backfillSince(now, backfillDays), reason: 'first-start' };
  if (cursor.uidValidity !== mailbox.uidValidity) {
    return {
      kind: 'backfill',
      since: backfillSince(now, backfillDays),
      reason: 'uidvalidity-changed',
    };
  }
  // No shortcut on UIDNEXT: the value from SELECT goes stale as EXISTS pushes
  // arrive, and a `UID SEARCH UID n:*` costs one round trip.
  return { kind: 'incremental', fromUid: cursor.lastUid + 1 };
}

/** The start of the backfill window, as a day (IMAP SEARCH SINCE ignores the time of day). */
export function backfillSince(now: Date, days: number): Date {
  const since = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  return new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
}

/**
 * UIDs still to handle, ascending. `UID FETCH n:*` and `UID SEARCH UID n:*`
 * return the highest message even when it is below n (RFC 3501 §6.4.8), so
 * anything at or below the cursor is dropped here.
 */
export function pendingUids(uids: readonly number[], cursor: SyncCursor | undefined): number[] {
  const floor = cursor?.lastUid ?? 0;
  return [...new Set(uids)].filter((uid) => uid > floor).sort((a, b) => a - b);
}

/** The cursor after `uid` was handled; never moves backwards. */
export function advance(cursor: SyncCursor, uid: number): SyncCursor {
  return uid > cursor.lastUid ? { uidValidity: cursor.uidValidity, lastUid: uid } : cursor;
}

/**
 * The cursor once a whole plan ran: every UID below the snapshot's UIDNEXT
 * was either handled or (older than the backfill window) deliberately skipped.
 */
export function completed(cursor: SyncCursor, mailbox: MailboxSnapshot): SyncCursor {
  return advance(cursor, mailbox.uidNext - 1);
}

/**
 * The longest UID set kith puts on one command line. RFC 7162 asks clients
 * to keep a command under 8,192 octets; a set of scattered UIDs (mail moved
 * or deleted in between) is long where a run of them is one `a:b`.
 */
export const MAX_UID_SET_CHARS = 4_000;

/**
 * Splits UIDs into batches for one FETCH each: at most `size` UIDs, and a
 * UID set of at most `maxSetChars` (a batch too long is halved until it fits).
 */
export function uidBatches(
  uids: readonly number[],
  size = Number.POSITIVE_INFINITY,
  maxSetChars = MAX_UID_SET_CHARS,
): number[][] {
  const halvedToFit = (batch: number[]): number[][] => {
    if (batch.length <= 1 || uidSet(batch).length <= maxSetChars) return [batch];
    const half = Math.ceil(batch.length / 2);
    return [...halvedToFit(batch.slice(0, half)), ...halvedToFit(batch.slice(half))];
  };
  const out: number[][] = [];
  for (let i = 0; i < uids.length; i += size) out.push(...halvedToFit(uids.slice(i, i + size)));
  return out;
}

/** An IMAP sequence set for UIDs (`1:3,7,9:10`), shorter than a plain list. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = sorted[0];
  let prev = start;
  for (const uid of sorted.slice(1)) {
    if (prev !== undefined && uid === prev + 1) {
      prev = uid;
      continue;
    }
    ranges.push(start === prev ? `${start}` : `${start}:${prev}`);
    start = uid;
    prev = uid;
  }
  if (start !== undefined) ranges.push(start === prev ? `${start}` : `${start}:${prev}`);
  return ranges.join(',');
}

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential from
 * `initialMs`, capped, with up to 20% jitter so many clients do not retry in
 * step. Auth failures use a higher cap (a wrong password will not fix itself
 * in a second, and servers lock out accounts that hammer them).
 */
export function reconnectDelay(
  attempt: number,
  options: { initialMs: number; maxMs: number; random: () => number },
): number {
  const exponential = options.initialMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped * (1 - 0.2 * options.random()));
}
