import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Message-IDs for mail kith sends carry an HMAC of the instance secret, so a
 * reply that references one proves it answers real kith mail: a forged From
 * alone cannot produce a valid tag. Format: `kith.<ref>.<tag>@<domain>`.
 */

const TAG_LENGTH = 22; // 132 bits of base64url: far beyond guessing.

function tag(secret: string, ref: string): string {
  return createHmac('sha256', secret)
    .update(`kith-message-id:${ref}`)
    .digest('base64url')
    .slice(0, TAG_LENGTH);
}

/** A fresh signed Message-ID (without angle brackets) for reference `ref` ([A-Za-z0-9-]+). */
export function makeSignedMessageId(secret: string, ref: string, domain: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(ref)) throw new Error('message reference must be [A-Za-z0-9-]+');
  return `kith.${ref}.${tag(secret, ref)}@${domain}`;
}

/** The reference inside a Message-ID kith signed, or null if it is not one (or was tampered with). */
export function verifySignedMessageId(secret: string, messageId: string): string | null {
  const match = /^<?kith\.([A-Za-z0-9-]+)\.([A-Za-z0-9_-]+)@[^>]+>?$/.exec(messageId.trim());
  if (!match) return null;
  const [, ref, given] = match as unknown as [string, string, string];
  const expected = Buffer.from(tag(secret, ref));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? ref : null;
}
