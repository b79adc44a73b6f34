/**
 * Which calendar invitation a meeting agreed by text needs next: the first
 * REQUEST once it is confirmed, an update (SEQUENCE + 1) when its time or
 * place moved since the last one, a CANCEL when it was called off after an
 * invitation went out. Pure: the adapter reads the meeting and the last
 * invitation drafted for it (from its stored .ics) and writes the draft.
 */

export interface InvitationMeeting {
  readonly status: 'proposed' | 'confirmed' | 'cancelled' | 'done';
  readonly startsAt: string;
  readonly endsAt: string;
  readonly timeZone: string;
  readonly location: string | null;
  /** Confirmed by an agreement in the mail (not added by hand, not from the contact's own invite). */
  readonly agreedByText: boolean;
  /** The meeting's iCalendar UID, and whether kith made it (else it is the contact's event). */
  readonly icalUid: string | null;
  readonly uidIsKiths: boolean;
}

/** The newest invitation kith drafted for the meeting, as its .ics says. */
export interface LastInvitation {
  readonly method: 'REQUEST' | 'CANCEL';
  readonly sequence: number;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly timeZone: string;
  readonly location: string | null;
  /** An invitation for this meeting actually left (so a CANCEL has something to cancel). */
  readonly anySent: boolean;
}

type InvitationKind = 'invitation' | 'invitation_update' | 'invitation_cancel';

export interface InvitationStep {
  readonly method: 'REQUEST' | 'CANCEL';
  readonly sequence: number;
  readonly kind: InvitationKind;
}

function sameTimeAndPlace(m: InvitationMeeting, last: LastInvitation): boolean {
  return (
    Date.parse(m.startsAt) === Date.parse(last.startsAt) &&
    Date.parse(m.endsAt) === Date.parse(last.endsAt) &&
    m.timeZone === last.timeZone &&
    (m.location ?? '') === (last.location ?? '')
  );
}

/**
 * kith's own invitations carry UIDs it made (`kith-meeting-…`); any other UID
 * on a meeting is the contact's calendar event, which kith never re-invites to.
 */
export function isKithsUid(uid: string): boolean {
  return uid.startsWith('kith-meeting-');
}

export function nextInvitation(
  meeting: InvitationMeeting,
  last: LastInvitation | null,
): InvitationStep | null {
  // The contact's own calendar event is theirs to update; kith never re-invites to it.
  if (meeting.icalUid !== null && !meeting.uidIsKiths) return null;
  if (last === null) {
    if (meeting.status !== 'confirmed' || !meeting.agreedByText) return null;
    return { method: 'REQUEST', sequence: 0, kind: 'invitation' };
  }
  if (last.method === 'CANCEL') return null;
  if (meeting.status === 'cancelled') {
    return last.anySent
      ? { method: 'CANCEL', sequence: last.sequence + 1, kind: 'invitation_cancel' }
      : null;
  }
  if (meeting.status === 'proposed' || sameTimeAndPlace(meeting, last)) return null;
  return { method: 'REQUEST', sequence: last.sequence + 1, kind: 'invitation_update' };
}
