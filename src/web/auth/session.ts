import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import {
  deleteKeysWithPrefixBelow,
  deleteKeyValue,
  readKeyValue,
  writeKeyValue,
} from '../../db/key-values.js';
import { safeEqual, sha256Hex, type WebKeys } from './keys.js';

/** A logged-in browser. */
export interface Session {
  readonly id: string;
  readonly expiresAt: Date;
  /** Goes into every form and the X-CSRF-Token header of API writes. */
  readonly csrfToken: string;
}

export const SESSION_COOKIE = 'kith_session';
export const SESSION_DAYS = 30;
const DAY_MS = 86_400_000;
const KEY_PREFIX = 'web.session.';

/**
 * Sessions: the cookie carries `id.expiry.mac` (signed, so a forged cookie
 * costs no database read); the database keeps only a hash of the id, so
 * logging out really ends the session and a leaked database opens nothing.
 */
export interface SessionStore {
  create(now: Date): Promise<{ session: Session; cookie: string }>;
  read(cookie: string | undefined, now: Date): Promise<Session | undefined>;
  destroy(session: Session): Promise<void>;
}

export function createSessionStore(db: Db, keys: WebKeys): SessionStore {
  const csrfFor = (id: string) => keys.sign('csrf', id);
  return {
    async create(now) {
      const id = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS);
      const payload = `${id}.${expiresAt.getTime()}`;
      await writeKeyValue(
        db,
        KEY_PREFIX + sha256Hex(id),
        expiresAt.toISOString(),
        now.toISOString(),
      );
      await pruneExpired(db, now);
      return {
        session: { id, expiresAt, csrfToken: csrfFor(id) },
        cookie: `${payload}.${keys.sign('session', payload)}`,
      };
    },
    async read(cookie, now) {
      if (!cookie) return undefined;
      const parts = cookie.split('.');
      if (parts.length !== 3) return undefined;
      const [id, expiry, mac] = parts as [string, string, string];
      if (!safeEqual(mac, keys.sign('session', `${id}.${expiry}`))) return undefined;
      const expiresAt = new Date(Number(expiry));
      if (!(expiresAt.getTime() > now.getTime())) return undefined;
      const stored = await readKeyValue(db, KEY_PREFIX + sha256Hex(id));
      if (stored === undefined) return undefined;
      return { id, expiresAt, csrfToken: csrfFor(id) };
    },
    async destroy(session) {
      await deleteKeyValue(db, KEY_PREFIX + sha256Hex(session.id));
    },
  };
}

async function pruneExpired(db: Db, now: Date): Promise<void> {
  await deleteKeysWithPrefixBelow(db, KEY_PREFIX, now.toISOString());
}
