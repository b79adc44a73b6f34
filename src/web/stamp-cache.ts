import type { Db } from '../db/database.js';
import { changeStamp } from '../db/database.js';

/**
 * Reuse of rendered pages until the database changes (see changeStamp): a
 * page is rendered once per change instead of once per view. A stamp check
 * costs one tiny query.
 */

/**
 * Whole rendered pages (as UTF-8 bytes, ready to send) by key, each valid
 * until the database changes. Keys include the session's CSRF token, which
 * the page's forms carry, so one browser never sees another's token.
 */
export interface PageCache {
  get(key: string, render: () => Promise<string>): Promise<Uint8Array>;
}

export function createPageCache(db: Db, maxEntries: number): PageCache {
  // No room: every view renders, without the stamp query either (what the cache saves is measured against this).
  if (maxEntries <= 0) return { get: async (_key, render) => Buffer.from(await render(), 'utf8') };
  const entries = new Map<string, { stamp: string; bytes: Uint8Array }>();
  return {
    async get(key, render) {
      const stamp = await changeStamp(db);
      let entry = entries.get(key);
      if (entry?.stamp === stamp) {
        entries.delete(key); // re-insert: most recently used last
      } else {
        entry = { stamp, bytes: Buffer.from(await render(), 'utf8') };
      }
      entries.set(key, entry);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return entry.bytes;
    },
  };
}

/** The minute `now` falls in: pages that show "3 days in stage" or "in 2 days" refresh at least that often. */
export function minuteOf(now: Date): number {
  return Math.floor(now.getTime() / 60_000);
}
