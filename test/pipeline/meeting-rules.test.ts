import { describe, expect, it } from 'vitest';
import {
  cancelMovesBack,
  decideMeeting,
  isStillAhead,
  type MeetingFacts,
  type OpenProposal,
  placeTimes,
} from '../../src/pipeline/meeting-rules.js';
import type { ProposedTime } from '../../src/pipeline/proposed-time.js';

// Priya in Los Angeles proposed Thursday 5 Nov 2026, 14:00 her time (22:00 UTC), with a Meet link.
const PRIYA_THURSDAY: OpenProposal = {
  id: 1,
  start: '2026-11-05T22:00:00.000Z',
  end: '2026-11-05T22:30:00.000Z',
  timeZone: 'America/Los_Angeles',
  place: 'https://meet.google.com/abc-defg-hij',
  proposedBy: 'contact',
  sourceMessageId: 'priya-1@example.com',
};

// What "Thursday at 2pm" in the New York owner's reply extracts to: 14:00 New York.
const OWNER_SAYS_THURSDAY_2PM: ProposedTime = {
  start: '2026-11-05T19:00:00.000Z',
  end: '2026-11-05T19:30:00.000Z',
  timeZone: 'America/New_York',
  text: 'Thursday at 2pm',
  place: null,
  wall: '2026-11-05T14:00',
  zoneFrom: 'header',
};

function facts(over: Partial<MeetingFacts>): MeetingFacts {
  return {
    writer: 'owner',
    proposals: [PRIYA_THURSDAY],
    times: [],
    acceptance: null,
    ownerZone: 'America/New_York',
    contactZone: 'America/Los_Angeles',
    writerOffsetMinutes: -300,
    sentAt: '2026-11-02T15:00:00.000Z',
    ...over,
  };
}

describe('decideMeeting', () => {
  it("an acceptance naming the time confirms the proposer's instant, not the answerer's wall clock", () => {
    const decision = decideMeeting(
      facts({ times: [OWNER_SAYS_THURSDAY_2PM], acceptance: 'Thursday at 2pm works great' }),
    );
    expect(decision).toEqual({ kind: 'confirm', proposal: PRIYA_THURSDAY, close: [] });
  });

  it('an acceptance naming no time confirms the single proposal of the latest mail', () => {
    const decision = decideMeeting(facts({ acceptance: 'See you then!' }));
    expect(decision).toMatchObject({ kind: 'confirm', proposal: { id: 1 } });
  });

  it('an acceptance naming no time among several proposals of one mail confirms nothing', () => {
    const friday = { ...PRIYA_THURSDAY, id: 2, start: '2026-11-06T18:00:00.000Z' };
    const decision = decideMeeting(
      facts({ proposals: [PRIYA_THURSDAY, friday], acceptance: 'Sounds great' }),
    );
    expect(decision.kind).toBe('none');
  });

  it('choosing one of several proposals confirms it and closes the others', () => {
    const friday: OpenProposal = {
      ...PRIYA_THURSDAY,
      id: 2,
      start: '2026-11-06T17:00:00.000Z',
      end: '2026-11-06T17:30:00.000Z',
    };
    const fridayAt9: ProposedTime = {
      ...OWNER_SAYS_THURSDAY_2PM,
      start: '2026-11-06T14:00:00.000Z',
      wall: '2026-11-06T09:00',
      text: 'Friday at 9am',
    };
    const decision = decideMeeting(
      facts({
        proposals: [PRIYA_THURSDAY, friday],
        times: [fridayAt9],
        acceptance: 'Friday at 9am works great',
      }),
    );
    expect(decision).toEqual({ kind: 'confirm', proposal: friday, close: [1] });
  });

  it('a different time in the answer is a counter-proposal, not an acceptance', () => {
    const fridayAt3: ProposedTime = {
      ...OWNER_SAYS_THURSDAY_2PM,
      start: '2026-11-06T20:00:00.000Z',
      end: '2026-11-06T20:30:00.000Z',
      wall: '2026-11-06T15:00',
      text: 'Friday at 3pm',
    };
    const decision = decideMeeting(
      facts({ times: [fridayAt3], acceptance: 'Perfect, but could we do Friday at 3pm?' }),
    );
    expect(decision).toMatchObject({
      kind: 'propose',
      by: 'owner',
      counter: true,
      times: [{ start: '2026-11-06T20:00:00.000Z', timeZone: 'America/New_York' }],
    });
  });

  it("the other side's agreement to a counter-proposal confirms it, over several mails", () => {
    const ownerFriday: OpenProposal = {
      ...PRIYA_THURSDAY,
      id: 2,
      start: '2026-11-06T20:00:00.000Z',
      end: '2026-11-06T20:30:00.000Z',
      timeZone: 'America/New_York',
      place: null,
      proposedBy: 'owner',
      sourceMessageId: 'owner-2@example.org',
    };
    // Priya writes "Friday at noon works" from Los Angeles: 12:00 hers is 15:00 the owner's.
    const noon: ProposedTime = {
      start: '2026-11-06T20:00:00.000Z',
      end: '2026-11-06T20:30:00.000Z',
      timeZone: 'America/Los_Angeles',
      text: 'Friday at noon',
      place: null,
      wall: '2026-11-06T12:00',
      zoneFrom: 'header',
    };
    const decision = decideMeeting(
      facts({
        writer: 'contact',
        writerOffsetMinutes: -480,
        proposals: [PRIYA_THURSDAY, ownerFriday],
        times: [noon],
        acceptance: 'Friday at noon works',
      }),
    );
    expect(decision).toEqual({ kind: 'confirm', proposal: ownerFriday, close: [1] });
  });

  it('a side cannot agree to its own proposal', () => {
    const decision = decideMeeting(facts({ writer: 'contact', acceptance: 'See you then' }));
    expect(decision.kind).toBe('none');
  });

  it('once agreed, a second "see you then" makes no second meeting', () => {
    expect(decideMeeting(facts({ proposals: [], acceptance: 'See you then' })).kind).toBe('none');
  });

  it('times without agreement are proposals by the writer; a repeated one is not proposed twice', () => {
    const again: ProposedTime = {
      ...OWNER_SAYS_THURSDAY_2PM,
      start: PRIYA_THURSDAY.start,
      wall: '2026-11-05T17:00',
    };
    expect(decideMeeting(facts({ times: [again] })).kind).toBe('none');
    expect(decideMeeting(facts({ proposals: [], times: [OWNER_SAYS_THURSDAY_2PM] }))).toMatchObject(
      { kind: 'propose', by: 'owner', counter: false },
    );
  });

  it('a time named in a zone matches by instant only', () => {
    const stated: ProposedTime = {
      ...OWNER_SAYS_THURSDAY_2PM,
      timeZone: 'Europe/Berlin',
      start: '2026-11-05T13:00:00.000Z',
      zoneFrom: 'text',
    };
    expect(decideMeeting(facts({ times: [stated], acceptance: 'works great' })).kind).toBe(
      'propose',
    );
  });
});

