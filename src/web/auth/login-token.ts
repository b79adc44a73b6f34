import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { readKeyValue, swapKeyValue, writeKeyValue } from '../../db/key-values.js';
import type { Logger } from '../../log.js';
import { safeEqual, sha256Hex } from './keys.js';

/**
 * When WEB_PASSWORD is unset, kith logs in with a one-time token, stored
 * only as a hash. Every start prints a fresh one: an earlier link may be
 * lost with the terminal it was printed in, and only the newest works, so
 * at most one is ever outstanding. Using it spends it.
 */

const KEY = 'web.login_token';

interface StoredToken {
  readonly hash: string;
  readonly createdAt: string;
  readonly usedAt: string | null;
}

async function readStored(db: Db): Promise<StoredToken | undefined> {
  const value = await readKeyValue(db, KEY);
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as StoredToken;
  } catch {
    return undefined;
  }
}

/**
 * Makes a new token, replacing any earlier one (used or not), and returns it:
 * the only time it exists in clear. `replaced` tells whether an unused one
 * stopped working.
 */
export async function issueLoginToken(
  db: Db,
  now: Date,
): Promise<{ token: string; replaced: boolean }> {
  const stored = await readStored(db);
  const token = randomBytes(24).toString('base64url');
  const record: StoredToken = {
    hash: sha256Hex(token),
    createdAt: now.toISOString(),
    usedAt: null,
  };
  await writeKeyValue(db, KEY, JSON.stringify(record), now.toISOString());
  return { token, replaced: stored !== undefined && stored.usedAt === null };
}

/** Spends the token if it matches the outstanding one; true on success. */
export async function spendLoginToken(db: Db, token: string, now: Date): Promise<boolean> {
  const stored = await readStored(db);
  if (!stored || stored.usedAt !== null) return false;
  if (!safeEqual(sha256Hex(token), stored.hash)) return false;
  const spent: StoredToken = { ...stored, usedAt: now.toISOString() };
  // Compare-and-set, so two logins racing with the same token cannot both win.
  return swapKeyValue(db, KEY, JSON.stringify(stored), JSON.stringify(spent), now.toISOString());
}

/**
 * At start, without WEB_PASSWORD: prints a new login link through the logger,
 * at WEB_PUBLIC_URL when set (the owner may be on another machine, where the
 * listening address means nothing), with the listening address beside it.
 */
export async function announceLoginLink(options: {
  db: Db;
  logger: Logger;
  url: string;
  /** WEB_PUBLIC_URL, when set. */
  publicUrl?: string;
  now: Date;
}): Promise<void> {
  const issued = await issueLoginToken(options.db, options.now);
  const path = `/login?token=${issued.token}`;
  const local = `${options.url.replace(/\/+$/, '')}${path}`;
  const link = options.publicUrl
    ? `${new URL(options.publicUrl).origin}${path} (on this computer: ${local})`
    : local;
  // warn, not info: a quiet logger must still show it.
  options.logger.warn(
    `WEB_PASSWORD is not set. Log in once with this link (it works one time${issued.replaced ? '; the link printed at an earlier start no longer does' : ''}): ${link}`,
  );
}
