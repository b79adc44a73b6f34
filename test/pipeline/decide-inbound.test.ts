import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '../../src/pipeline/calendar-event.js';
import type { Classification, ClassifyContext } from '../../src/pipeline/classify.js';
import { decideInbound } from '../../src/pipeline/decide-inbound.js';
import type {
  InboundEffect,
  InboundFacts,
  KnownPerson,
  StoredMeeting,
} from '../../src/pipeline/inbound-effects.js';
import type { MailMessage } from '../../src/pipeline/mail.js';
import type { ProposedTime } from '../../src/pipeline/proposed-time.js';
import { address, mail } from './classify-helpers.js';

/** The pure decision of what an inbound mail does: no database, no clock. */

const AT = '2026-11-23T14:15:00.000Z';
const OWNER_ZONE = 'America/New_York';

type Stored = Exclude<Classification, { kind: 'unrelated' | 'refused' }>;

function person(id: number, over: Partial<KnownPerson> = {}): KnownPerson {
  return {
    id,
    name: 'Anna Berg',
    stage: 'contacted',
    source: 'outreach',
    timeZone: null,
    timeZoneSource: null,
    referredById: null,
    awayUntil: null,
    ...over,
  };
}

function meeting(id: number, over: Partial<StoredMeeting> = {}): StoredMeeting {
  return {
    id,
    start: '2026-11-26T19:00:00.000Z',
    end: '2026-11-26T19:30:00.000Z',
    timeZone: OWNER_ZONE,
    place: null,
    status: 'proposed',
    uid: null,
    sequence: null,
    proposedBy: 'owner',
    sourceMessageId: 'owner-1@example.org',
    ...over,
  };
}

function facts(over: Partial<InboundFacts> = {}): InboundFacts {
  return {
    contacts: new Map(),
    addresses: new Map(),
    liveAddresses: new Map(),
    profileMatch: null,
    addresslessByName: new Map(),
    threads: new Map(),
    meetings: new Map(),
    ...over,
  };
}

function context(over: Partial<ClassifyContext> = {}): ClassifyContext {
  return {
    ownerAddresses: ['sam@example.org'],
    serviceAddress: null,
    contacts: new Map(),
    thread: null,
    kithReference: null,
    replyText: 'Hi',
    replySignOff: null,
    calendarEvents: [],
    proposedTimes: [],
    oooReturnDate: null,
    ...over,
  };
}

function decide(
  classification: Stored,
  f: InboundFacts,
  options: { message?: MailMessage; context?: ClassifyContext } = {},
): InboundEffect[] {
  return decideInbound({
    message: options.message ?? mail(),
    classification,
    context: options.context ?? context(),
    facts: f,
    times: { at: AT, ownerZone: OWNER_ZONE },
  });
}

const types = (effects: readonly InboundEffect[]) => effects.map((e) => e.type);
const of = <T extends InboundEffect['type']>(effects: readonly InboundEffect[], type: T) =>
  effects.filter((e): e is Extract<InboundEffect, { type: T }> => e.type === type);
const remarks = (effects: readonly InboundEffect[]) => of(effects, 'remark').map((e) => e.text);

function outreachTo(
  address: string,
  name: string,
  contactId: number | null = null,
  thankYou = false,
): Stored {
  return {
    kind: 'owner_outreach',
    recipients: [{ address, name, contactId, thankYou }],
    subjectKey: 'coffee',
    isReply: false,
  };
}

function reply(over: Partial<Extract<Stored, { kind: 'contact_reply' }>> = {}): Stored {
  return {
    kind: 'contact_reply',
    contactId: 7,
    threadId: 70,
    matchedBy: 'in-reply-to',
    decline: null,
    proposedTimes: [],
    acceptance: null,
    ...over,
  };
}

// What "Thursday at 2pm" extracts to in New York: 19:00 UTC.
const THURSDAY_2PM: ProposedTime = {
  start: '2026-11-26T19:00:00.000Z',
  end: '2026-11-26T19:30:00.000Z',
  timeZone: OWNER_ZONE,
  text: 'Thursday at 2pm',
  place: null,
  wall: '2026-11-26T14:00',
  zoneFrom: 'header',
};

