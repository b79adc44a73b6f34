/**
 * Login slow-down per client address: after the n-th failed attempt the next
 * one is refused for 2^(n-1) seconds (capped), so guessing gets exponentially
 * slower while a typo costs a second. Kept in memory: a restart forgets it,
 * which only helps someone who can restart kith anyway.
 */
export interface LoginLimiter {
  /** Seconds to wait before another attempt is allowed; 0 means go ahead. */
  waitSeconds(client: string, now: Date): number;
  failed(client: string, now: Date): void;
  succeeded(client: string): void;
}

const MAX_DELAY_SECONDS = 15 * 60;
const MAX_TRACKED = 10_000;

export function createLoginLimiter(): LoginLimiter {
  const entries = new Map<string, { failures: number; until: number }>();
  return {
    waitSeconds(client, now) {
      const entry = entries.get(client);
      if (!entry) return 0;
      const ms = entry.until - now.getTime();
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    },
    failed(client, now) {
      const failures = (entries.get(client)?.failures ?? 0) + 1;
      const delay = Math.min(2 ** (failures - 1), MAX_DELAY_SECONDS);
      // Map keeps insertion order: re-insert so the oldest entries are evicted first.
      entries.delete(client);
      entries.set(client, { failures, until: now.getTime() + delay * 1000 });
      if (entries.size > MAX_TRACKED) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    succeeded(client) {
      entries.delete(client);
    },
  };
}
