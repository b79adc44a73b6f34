import type { CalendarEvent } from './calendar-event.js';
import type { CalendarItem } from './classify.js';
import type {
  ContactRef,
  InboundEffect,
  InboundFacts,
  MeetingRef,
  MeetingValues,
  StoredMeeting,
} from './inbound-effects.js';
import { isKithsUid } from './invitation.js';
import type { MailMessage } from './mail.js';
import {
  cancelMovesBack,
  decideMeeting,
  meetingMode,
  type OpenProposal,
  type Side,
} from './meeting-rules.js';
import { returnDateInstant } from './owner-time.js';
import type { ProposedTime } from './proposed-time.js';
import { quoted } from './quoted.js';
import { type KnownZone, type ZoneSource, zoneReplaces } from './zone-learning.js';

/**
 * The meeting half of decide-inbound.ts: what a mail's times and calendar
 * objects do to the contact's meetings. The rules themselves are in
 * meeting-rules.ts (agreement, counter-proposal, mode, what a cancel does
 * to the stage); this file applies them to the facts of one mail.
 *
 * Calendar updates follow RFC 5546: the meeting with the event's UID is
 * updated unless the stored copy has a higher SEQUENCE (an older update is
 * ignored and said so); a new UID first fills the newest proposal agreed by
 * text, then an agreed meeting still ahead (an invite after an agreement by
 * text is that meeting on a calendar, not a second one), else is added.
 */

type Working = Omit<StoredMeeting, 'id'> & { readonly ref: MeetingRef };

/**
 * The contacts' meetings as this mail leaves them, so that the second event
 * of a calendar file sees what the first one did.
 */
export class MeetingBook {
  private readonly byContact = new Map<string, Working[]>();
  private added = 0;
  private readonly zones = new Map<number, KnownZone>();

  constructor(
    private readonly facts: InboundFacts,
    private readonly effects: InboundEffect[],
    private readonly message: MailMessage,
    private readonly at: string,
    readonly ownerZone: string,
  ) {}

  private key(contact: ContactRef): string {
    return typeof contact === 'number' ? `#${contact}` : `new:${contact.new}`;
  }

  of(contact: ContactRef): Working[] {
    const key = this.key(contact);
    let list = this.byContact.get(key);
    if (!list) {
      const stored = typeof contact === 'number' ? (this.facts.meetings.get(contact) ?? []) : [];
      list = stored.map(({ id, ...rest }) => ({ ...rest, ref: id }));
      this.byContact.set(key, list);
    }
    return list;
  }

  /** The zone kith knows for the contact, as this mail leaves it. */
  zoneOf(contact: ContactRef): KnownZone {
    if (typeof contact !== 'number') return { zone: null, source: null };
    const known = this.zones.get(contact);
    if (known) return known;
    const person = this.facts.contacts.get(contact);
    return { zone: person?.timeZone ?? null, source: person?.timeZoneSource ?? null };
  }

  learnZone(contact: number, zone: string, source: ZoneSource): void {
    if (!this.facts.contacts.has(contact)) return;
    if (!zoneReplaces(this.zoneOf(contact), zone, source)) return;
    this.zones.set(contact, { zone, source });
    this.effects.push({ type: 'learn_zone', contact, zone, source });
  }

  private add(contact: ContactRef, values: MeetingValues, proposedBy: Side | null): void {
    const key = this.added++;
    this.effects.push({ type: 'meeting_add', key, contact, values, proposedBy });
    this.of(contact).push({
      ...fromValues(values),
      ref: { added: key },
      proposedBy,
      sourceMessageId: this.message.messageId,
    });
  }

  private update(contact: ContactRef, meeting: Working, values: MeetingValues): void {
    this.effects.push({ type: 'meeting_update', meeting: meeting.ref, values });
    this.replace(contact, meeting, { ...meeting, ...fromValues(values) });
  }

  private setStatus(
    contact: ContactRef,
    meetings: readonly Working[],
    status: 'confirmed' | 'cancelled',
    sequence: number | null,
  ): void {
    if (meetings.length === 0) return;
    this.effects.push({
      type: 'meeting_status',
      meetings: meetings.map((m) => m.ref),
      status,
      sequence,
    });
    for (const m of meetings)
      this.replace(contact, m, { ...m, status, sequence: sequence ?? m.sequence });
  }

  private replace(contact: ContactRef, old: Working, next: Working): void {
    const list = this.of(contact);
    list[list.indexOf(old)] = next;
  }

  /**
   * What the times of a mail in the contact's thread do (meeting-rules.ts
   * decides: confirm one proposal and close the others, propose, or nothing).
   */
  fromText(
    contact: ContactRef,
    writer: Side,
    times: readonly ProposedTime[],
    acceptance: string | null,
  ): void {
    const list = this.of(contact);
    const proposals: OpenProposal[] = [];
    for (const m of list) {
      if (m.status !== 'proposed' || typeof m.ref !== 'number') continue;
      proposals.push({ ...m, id: m.ref });
    }
    const decision = decideMeeting({
      writer,
      proposals,
      times,
      acceptance,
      ownerZone: this.ownerZone,
      contactZone: this.zoneOf(contact).zone,
      writerOffsetMinutes: this.message.dateOffsetMinutes,
      sentAt: this.message.date,
    });
    if (decision.kind === 'confirm') {
      const chosen = list.filter((m) => m.ref === decision.proposal.id);
      this.setStatus(contact, chosen, 'confirmed', null);
      const closed = list.filter(
        (m) => typeof m.ref === 'number' && decision.close.includes(m.ref),
      );
      this.setStatus(contact, closed, 'cancelled', null);
      this.effects.push({
        type: 'remark',
        text: `meeting confirmed for ${decision.proposal.start}`,
      });
      this.effects.push({ type: 'meeting_changed', meeting: decision.proposal.id });
      this.effects.push({
        type: 'stage_event',
        contact,
        event: { type: 'meeting_confirmed' },
        cause: `time accepted: ${quoted(acceptance ?? '')}`,
      });
    } else if (decision.kind === 'propose') {
      for (const time of decision.times) {
        // A time already proposed or agreed is not proposed twice.
        const active = this.of(contact).some(
          (m) => m.start === time.start && (m.status === 'proposed' || m.status === 'confirmed'),
        );
        if (active) continue;
        this.add(
          contact,
          {
            start: time.start,
            end: time.end,
            timeZone: time.timeZone,
            mode: meetingMode(time.place),
            place: time.place,
            status: 'proposed',
            uid: null,
            sequence: null,
          },
          decision.by,
        );
        const what = decision.counter ? 'counter-proposal' : 'meeting proposed';
        this.effects.push({ type: 'remark', text: `${what} for ${time.start}` });
      }
    } else if (acceptance !== null) {
      this.effects.push({ type: 'remark', text: `agreement not applied: ${decision.reason}` });
    }
  }