const FRIDAY_10AM: ProposedTime = {
  start: '2026-11-27T15:00:00.000Z',
  end: '2026-11-27T15:30:00.000Z',
  timeZone: OWNER_ZONE,
  text: 'Friday at 10am',
  place: 'https://meet.example.com/abc',
  wall: '2026-11-27T10:00',
  zoneFrom: 'header',
};

describe('outreach', () => {
  it('to a new person creates the contact, opens its thread and records the mail there', () => {
    const effects = decide(outreachTo('lee@acme.com', 'Lee Park'), facts());
    const created = { new: 'lee@acme.com' };
    expect(effects).toEqual([
      {
        type: 'create_contact',
        address: 'lee@acme.com',
        name: 'Lee Park',
        source: 'outreach',
        referredBy: null,
      },
      { type: 'open_thread', contact: created, subjectKey: expect.any(String) },
      {
        type: 'stage_event',
        contact: created,
        event: { type: 'outreach_seen' },
        cause: expect.stringMatching(/^outreach "/),
      },
      {
        type: 'record_message',
        kind: 'outreach',
        direction: 'out',
        contact: created,
        thread: { openedFor: created },
        text: 'Hi',
      },
    ]);
  });

  it('to an imported prospect of that name attaches the address and says so in the history', () => {
    const prospect = person(3, { name: 'Lee Park', stage: 'contacted', source: 'import:linkedin' });
    const effects = decide(
      outreachTo('lee@acme.com', 'Lee Park'),
      facts({ contacts: new Map([[3, prospect]]), addresslessByName: new Map([['lee park', 3]]) }),
    );
    expect(types(effects)).not.toContain('create_contact');
    expect(of(effects, 'attach_address')).toEqual([
      { type: 'attach_address', contact: 3, address: 'lee@acme.com' },
    ]);
    expect(remarks(effects)).toEqual(['lee@acme.com matched to the imported prospect by name']);
    // Already contacted: the outreach does not move her, so the match is a history line.
    expect(of(effects, 'history')[0]?.cause).toMatch(
      /\(matched to the imported prospect by name; lee@acme.com added\)$/,
    );
  });

  it('to a met contact that thanks them is the thank-you, in their existing thread', () => {
    const effects = decide(
      outreachTo('anna@acme.com', 'Anna Berg', 7, true),
      facts({ contacts: new Map([[7, person(7, { stage: 'met' })]]), threads: new Map([[7, 70]]) }),
      { context: context({ proposedTimes: [THURSDAY_2PM] }) },
    );
    expect(of(effects, 'stage_event').map((e) => e.event)).toEqual([{ type: 'thank_you_sent' }]);
    expect(of(effects, 'record_message')[0]).toMatchObject({ kind: 'thank_you', thread: 70 });
    // Times in a thank-you are not proposals.
    expect(types(effects)).not.toContain('meeting_add');
  });
});

describe('a contact reply', () => {
  const known = facts({
    contacts: new Map([[7, person(7)]]),
    meetings: new Map([[7, [meeting(1), meeting(2, { start: FRIDAY_10AM.start })]]]),
  });

  it('that accepts a proposal confirms it, closes the others and drafts the invitation', () => {
    const effects = decide(
      reply({ proposedTimes: [THURSDAY_2PM], acceptance: 'Thursday at 2pm works' }),
      known,
    );
    expect(effects.filter((e) => e.type.startsWith('meeting_'))).toEqual([
      { type: 'meeting_status', meetings: [1], status: 'confirmed', sequence: null },
      { type: 'meeting_status', meetings: [2], status: 'cancelled', sequence: null },
      { type: 'meeting_changed', meeting: 1 },
    ]);
    expect(of(effects, 'stage_event').map((e) => e.event.type)).toEqual([
      'human_reply',
      'meeting_confirmed',
    ]);
  });

  it('that names another time is a counter-proposal', () => {
    const effects = decide(
      reply({ proposedTimes: [{ ...FRIDAY_10AM, start: '2026-11-30T15:00:00.000Z' }] }),
      known,
    );
    expect(of(effects, 'meeting_add')).toMatchObject([
      {
        contact: 7,
        proposedBy: 'contact',
        values: { status: 'proposed', mode: 'video', uid: null },
      },
    ]);
    expect(remarks(effects)).toContain('counter-proposal for 2026-11-30T15:00:00.000Z');
    expect(types(effects)).not.toContain('meeting_status');
  });

  it('that declines moves the contact to declined', () => {
    const effects = decide(reply({ decline: 'I am not able to help, sorry.' }), known);
    expect(of(effects, 'record_message')[0]?.kind).toBe('decline');
    expect(of(effects, 'stage_event')).toEqual([
      {
        type: 'stage_event',
        contact: 7,
        event: { type: 'decline' },
        cause: 'declined: "I am not able to help, sorry."',
      },
    ]);
  });
});

describe('a calendar object', () => {
  const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
    method: 'REQUEST',
    uid: 'uid-1@acme.com',
    sequence: 1,
    status: 'CONFIRMED',
    summary: 'Coffee chat',
    allDay: false,
    start: '2026-11-30T16:00:00.000Z',
    end: '2026-11-30T16:30:00.000Z',
    timeZone: 'Europe/Berlin',
    location: 'Café Kranzler',
    organizer: 'anna@acme.com',
    attendees: [],
    ...over,
  });
  const calendar = (e: CalendarEvent, action: 'confirmed' | 'cancelled'): Stored => ({
    kind: 'calendar',
    action,
    contactId: 7,
    fromOwner: false,
    event: e,
    events: [{ action, event: e }],
  });
  const stored = (meetings: StoredMeeting[]) =>
    facts({
      contacts: new Map([[7, person(7, { stage: 'scheduled' })]]),
      meetings: new Map([[7, meetings]]),
    });
  const onCalendar = meeting(5, { status: 'confirmed', uid: 'uid-1@acme.com', sequence: 1 });

  it('REQUEST with a higher SEQUENCE updates the meeting with that UID', () => {
    const effects = decide(calendar(event({ sequence: 2 }), 'confirmed'), stored([onCalendar]));
    expect(of(effects, 'meeting_update')).toMatchObject([
      { meeting: 5, values: { start: '2026-11-30T16:00:00.000Z', sequence: 2, mode: 'in_person' } },
    ]);
    expect(of(effects, 'learn_zone')).toEqual([
      { type: 'learn_zone', contact: 7, zone: 'Europe/Berlin', source: 'invite' },
    ]);
  });

  it('REQUEST with a lower SEQUENCE is ignored and said so', () => {
    const effects = decide(
      calendar(event({ sequence: 0 }), 'confirmed'),
      stored([{ ...onCalendar, sequence: 3 }]),
    );
    expect(types(effects)).not.toContain('meeting_update');
    expect(types(effects)).not.toContain('stage_event');
    expect(remarks(effects)).toContain('older calendar update ignored');
  });

  it("the contact's own invite for a meeting agreed by text is that meeting, not a second one", () => {
    // kith drafted its own invitation on the agreement, so the meeting carries kith's UID.
    const agreed = meeting(8, {
      status: 'confirmed',
      start: '2026-11-30T16:00:00.000Z',
      end: '2026-11-30T16:30:00.000Z',
      uid: 'kith-meeting-8-0f1e@example.org',
      sequence: 0,
    });
    const effects = decide(calendar(event(), 'confirmed'), stored([agreed]));
    expect(types(effects)).not.toContain('meeting_add');
    expect(of(effects, 'meeting_update')).toMatchObject([
      { meeting: 8, values: { uid: 'uid-1@acme.com', status: 'confirmed' } },
    ]);
    // The outbox hears of it, to withdraw kith's undecided invitation.
    expect(of(effects, 'meeting_changed')).toEqual([{ type: 'meeting_changed', meeting: 8 }]);
  });

  it('CANCEL of the only meeting moves the contact back to replied', () => {
    const effects = decide(
      calendar(event({ method: 'CANCEL' }), 'cancelled'),
      stored([onCalendar]),
    );
    expect(of(effects, 'meeting_status')).toEqual([
      { type: 'meeting_status', meetings: [5], status: 'cancelled', sequence: 1 },
    ]);
    expect(of(effects, 'stage_event').map((e) => e.event)).toEqual([{ type: 'meeting_cancelled' }]);
  });

  it('CANCEL while another meeting lies ahead keeps the contact scheduled', () => {
    const other = meeting(6, {
      status: 'confirmed',
      start: '2026-12-02T16:00:00.000Z',
      end: '2026-12-02T16:30:00.000Z',
    });
    const effects = decide(
      calendar(event({ method: 'CANCEL' }), 'cancelled'),
      stored([onCalendar, other]),
    );
    expect(of(effects, 'meeting_status')).toHaveLength(1);
    expect(types(effects)).not.toContain('stage_event');
  });
});

