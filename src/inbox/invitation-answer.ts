import type { Db } from '../db/database.js';
import type { CalendarEvent } from '../pipeline/calendar-event.js';
import type { CalendarAction } from '../pipeline/classify.js';

/**
 * The contact's calendar answered kith's invitation (METHOD:REPLY with their
 * PARTSTAT): the meeting with that UID remembers the answer, shown on the
 * meeting. Returns a remark, or null when no meeting has that UID.
 */
export async function recordInvitationAnswer(
  db: Db,
  contactId: number,
  event: CalendarEvent,
  action: CalendarAction,
  at: string,
): Promise<string | null> {
  if (event.method !== 'REPLY') return null;
  const answer =
    action === 'accepted'
      ? 'ACCEPTED'
      : action === 'declined'
        ? 'DECLINED'
        : action === 'tentative'
          ? 'TENTATIVE'
          : null;
  if (!answer) return null;
  const updated = await db
    .updateTable('meetings')
    .set({ attendee_answer: answer, attendee_answer_at: at })
    .where('contact_id', '=', contactId)
    .where('ical_uid', '=', event.uid)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0 ? `invitation ${answer.toLowerCase()}` : null;
}
