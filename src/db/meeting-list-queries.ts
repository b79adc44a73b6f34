import type { Db } from './database.js';
import type { Meeting } from './schema.js';

/** The meetings page's and the calendar feed's read model: meetings with their contact. */

export interface MeetingRow extends Meeting {
  readonly contact_name: string | null;
  readonly contact_company: string | null;
  /** The contact's own zone when known. */
  readonly contact_time_zone: string | null;
}

/** Each meeting with the contact's name, company and zone: one row of a meeting list. */
function meetingsWithTheirContact(db: Db) {
  return db
    .selectFrom('meetings as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .selectAll('m')
    .select([
      'c.name as contact_name',
      'c.company as contact_company',
      'c.time_zone as contact_time_zone',
    ]);
}

/** Meetings not yet over at `now` (upcoming, soonest first) and those over (past, newest first, at most `pastLimit`). */
export async function loadMeetings(
  db: Db,
  options: { now: Date; pastLimit: number },
): Promise<{ upcoming: MeetingRow[]; past: MeetingRow[] }> {
  const base = meetingsWithTheirContact(db);
  const now = options.now.toISOString();
  const upcoming = await base
    .where('m.ends_at', '>=', now)
    .orderBy('m.starts_at')
    .orderBy('m.id')
    .execute();
  const past = await base
    .where('m.ends_at', '<', now)
    .orderBy('m.starts_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(options.pastLimit)
    .execute();
  return { upcoming, past };
}

/** Meetings for the calendar feed: everything that ends after `since`. */
export async function loadFeedMeetings(db: Db, since: Date): Promise<MeetingRow[]> {
  return meetingsWithTheirContact(db)
    .where('m.ends_at', '>=', since.toISOString())
    .orderBy('m.starts_at')
    .execute();
}
