import type { MailMessage } from './mail.js';
import type { ProposedTime } from './proposed-time.js';
import { guessZone, isIanaZone, knownZone } from './zone-guess.js';

/**
 * Which zone a contact lives by. Sources, strongest first: the owner set
 * it; a calendar invite's TZID; a zone their mail names that agrees with
 * their Date header; their Date header's offset. A weaker source never
 * replaces a stronger one, so one odd header cannot undo a TZID, and
 * nothing undoes what the owner chose.
 */

export type ZoneSource = 'owner' | 'invite' | 'text' | 'header';

const STRENGTH: Readonly<Record<ZoneSource, number>> = { owner: 4, invite: 3, text: 2, header: 1 };

function strength(source: string | null): number {
  return source && source in STRENGTH ? STRENGTH[source as ZoneSource] : 0;
}

export interface KnownZone {
  readonly zone: string | null;
  readonly source: string | null;
}

/** Whether `zone` from `source` should replace what is known. */
export function zoneReplaces(known: KnownZone, zone: string, source: ZoneSource): boolean {
  if (!isIanaZone(zone)) return false;
  if (known.zone === zone && known.source === source) return false;
  return strength(known.source) <= STRENGTH[source];
}

/**
 * What a contact's own mail says about their zone: a zone named next to a
 * time counts when the Date header agrees (or says +0000, which webmail
 * sends whatever the clock), since "9am ET" to a New York owner from Berlin
 * is a courtesy, not a move; else the header's offset. Null: nothing.
 */
export function zoneFromMail(
  message: MailMessage,
  times: readonly ProposedTime[],
): { zone: string; source: ZoneSource } | null {
  const offset = message.dateOffsetMinutes;
  const at = Date.parse(message.date);
  if (Number.isNaN(at)) return null;
  for (const time of times) {
    if (time.zoneFrom !== 'text' || !time.timeZone || !isIanaZone(time.timeZone)) continue;
    const agrees =
      offset === null || offset === 0 || knownZone(time.timeZone)?.offset(at) === offset;
    if (agrees) return { zone: time.timeZone, source: 'text' };
  }
  if (offset === null) return null;
  const guessed = guessZone(offset, new Date(at));
  return guessed ? { zone: guessed, source: 'header' } : null;
}
