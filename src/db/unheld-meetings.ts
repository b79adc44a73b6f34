import type { Db } from './database.js';

/** A contact's next confirmed meeting that has not ended by `now`. */
export interface UnheldMeeting {
  readonly contactId: number;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly timeZone: string;
}

/** Per contact, the earliest confirmed meeting still to end after `now`. */
export async function unheldMeetings(
  db: Db,
  contactIds: readonly number[],
  now: Date,
): Promise<Map<number, UnheldMeeting>> {
  const out = new Map<number, UnheldMeeting>();
  if (contactIds.length === 0) return out;
  const rows = await db
    .selectFrom('meetings')
    .select(['contact_id', 'starts_at', 'ends_at', 'time_zone'])
    .where('contact_id', 'in', [...new Set(contactIds)])
    .where('status', '=', 'confirmed')
    .where('ends_at', '>', now.toISOString())
    .orderBy('starts_at')
    .execute();
  for (const r of rows) {
    if (out.has(r.contact_id)) continue;
    out.set(r.contact_id, {
      contactId: r.contact_id,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      timeZone: r.time_zone,
    });
  }
  return out;
}
