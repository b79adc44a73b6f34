import type { Db } from './database.js';
import type { Meeting } from './schema.js';

/**
 * The web UI's and the API's meeting writes, kept apart from the read
 * models until the meetings repository (src/db/meetings.ts) takes them in.
 */

export interface MeetingInput {
  readonly startsAt: string;
  readonly endsAt: string;
  readonly timeZone: string;
  readonly mode: string;
  readonly location: string | null;
}

/** Adds a confirmed meeting entered by hand. */
export async function addMeeting(
  db: Db,
  contactId: number,
  input: MeetingInput,
  at: string,
): Promise<number> {
  const row = await db
    .insertInto('meetings')
    .values({
      contact_id: contactId,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      time_zone: input.timeZone,
      mode: input.mode,
      location: input.location,
      status: 'confirmed',
      ical_uid: null,
      ical_sequence: null,
      source_message_id: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a meeting's time and place; returns the updated row. */
export async function updateMeeting(
  db: Db,
  id: number,
  input: MeetingInput,
  at: string,
): Promise<Meeting | undefined> {
  return db
    .updateTable('meetings')
    .set({
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      time_zone: input.timeZone,
      mode: input.mode,
      location: input.location,
      updated_at: at,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Marks a meeting cancelled; returns it, or undefined when it does not exist. */
export async function cancelMeeting(db: Db, id: number, at: string): Promise<Meeting | undefined> {
  return db
    .updateTable('meetings')
    .set({ status: 'cancelled', updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Whether the contact still has a proposed or confirmed meeting ahead. */
export async function hasActiveMeeting(db: Db, contactId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('meetings')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('status', 'in', ['proposed', 'confirmed'])
    .where('ends_at', '>=', now.toISOString())
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