  /** One event of a calendar file: an answer to kith's invitation, a cancel, or a meeting. */
  fromCalendar(contact: number, fromOwner: boolean, item: CalendarItem): void {
    const { event, action } = item;
    const cause = `${event.method ?? 'calendar'} ${quoted(event.summary ?? this.message.subject)}`;
    this.invitationAnswer(contact, item);
    if (action === 'cancelled' || action === 'declined') {
      const existing = this.newest(contact, (m) => m.uid === event.uid);
      if (!existing || existing.status === 'cancelled') return;
      if ((existing.sequence ?? 0) > event.sequence) return;
      this.setStatus(contact, [existing], 'cancelled', event.sequence);
      this.effects.push({ type: 'remark', text: `meeting ${action}` });
      if (cancelMovesBack(this.of(contact), this.at)) {
        this.effects.push({
          type: 'stage_event',
          contact,
          event: { type: 'meeting_cancelled' },
          cause: `meeting ${action}: ${cause}`,
        });
      }
      return;
    }
    if (!fromOwner && event.timeZone) this.learnZone(contact, event.timeZone, 'invite');
    const status = action === 'tentative' ? 'proposed' : 'confirmed';
    const values = this.valuesOf(event, status);
    if (!this.upsert(contact, event, values)) {
      this.effects.push({ type: 'remark', text: 'older calendar update ignored' });
      return;
    }
    this.effects.push({ type: 'remark', text: `meeting ${status} for ${values.start}` });
    this.effects.push({
      type: 'stage_event',
      contact,
      event: { type: status === 'confirmed' ? 'meeting_confirmed' : 'meeting_proposed' },
      cause: `invite ${cause}`,
    });
  }

  /** The contact's calendar answered kith's invitation (METHOD:REPLY with their PARTSTAT). */
  private invitationAnswer(contact: number, { event, action }: CalendarItem): void {
    if (event.method !== 'REPLY') return;
    const answer =
      action === 'accepted'
        ? 'ACCEPTED'
        : action === 'declined'
          ? 'DECLINED'
          : action === 'tentative'
            ? 'TENTATIVE'
            : null;
    if (!answer || !this.of(contact).some((m) => m.uid === event.uid)) return;
    this.effects.push({ type: 'invitation_answer', contact, uid: event.uid, answer });
    this.effects.push({ type: 'remark', text: `invitation ${answer.toLowerCase()}` });
  }

  private valuesOf(event: CalendarEvent, status: 'proposed' | 'confirmed'): MeetingValues {
    const zone = event.timeZone ?? this.ownerZone;
    // An all-day event's dates start at midnight in its zone.
    const place = (value: string) => (event.allDay ? returnDateInstant(value, zone) : value);
    return {
      start: place(event.start),
      end: place(event.end || event.start),
      timeZone: zone,
      mode: meetingMode(event.location),
      place: event.location,
      status,
      uid: event.uid,
      sequence: event.sequence,
    };
  }

  /** False when the stored copy of this UID has a higher SEQUENCE. */
  private upsert(contact: number, event: CalendarEvent, values: MeetingValues): boolean {
    const existing = this.newest(contact, (m) => m.uid === event.uid);
    if (existing) {
      if ((existing.sequence ?? 0) > event.sequence) return false;
      this.update(contact, existing, values);
      return true;
    }
    // A meeting agreed by text has no UID, or kith's own once kith drafted its invitation:
    // either way the contact's event for it is that meeting, not a second one.
    const agreedByText = (m: Working) => m.uid === null || isKithsUid(m.uid);
    const target =
      this.newest(contact, (m) => m.status === 'proposed' && agreedByText(m)) ??
      this.newest(
        contact,
        (m) =>
          m.status === 'confirmed' && agreedByText(m) && Date.parse(m.end) > Date.parse(this.at),
      );
    if (!target) {
      this.add(contact, values, null);
      return true;
    }
    this.update(contact, target, values);
    if (target.uid !== null) this.effects.push({ type: 'meeting_changed', meeting: target.ref });
    return true;
  }

  private newest(contact: number, test: (m: Working) => boolean): Working | undefined {
    const list = this.of(contact);
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i] as Working;
      if (test(m)) return m;
    }
    return undefined;
  }
}

function fromValues(
  values: MeetingValues,
): Omit<StoredMeeting, 'id' | 'proposedBy' | 'sourceMessageId'> {
  return {
    start: values.start,
    end: values.end,
    timeZone: values.timeZone,
    place: values.place,
    status: values.status,
    uid: values.uid,
    sequence: values.sequence,
  };
}
