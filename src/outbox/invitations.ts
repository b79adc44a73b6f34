import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { findContactById } from '../db/contacts.js';
import { setInvitationUid } from '../db/meetings.js';
import { liveAddressOf, moveOutboxRow } from '../db/outbox-queries.js';
import type { OutboxRow } from '../db/schema.js';
import {
  type InvitationStep,
  isKithsUid,
  type LastInvitation,
  nextInvitation,
} from '../pipeline/invitation.js';
import { isOpen } from '../pipeline/outbox-lifecycle.js';
import { createContactDraft, type OutboxContext } from './drafts.js';
import { buildInvitationIcs } from './invitation-ics.js';
import { messageIdDomain } from './mime.js';

/**
 * Keeps the contact's calendar in step with a meeting agreed by text: drafts
 * the invitation when it is confirmed, the update when it moves, the CANCEL
 * when it is called off (pure rule: pipeline/invitation.ts). Each is a draft
 * the owner approves like any other; an older one still undecided is
 * withdrawn so only the current time can be approved.
 */

/** What the newest invitation drafted for the meeting says, from its own .ics. */
function lastInvitation(rows: readonly OutboxRow[]): LastInvitation | null {
  const newest = rows[0];
  if (!newest?.calendar_ics) return null;
  const cal = new ICAL.Component(ICAL.parse(newest.calendar_ics) as unknown[]);
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = cal.getFirstSubcomponent('vevent');
  if (!vevent) return null;
  const event = new ICAL.Event(vevent);
  const method = String(cal.getFirstPropertyValue('method')).toUpperCase();
  const start = vevent.getFirstProperty('dtstart');
  return {
    method: method === 'CANCEL' ? 'CANCEL' : 'REQUEST',
    sequence: event.sequence ?? 0,
    startsAt: event.startDate.toJSDate().toISOString(),
    endsAt: event.endDate.toJSDate().toISOString(),
    timeZone: String(start?.getParameter('tzid') ?? 'UTC'),
    location: event.location || null,
    anySent: rows.some(
      (r) =>
        r.state === 'sent' && r.calendar_ics !== null && /^METHOD:REQUEST/m.test(r.calendar_ics),
    ),
  };
}

function firstName(name: string | null): string | null {
  return name?.trim().split(/\s+/)[0] ?? null;
}

/** The mail beside the .ics, in the contact's time (the owner may rewrite it before approving). */
function invitationText(
  step: InvitationStep,
  when: string,
  location: string | null,
  contactName: string | null,
  ownerName: string | null,
): string {
  const hello = firstName(contactName) ? `Hi ${firstName(contactName)},` : 'Hello,';
  const where = location ? `\n\nWhere: ${location}` : '';
  const sign = firstName(ownerName) ?? '';
  const body =
    step.kind === 'invitation'
      ? `Here is a calendar invitation for our conversation on ${when}, so it is in your calendar.${where}\n\nLooking forward to it.`
      : step.kind === 'invitation_update'
        ? `Our conversation is now on ${when}; the attached invitation updates your calendar.${where}`
        : `Our conversation on ${when} is off; the attached update removes it from your calendar.`;
  return `${hello}\n\n${body}\n\n${sign}`.trimEnd();
}

/**
 * Drafts the invitation step the meeting needs now, if any; returns a short
 * remark for logs and `kith ingest`, or null when nothing was due.
 */
export async function draftInvitation(
  ctx: OutboxContext,
  meetingId: number,
  at: string,
): Promise<string | null> {
  const { db, config } = ctx;
  const meeting = await db
    .selectFrom('meetings')
    .selectAll()
    .where('id', '=', meetingId)
    .executeTakeFirst();
  if (!meeting) return null;
  const ownerAddress = config.owner.emails[0];
  if (!ownerAddress) return null;
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('audience', '=', 'contact')
    .where('calendar_ics', 'is not', null)
    .orderBy('id', 'desc')
    .execute();
  const step = nextInvitation(
    {
      status: meeting.status,
      startsAt: meeting.starts_at,
      endsAt: meeting.ends_at,
      timeZone: meeting.time_zone,
      location: meeting.location,
      // A meeting from the contact's own invite carries their UID; one by hand has no source mail.
      agreedByText: meeting.source_message_id !== null,
      icalUid: meeting.ical_uid,
      uidIsKiths: meeting.ical_uid !== null && isKithsUid(meeting.ical_uid),
    },
    lastInvitation(rows),
  );
  if (!step) {
    // The contact sent their own invitation for this meeting: an undecided one of kith's
    // would put it in their calendar twice, so it is withdrawn (a sent one cannot be).
    if (meeting.ical_uid === null || isKithsUid(meeting.ical_uid)) return null;
    let withdrawn = 0;
    for (const old of rows.filter((r) => isOpen(r.state))) {
      const moved = await moveOutboxRow(db, old.id, 'replace', {
        send_after: null,
        last_error: 'replaced: the contact sent their own calendar invitation for this meeting',
        updated_at: at,
      });
      if (moved.moved) withdrawn += 1;
    }
    return withdrawn > 0
      ? 'your invitation draft withdrawn: the contact sent their own calendar invitation'
      : null;
  }
  const contact = await findContactById(db, meeting.contact_id);
  const attendee = await liveAddressOf(db, meeting.contact_id);
  if (!contact || !attendee) return null;
  for (const old of rows.filter((r) => isOpen(r.state))) {
    await moveOutboxRow(db, old.id, 'replace', {
      send_after: null,
      last_error: 'replaced: the meeting changed before this invitation was approved',
      updated_at: at,
    });
  }
  const uid =
    meeting.ical_uid ?? `kith-meeting-${meeting.id}-${randomUUID()}@${messageIdDomain(config)}`;
  const summary = `${config.owner.name ?? ownerAddress} / ${contact.name ?? attendee}`;
  const ics = buildInvitationIcs({
    method: step.method,
    uid,
    sequence: step.sequence,
    startsAt: meeting.starts_at,
    endsAt: meeting.ends_at,
    timeZone: meeting.time_zone,
    summary,
    location: meeting.location,
    organizer: { name: config.owner.name ?? null, address: ownerAddress },
    attendee: { name: contact.name, address: attendee },
    stamp: new Date(at),
  });
  const zone = contact.time_zone ?? meeting.time_zone;
  const when = `${DateTime.fromISO(meeting.starts_at, { zone })
    .setLocale('en-GB')
    .toFormat('cccc d LLLL, HH:mm')} (${zone.split('/').pop()?.replace(/_/g, ' ')} time)`;
  const subject =
    step.kind === 'invitation'
      ? `Invitation: ${summary}`
      : step.kind === 'invitation_update'
        ? `Updated invitation: ${summary}`
        : `Cancelled: ${summary}`;
  const created = await createContactDraft(ctx, {
    kind: step.kind,
    contactId: meeting.contact_id,
    meetingId: meeting.id,
    subject,
    text: invitationText(step, when, meeting.location, contact.name, config.owner.name ?? null),
    at,
    calendarIcs: ics,
  });
  await setInvitationUid(db, meeting.id, uid, step.sequence);
  return `${step.kind.replace(/_/g, ' ')} drafted (draft #${created.draft.id}, SEQUENCE ${step.sequence})`;
}