describe('a bounce', () => {
  const bounce = (severity: 'hard' | 'soft'): Stored => ({
    kind: 'bounce',
    evidence: 'delivery-status',
    diagnostic: '550 5.1.1 no such user',
    recipients: [
      {
        address: 'anna@acme.com',
        contactId: 7,
        severity,
        reason: severity === 'hard' ? 'no-such-user' : 'spam-block',
        diagnostic: null,
      },
    ],
  });
  const withLive = (live: number) =>
    facts({
      contacts: new Map([[7, person(7)]]),
      addresses: new Map([
        ['anna@acme.com', { contactId: 7, address: 'anna@acme.com', dead: false }],
      ]),
      liveAddresses: new Map([[7, live]]),
    });

  it('of the last live address marks it dead and the contact bounced', () => {
    const effects = decide(bounce('hard'), withLive(1));
    expect(types(effects)).toEqual(['mark_dead', 'remark', 'stage_event', 'record_message']);
    expect(of(effects, 'stage_event')[0]?.event).toEqual({ type: 'bounce' });
  });

  it('of one of two addresses marks it dead and keeps the stage', () => {
    const effects = decide(bounce('hard'), withLive(2));
    expect(types(effects)).toEqual(['mark_dead', 'remark', 'record_message']);
  });

  it('that is soft keeps the address and asks for a notice to the owner', () => {
    const effects = decide(bounce('soft'), withLive(1));
    expect(types(effects)).not.toContain('mark_dead');
    expect(of(effects, 'owner_notice')).toMatchObject([{ contact: 7, title: expect.any(String) }]);
    expect(of(effects, 'owner_notice')[0]?.message).toContain('anna@acme.com');
  });

  it('of an address already dead keeps its first reason', () => {
    // Anna's other address still works: only the record of this bounce is new.
    const dead = facts({
      contacts: new Map([[7, person(7)]]),
      addresses: new Map([
        ['anna@acme.com', { contactId: 7, address: 'anna@acme.com', dead: true }],
      ]),
      liveAddresses: new Map([[7, 1]]),
    });
    const effects = decide(bounce('hard'), dead);
    expect(types(effects)).toEqual(['remark', 'record_message']);
    expect(remarks(effects)).toEqual(['anna@acme.com was already marked dead']);
    expect(of(effects, 'record_message')[0]?.text).toContain('550 5.1.1 no such user');
  });

  it('naming one address twice marks it dead once', () => {
    const twice = bounce('hard');
    if (twice.kind !== 'bounce') throw new Error('a bounce');
    const both = { ...twice, recipients: [...twice.recipients, ...twice.recipients] };
    const effects = decide(both, withLive(2));
    expect(of(effects, 'mark_dead')).toHaveLength(1);
    expect(types(effects)).not.toContain('stage_event');
  });

  it('of mail to nobody kith knows does nothing', () => {
    expect(decide(bounce('hard'), facts())).toEqual([]);
  });
});

