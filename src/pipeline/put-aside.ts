import { DateTime } from 'luxon';
import { isReplySubject } from './subject-key.js';

/**
 * Mail from a known contact that kith put aside, said in plain words for
 * the owner (Health page, weekly digest): who, when, and why, e.g. "A reply
 * from Ana Souza (ana@acme.example) on Thu 3 Dec was put aside: too large
 * (31 MB)". The owner then reads it in their own mail program: kith did not
 * count it as a reply, so the contact's stage did not move.
 */

export interface PutAsideMail {
  readonly name: string | null;
  readonly address: string;
  /** When kith put it aside (ISO-8601). */
  readonly at: string;
  readonly subject: string | null;
  /** The quarantine reason as stored. */
  readonly reason: string;
  readonly size: number | null;
}

export function putAsideSentence(mail: PutAsideMail, timeZone: string): string {
  const what = isReplySubject(mail.subject ?? '') ? 'A reply' : 'A mail';
  const who = mail.name ? `${mail.name} (${mail.address})` : mail.address;
  const when = DateTime.fromISO(mail.at, { zone: timeZone })
    .setLocale('en-GB')
    .toFormat('ccc d LLL');
  return `${what} from ${who} on ${when} was put aside: ${plainReason(mail.reason, mail.size)}`;
}

/** The stored reason without kith's internals (setting names, parser messages). */
function plainReason(reason: string, size: number | null): string {
  const rest = reason.slice(reason.indexOf(':') + 1).trim();
  if (/^too large/i.test(reason)) return size ? `too large (${megabytes(size)})` : 'too large';
  if (/^unparseable/i.test(reason)) return 'kith could not read how it is put together';
  if (/^could not be read/i.test(reason)) return 'kith could not read it';
  if (/^damaged headers/i.test(reason)) return 'its header lines are damaged (stray control bytes)';
  if (/^could not be stored/i.test(reason)) return `kith could not store it (${rest})`;
  if (/^refused/i.test(reason)) return `refused (${rest})`;
  return reason;
}

function megabytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
