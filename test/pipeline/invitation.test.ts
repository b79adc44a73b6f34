import { describe, expect, it } from 'vitest';
import {
  type InvitationMeeting,
  type LastInvitation,
  nextInvitation,
} from '../../src/pipeline/invitation.js';

const meeting: InvitationMeeting = {
  status: 'confirmed',
  startsAt: '2026-12-10T22:00:00.000Z',
  endsAt: '2026-12-10T22:30:00.000Z',
  timeZone: 'America/Los_Angeles',
  location: 'https://meet.example/x',
  agreedByText: true,
  icalUid: null,
  uidIsKiths: false,
};
const sent: LastInvitation = {
  method: 'REQUEST',
  sequence: 0,
  startsAt: meeting.startsAt,
  endsAt: meeting.endsAt,
  timeZone: meeting.timeZone,
  location: meeting.location,
  anySent: true,
};
const ours = { icalUid: 'kith-meeting-1-x@example.org', uidIsKiths: true };

describe('nextInvitation', () => {
  it('invites once a meeting agreed by text is confirmed', () => {
    expect(nextInvitation(meeting, null)).toEqual({
      method: 'REQUEST',
      sequence: 0,
      kind: 'invitation',
    });
  });

  it('not for a proposal, a meeting by hand, or the contact’s own event', () => {
    expect(nextInvitation({ ...meeting, status: 'proposed' }, null)).toBeNull();
    expect(nextInvitation({ ...meeting, agreedByText: false }, null)).toBeNull();
    expect(nextInvitation({ ...meeting, icalUid: 'theirs@cal.example' }, null)).toBeNull();
  });

  it('nothing when the last invitation is current', () => {
    expect(nextInvitation({ ...meeting, ...ours }, sent)).toBeNull();
  });

  it('an update with the next SEQUENCE when time, zone or place moved', () => {
    const update = { method: 'REQUEST', sequence: 1, kind: 'invitation_update' };
    expect(
      nextInvitation({ ...meeting, ...ours, startsAt: '2026-12-11T22:00:00.000Z' }, sent),
    ).toEqual(update);
    expect(nextInvitation({ ...meeting, ...ours, location: 'Café' }, sent)).toEqual(update);
    expect(nextInvitation({ ...meeting, ...ours, timeZone: 'Europe/Berlin' }, sent)).toEqual(
      update,
    );
  });

  it('a CANCEL once cancelled, only when an invitation left; then nothing more', () => {
    const cancelled = { ...meeting, ...ours, status: 'cancelled' as const };
    expect(nextInvitation(cancelled, sent)).toEqual({
      method: 'CANCEL',
      sequence: 1,
      kind: 'invitation_cancel',
    });
    expect(nextInvitation(cancelled, { ...sent, anySent: false })).toBeNull();
    expect(nextInvitation(cancelled, { ...sent, method: 'CANCEL', sequence: 1 })).toBeNull();
  });
});
