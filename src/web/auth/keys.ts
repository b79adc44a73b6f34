import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keys for the web UI, derived from the instance secret so nothing extra is
 * stored. The session and CSRF keys also mix in the web password: changing
 * WEB_PASSWORD logs every browser out.
 */
export interface WebKeys {
  /** HMAC-SHA256 of `data` under the key for `purpose`, base64url. */
  sign(purpose: 'session' | 'csrf' | 'calendar', data: string): string;
}

export function deriveWebKeys(secret: string, password: string | undefined): WebKeys {
  const base = createHmac('sha256', secret)
    .update(`kith-web-v1|${password === undefined ? '' : sha256Hex(password)}`)
    .digest();
  const keys = new Map<'session' | 'csrf' | 'calendar', Buffer>(
    (['session', 'csrf'] as const).map((purpose) => [
      purpose,
      createHmac('sha256', base).update(purpose).digest(),
    ]),
  );
  // The feed URL lives in calendar apps: it must not change when the password does.
  keys.set('calendar', createHmac('sha256', secret).update('kith-web-v1|calendar').digest());
  return {
    sign(purpose, data) {
      return createHmac('sha256', keys.get(purpose)!).update(data).digest('base64url');
    },
  };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Compares two strings in constant time (for the lengths given). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