describe('an auto-reply', () => {
  /** Anna's auto-reply saying she is back on `returnDate`, when kith keeps `kept` for her. */
  const awayReply = (returnDate: string, kept: string | null = null) =>
    decide(
      { kind: 'auto_reply', evidence: 'auto-submitted', contactId: 7, threadId: 70, returnDate },
      facts({ contacts: new Map([[7, person(7, { awayUntil: kept })]]) }),
    );

  it('with a return date records it and says the contact is away until then', () => {
    const effects = awayReply('2026-12-07');
    expect(of(effects, 'away_until')).toEqual([
      { type: 'away_until', contact: 7, date: '2026-12-07' },
    ]);
    expect(types(effects)).not.toContain('stage_event');
  });

  it('with an earlier date than the one kept leaves it, and says so', () => {
    const effects = awayReply('2026-12-03', '2026-12-07');
    expect(types(effects)).toEqual(['record_message', 'remark']);
    expect(remarks(effects)).toEqual([
      'says away until 2026-12-03; kith keeps the later 2026-12-07',
    ]);
  });

  it('with the date already kept changes nothing, and says so', () => {
    const effects = awayReply('2026-12-07', '2026-12-07');
    expect(types(effects)).toEqual(['record_message', 'remark']);
    expect(remarks(effects)).toEqual(['away until 2026-12-07, as kith already knew']);
  });

  it('with a later date than the one kept moves it', () => {
    expect(of(awayReply('2026-12-14', '2026-12-07'), 'away_until')).toEqual([
      { type: 'away_until', contact: 7, date: '2026-12-14' },
    ]);
  });

  it('from a stranger is not kept', () => {
    const effects = decide(
      {
        kind: 'auto_reply',
        evidence: 'auto-submitted',
        contactId: null,
        threadId: null,
        returnDate: null,
      },
      facts(),
    );
    expect(effects).toEqual([]);
  });
});

