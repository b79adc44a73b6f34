import { DateTime } from 'luxon';
import type { Db } from '../db/database.js';
import type { MailMessage } from '../pipeline/mail.js';
import type { ProposedTime } from '../pipeline/proposed-time.js';
import { guessZone, isIanaZone } from '../pipeline/zone-guess.js';

/**
 * Remembers the zone a contact lives by. Sources, strongest first: the
 * owner set it; a calendar invite's TZID; a zone their mail names that
 * agrees with their Date header; their Date header's offset. A weaker
 * source never replaces a stronger one, so one odd header cannot undo a
 * TZID, and nothing undoes what the owner chose.
 */

export type ZoneSource = 'owner' | 'invite' | 'text' | 'header';

const STRENGTH: Readonly<Record<ZoneSource, number>> = { owner: 4, invite: 3, text: 2, header: 1 };

function strength(source: string | null): number {
  return source && source in STRENGTH ? STRENGTH[source as ZoneSource] : 0;
}

/** Stores `zone` for the contact unless what is stored came from a stronger source; true when stored. */
export async function learnContactZone(
  db: Db,
  contactId: number,
  zone: string,
  source: ZoneSource,
  now: string,
): Promise<boolean> {
  if (!isIanaZone(zone)) return false;
  const row = await db
    .selectFrom('contacts')
    .select(['time_zone', 'time_zone_source'])
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!row) return false;
  if (row.time_zone === zone && row.time_zone_source === source) return false;
  if (strength(row.time_zone_source) > STRENGTH[source]) return false;
  await db
    .updateTable('contacts')
    .set({ time_zone: zone, time_zone_source: source, updated_at: now })
    .where('id', '=', contactId)
    .execute();
  return true;
}

/**
 * What a contact's own mail says about their zone: a zone named next to a
 * time counts when the Date header agrees (or says +0000, which webmail
 * sends whatever the clock), since "9am ET" to a New York owner from Berlin
 * is a courtesy, not a move; else the header's offset.
 */
export async function learnZoneFromMail(
  db: Db,
  contactId: number,
  message: MailMessage,
  times: readonly ProposedTime[],
  now: string,
): Promise<void> {
  const offset = message.dateOffsetMinutes;
  const at = DateTime.fromISO(message.date, { zone: 'utc' });
  if (!at.isValid) return;
  for (const time of times) {
    if (time.zoneFrom !== 'text' || !time.timeZone || !isIanaZone(time.timeZone)) continue;
    const agrees = offset === null || offset === 0 || at.setZone(time.timeZone).offset === offset;
    if (agrees) {
      await learnContactZone(db, contactId, time.timeZone, 'text', now);
      return;
    }
  }
  if (offset === null) return;
  const guessed = guessZone(offset, at.toJSDate());
  if (guessed) await learnContactZone(db, contactId, guessed, 'header', now);
}
