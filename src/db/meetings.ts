import type { MeetingValues, StoredMeeting } from '../pipeline/inbound-effects.js';
import type { Side } from '../pipeline/meeting-rules.js';
import type { Db } from './database.js';
import type { Meeting } from './schema.js';

/**
 * The meetings table: the reads and writes a mail causes (through the
 * inbox's interpreter, src/inbox/apply-inbound.ts) and those of the web UI
 * and the API (src/web/actions.ts), the scheduler's "it took place" and the
 * outbox's invitation UID, each written once. What to write is
 * decided in src/pipeline/decide-meetings.ts and meeting-rules.ts.
 */

function side(value: string | null): Side | null {
  return value === 'owner' || value === 'contact' ? value : null;
}

/** Every meeting of these contacts, in order of creation. */
export async function meetingsOfContacts(
  db: Db,
  contactIds: readonly number[],
): Promise<Map<number, StoredMeeting[]>> {
  const out = new Map<number, StoredMeeting[]>();
  if (contactIds.length === 0) return out;
  const rows = await db
    .selectFrom('meetings')
    .select(['id', 'contact_id', 'starts_at', 'ends_at', 'time_zone', 'location', 'status'])
    .select(['ical_uid', 'ical_sequence', 'proposed_by', 'source_message_id'])
    .where('contact_id', 'in', contactIds)
    .orderBy('id', 'asc')
    .execute();
  for (const m of rows) {
    const list = out.get(m.contact_id) ?? [];
    list.push({
      id: m.id,
      start: m.starts_at,
      end: m.ends_at,
      timeZone: m.time_zone,
      place: m.location,
      status: m.status,
      uid: m.ical_uid,
      sequence: m.ical_sequence,
      proposedBy: side(m.proposed_by),
      sourceMessageId: m.source_message_id,
    });
    out.set(m.contact_id, list);
  }
  return out;
}

/** Every meeting of one contact, in order of creation. */
export async function meetingsOfContact(db: Db, contactId: number): Promise<StoredMeeting[]> {
  return (await meetingsOfContacts(db, [contactId])).get(contactId) ?? [];
}

function columns(values: MeetingValues) {
  return {
    starts_at: values.start,
    ends_at: values.end,
    time_zone: values.timeZone,
    mode: values.mode,
    location: values.place,
    status: values.status,
    ical_uid: values.uid,
    ical_sequence: values.sequence,
  };
}

/** Adds a meeting a mail proposed or a calendar sent; returns its id. */
export async function insertMeeting(
  db: Db,
  contactId: number,
  values: MeetingValues,
  from: { readonly proposedBy: Side | null; readonly sourceMessageId: string },
  now: string,
): Promise<number> {
  const row = await db
    .insertInto('meetings')
    .values({
      ...columns(values),
      contact_id: contactId,
      proposed_by: from.proposedBy,
      source_message_id: from.sourceMessageId,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Replaces a meeting's time, place, status and calendar identity (a calendar update). */
export async function replaceMeetingValues(
  db: Db,
  id: number,
  values: MeetingValues,
  now: string,
): Promise<void> {
  await db
    .updateTable('meetings')
    .set({ ...columns(values), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Confirms or cancels meetings; a calendar CANCEL also keeps its SEQUENCE. */
export async function setMeetingStatus(
  db: Db,
  ids: readonly number[],
  status: 'confirmed' | 'cancelled',
  sequence: number | null,
  now: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('meetings')
    .set(
      sequence === null
        ? { status, updated_at: now }
        : { status, ical_sequence: sequence, updated_at: now },
    )
    .where('id', 'in', ids)
    .execute();
}

/** The contact's calendar answered kith's invitation with this UID: shown on the meeting. */
export async function recordAttendeeAnswer(
  db: Db,
  contactId: number,
  uid: string,
  answer: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE',
  at: string,
): Promise<void> {
  await db
    .updateTable('meetings')
    .set({ attendee_answer: answer, attendee_answer_at: at })
    .where('contact_id', '=', contactId)
    .where('ical_uid', '=', uid)
    .execute();
}

// ---------------------------------------------------------------- by hand (web and API)

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

/**
 * A confirmed meeting whose time passed becomes done. `updated_at` is left
 * alone on purpose: it says when kith last learned something about the
 * meeting from mail (booked, moved), which the planner counts from.
 */
export async function markMeetingDone(db: Db, meetingId: number): Promise<void> {
  await db
    .updateTable('meetings')
    .set({ status: 'done' })
    .where('id', '=', meetingId)
    .where('status', '=', 'confirmed')
    .execute();
}

/** kith's invitation for the meeting was drafted with this UID and SEQUENCE. */
export async function setInvitationUid(
  db: Db,
  meetingId: number,
  uid: string,
  sequence: number,
): Promise<void> {
  await db
    .updateTable('meetings')
    .set({ ical_uid: uid, ical_sequence: sequence })
    .where('id', '=', meetingId)
    .execute();
}