describe('placeTimes', () => {
  const yourTime: ProposedTime = {
    ...OWNER_SAYS_THURSDAY_2PM,
    text: 'Thursday at 2pm your time',
    zoneFrom: 'reader',
  };

  it('"your time" from the owner is the contact\'s clock', () => {
    expect(placeTimes(facts({ times: [yourTime] }))[0]).toMatchObject({
      start: '2026-11-05T22:00:00.000Z',
      timeZone: 'America/Los_Angeles',
    });
  });

  it('"your time" from the contact is the owner\'s clock', () => {
    const fromContact = { ...yourTime, timeZone: 'America/Los_Angeles' };
    expect(
      placeTimes(facts({ writer: 'contact', writerOffsetMinutes: -480, times: [fromContact] }))[0],
    ).toMatchObject({ start: '2026-11-05T19:00:00.000Z', timeZone: 'America/New_York' });
  });

  it("a +0000 header gives way to the contact's remembered zone; a disagreeing header does not", () => {
    const fromUtcClient: ProposedTime = {
      ...OWNER_SAYS_THURSDAY_2PM,
      start: '2026-11-05T14:00:00.000Z',
      timeZone: 'UTC',
    };
    const base = {
      writer: 'contact' as const,
      contactZone: 'Europe/Berlin',
      times: [fromUtcClient],
    };
    expect(placeTimes(facts({ ...base, writerOffsetMinutes: 0 }))[0]?.start).toBe(
      '2026-11-05T13:00:00.000Z',
    );
    expect(placeTimes(facts({ ...base, writerOffsetMinutes: -300 }))[0]?.start).toBe(
      '2026-11-05T14:00:00.000Z',
    );
  });
});

describe('a meeting still ahead', () => {
  const AT = '2026-11-05T15:00:00.000Z';
  const ending = (end: string, status: 'proposed' | 'confirmed' | 'cancelled' | 'done') => ({
    status,
    end,
  });

  it('is proposed or confirmed and not over yet', () => {
    expect(isStillAhead(ending('2026-11-05T15:30:00.000Z', 'confirmed'), AT)).toBe(true);
    expect(isStillAhead(ending('2026-11-06T10:00:00.000Z', 'proposed'), AT)).toBe(true);
    // Over the moment it ends; cancelled and done meetings never lie ahead.
    expect(isStillAhead(ending(AT, 'confirmed'), AT)).toBe(false);
    expect(isStillAhead(ending('2026-11-05T14:59:00.000Z', 'confirmed'), AT)).toBe(false);
    expect(isStillAhead(ending('2026-11-06T10:00:00.000Z', 'cancelled'), AT)).toBe(false);
    expect(isStillAhead(ending('2026-11-06T10:00:00.000Z', 'done'), AT)).toBe(false);
  });

  it('keeps a contact scheduled when their other meeting is cancelled', () => {
    const cancelled = ending('2026-11-06T10:00:00.000Z', 'cancelled');
    expect(cancelMovesBack([cancelled], AT)).toBe(true);
    expect(cancelMovesBack([cancelled, ending('2026-11-09T10:00:00.000Z', 'proposed')], AT)).toBe(
      false,
    );
    expect(cancelMovesBack([cancelled, ending('2026-11-01T10:00:00.000Z', 'confirmed')], AT)).toBe(
      true,
    );
  });
});