describe("the owner's note", () => {
  it('becomes a note, advice, cadence, a referral and a draft command', () => {
    const effects = decide(
      {
        kind: 'owner_note',
        reference: {
          ref: 'r1',
          messageId: 'kith.r1.sig@example.org',
          audience: 'owner',
          awaitsApproval: true,
          contactId: 7,
        },
        contactId: 7,
        command: { type: 'approve' },
        revision: null,
        referrals: [
          { name: 'Bo Lind', address: 'bo@lind.se' },
          { name: null, address: 'cy@known.com' },
        ],
        advice: ['Talk to the data team'],
        cadenceDays: 30,
        note: 'Great call',
        problems: [],
        notUnderstood: null,
      },
      facts({
        contacts: new Map([
          [7, person(7)],
          [9, person(9, { name: 'Cy' })],
        ]),
        addresses: new Map([
          ['cy@known.com', { contactId: 9, address: 'cy@known.com', dead: false }],
        ]),
      }),
      { message: mail({ from: address('sam@example.org', 'Sam') }) },
    );
    expect(effects.filter((e) => e.type !== 'remark')).toEqual([
      expect.objectContaining({ type: 'record_message', kind: 'owner_command', contact: 7 }),
      { type: 'note', contact: 7, body: 'Great call' },
      { type: 'advice', contact: 7, body: 'Talk to the data team' },
      { type: 'cadence', contact: 7, days: 30 },
      {
        type: 'create_contact',
        address: 'bo@lind.se',
        name: 'Bo Lind',
        source: 'referral',
        referredBy: 7,
      },
      { type: 'set_referrer', contact: 9, referrer: 7 },
      {
        type: 'draft_command',
        request: expect.objectContaining({ command: { type: 'approve' }, at: AT }),
      },
    ]);
    expect(remarks(effects)).toEqual([
      'note added',
      'advice added',
      'keep in touch every 30 days',
      'referral bo@lind.se added as a prospect',
      'referral cy@known.com merged with a known contact',
    ]);
  });
});
