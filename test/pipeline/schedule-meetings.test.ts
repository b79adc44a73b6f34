import { describe, expect, it } from 'vitest';
import { type DueJob, planDueJobs } from '../../src/pipeline/schedule.js';
import { BERLIN, inZone, meeting, minuteAfter, recheck, snapshot } from './schedule-fixtures.js';

const summary = (jobs: DueJob[]) =>
  jobs.map((j) => `${j.kind} ${j.subjectKey} ${j.dueAt}${j.drop ? ` dropped: ${j.drop}` : ''}`);
type MeetingInput = Parameters<typeof meeting>[0];
/** A tick at `now`, the previous one a minute before. */
const at = (now: string, ...meetings: MeetingInput[]) =>
  planDueJobs(snapshot({ meetings: meetings.map(meeting) }), minuteAfter(now), BERLIN);
/** The first tick of a process at `now`: everything due by then. */
const all = (now: string, ...meetings: MeetingInput[]) =>
  planDueJobs(snapshot({ meetings: meetings.map(meeting) }), recheck(now), BERLIN);

// Tuesday 24 Nov 2026, 10:00–10:30 Berlin (CET, UTC+1).
const TUESDAY = { startsAt: '2026-11-24T09:00:00.000Z', endsAt: '2026-11-24T09:30:00.000Z' };

describe('prep brief', () => {
  it('is not due at 16:59:59 the day before and due at 17:00:00', () => {
    expect(at('2026-11-23T15:59:59.999Z', TUESDAY)).toEqual([]);
    const jobs = at('2026-11-23T16:00:00.000Z', TUESDAY);
    expect(summary(jobs)).toEqual(['prep_brief meeting:1 2026-11-23T16:00:00.000Z']);
    expect(jobs[0]?.occurrence).toBe(TUESDAY.startsAt);
    expect(jobs[0]?.action).toEqual({ type: 'prep_brief', meetingId: 1, contactId: 10 });
  });

  it('is due at once when the meeting was booked after 17:00 the day before', () => {
    const booked = { ...TUESDAY, bookedAt: '2026-11-23T20:15:00.000Z' };
    expect(at('2026-11-23T20:14:00.000Z', booked)).toEqual([]);
    expect(summary(at('2026-11-23T20:15:00.000Z', booked))).toEqual([
      'prep_brief meeting:1 2026-11-23T20:15:00.000Z',
    ]);
  });

  it('is dropped once the meeting began (a restart after downtime)', () => {
    const jobs = planDueJobs(
      snapshot({ meetings: [meeting(TUESDAY)] }),
      { since: '2026-11-23T12:00:00.000Z', now: '2026-11-24T09:00:00.000Z' },
      BERLIN,
    );
    expect(summary(jobs)).toEqual([
      'prep_brief meeting:1 2026-11-23T16:00:00.000Z dropped: the meeting already began at 2026-11-24T09:00:00.000Z',
    ]);
  });

  it('follows the owner’s day for a meeting set in another zone', () => {
    // 19:00 Monday in New York is 01:00 Tuesday in Berlin: the brief is Monday 17:00 Berlin.
    const newYorkEvening = {
      startsAt: '2026-11-24T00:00:00.000Z',
      endsAt: '2026-11-24T00:30:00.000Z',
    };
    expect(summary(at('2026-11-23T16:00:00.000Z', newYorkEvening))).toEqual([
      'prep_brief meeting:1 2026-11-23T16:00:00.000Z',
    ]);
    // The same instant for an owner in Los Angeles is Monday 16:00: brief Sunday 17:00 PST.
    const la = planDueJobs(
      snapshot({ meetings: [meeting(newYorkEvening)] }),
      minuteAfter('2026-11-23T01:00:00.000Z'),
      inZone('America/Los_Angeles'),
    );
    expect(summary(la)).toEqual(['prep_brief meeting:1 2026-11-23T01:00:00.000Z']);
  });

  it('gets a new occurrence when the meeting moves, so a moved meeting is briefed again', () => {
    const moved = { startsAt: '2026-11-26T09:00:00.000Z', endsAt: '2026-11-26T09:30:00.000Z' };
    const before = at('2026-11-23T16:00:00.000Z', TUESDAY);
    const after = at('2026-11-25T16:00:00.000Z', moved);
    expect(before[0]?.occurrence).not.toBe(after[0]?.occurrence);
    expect(after[0]?.kind).toBe('prep_brief');
  });
});

describe('meeting over', () => {
  it('is due one hour after the end and moves a scheduled contact to met', () => {
    expect(at('2026-11-24T10:29:59.000Z', TUESDAY)).toEqual([]);
    const jobs = at('2026-11-24T10:30:00.000Z', TUESDAY);
    const over = jobs.find((j) => j.kind === 'meeting_over');
    expect(over?.dueAt).toBe('2026-11-24T10:30:00.000Z');
    expect(over?.action).toEqual({
      type: 'meeting_over',
      meetingId: 1,
      contactId: 10,
      moveToMet: true,
    });
    expect(over?.drop).toBeNull();
  });

  it('still prompts for notes but does not move a contact who is already met', () => {
    const jobs = at('2026-11-24T10:30:00.000Z', { ...TUESDAY, contactStage: 'keeping_in_touch' });
    expect(jobs.find((j) => j.kind === 'meeting_over')?.action).toMatchObject({ moveToMet: false });
  });

  it('honours MEETING_OVER_AFTER_MINUTES', () => {
    const jobs = planDueJobs(
      snapshot({ meetings: [meeting(TUESDAY)] }),
      minuteAfter('2026-11-24T09:45:00.000Z'),
      { ...BERLIN, meetingOverAfterMinutes: 15 },
    );
    expect(jobs.find((j) => j.kind === 'meeting_over')?.dueAt).toBe('2026-11-24T09:45:00.000Z');
  });
});

describe('thank-you draft', () => {
  const endingAt = (endsAt: string) => ({ startsAt: '2026-11-23T07:00:00.000Z', endsAt });
  const thankYou = (jobs: DueJob[]) => jobs.find((j) => j.kind === 'thank_you');

  it('comes the next morning for a meeting that ends just before 09:00', () => {
    const m = endingAt('2026-11-23T07:59:00.000Z'); // 08:59 Berlin
    expect(thankYou(at('2026-11-24T07:59:59.000Z', m))).toBeUndefined();
    expect(thankYou(at('2026-11-24T08:00:00.000Z', m))?.action.type).toBe('thank_you_draft');
  });

  it('comes two mornings later for a meeting that ends just after 09:00', () => {
    const m = endingAt('2026-11-23T08:01:00.000Z'); // 09:01 Berlin
    expect(thankYou(at('2026-11-24T08:00:00.000Z', m))).toBeUndefined();
    expect(thankYou(at('2026-11-25T08:00:00.000Z', m))?.dueAt).toBe('2026-11-25T08:00:00.000Z');
  });

  it('is the owner’s own mail when they already wrote after the meeting', () => {
    const m = {
      ...TUESDAY,
      contactStage: 'met' as const,
      lastOwnerMailAt: '2026-11-24T15:00:00.000Z',
    };
    expect(thankYou(at('2026-11-26T08:00:00.000Z', m))?.action).toEqual({
      type: 'thank_you_by_owner',
      meetingId: 1,
      contactId: 10,
      ownerMailAt: '2026-11-24T15:00:00.000Z',
    });
  });

  it('is a draft when the owner’s last mail came before the meeting ended', () => {
    const m = { ...TUESDAY, lastOwnerMailAt: '2026-11-24T09:29:00.000Z' };
    expect(thankYou(at('2026-11-26T08:00:00.000Z', m))?.action.type).toBe('thank_you_draft');
  });

  it('is dropped when a thank-you draft for the meeting exists already', () => {
    const m = { ...TUESDAY, hasThankYouDraft: true };
    expect(thankYou(at('2026-11-26T08:00:00.000Z', m))?.drop).toBe(
      'a thank-you draft for this meeting exists already',
    );
  });
});

describe('cancelled, proposed and abandoned meetings', () => {
  it('drops every due job of a cancelled meeting with the reason, sending nothing', () => {
    const jobs = all('2026-11-26T08:00:00.000Z', { ...TUESDAY, status: 'cancelled' });
    expect(jobs.map((j) => [j.kind, j.drop])).toEqual([
      ['prep_brief', 'the meeting was cancelled'],
      ['meeting_over', 'the meeting was cancelled'],
      ['thank_you', 'the meeting was cancelled'],
    ]);
  });

  it('plans nothing for a proposed meeting', () => {
    expect(all('2026-11-26T08:00:00.000Z', { ...TUESDAY, status: 'proposed' })).toEqual([]);
  });

  it('plans a done meeting like a confirmed one (its steps may still be pending)', () => {
    expect(
      all('2026-11-26T08:00:00.000Z', { ...TUESDAY, status: 'done' }).map((j) => j.kind),
    ).toEqual(['prep_brief', 'meeting_over', 'thank_you']);
  });

  it('drops a meeting’s jobs when the contact left the road', () => {
    for (const stage of ['archived', 'declined', 'bounced'] as const) {
      const jobs = at('2026-11-23T16:00:00.000Z', { ...TUESDAY, contactStage: stage });
      expect(jobs[0]?.drop).toBe(`the contact is ${stage}`);
    }
  });
});

describe('the planning window', () => {
  it('plans only what fell due since the previous tick, unless asked to re-check all', () => {
    // At Wednesday noon the brief and the meeting-over step are long past.
    expect(at('2026-11-25T11:00:00.000Z', TUESDAY)).toEqual([]);
    expect(all('2026-11-25T11:00:00.000Z', TUESDAY).map((j) => [j.kind, j.drop])).toEqual([
      ['prep_brief', 'the meeting already began at 2026-11-24T09:00:00.000Z'],
      ['meeting_over', null],
    ]);
  });

  it('makes a step whose time passed before kith learned of the meeting due at once', () => {
    // Recorded at 12:00 the day after it ended: over and thank-you at once, not never.
    const late = { ...TUESDAY, bookedAt: '2026-11-25T11:00:00.000Z' };
    expect(at('2026-11-25T11:00:00.000Z', late).map((j) => [j.kind, j.dueAt])).toEqual([
      ['prep_brief', '2026-11-25T11:00:00.000Z'],
      ['meeting_over', '2026-11-25T11:00:00.000Z'],
    ]);
  });

  it('tells the referrer when the meeting moves the contact to met', () => {
    const referred = { ...TUESDAY, referrer: { id: 77, stage: 'thanked' as const } };
    const jobs = at('2026-11-24T10:30:00.000Z', referred);
    expect(jobs.map((j) => [j.kind, j.subjectKey, j.occurrence])).toEqual([
      ['meeting_over', 'meeting:1', TUESDAY.startsAt],
      ['referrer_update', 'contact:77', 'referral:10'],
    ]);
    const gone = at('2026-11-24T10:30:00.000Z', {
      ...TUESDAY,
      referrer: { id: 77, stage: 'archived' },
    });
    expect(gone[1]?.drop).toBe('the contact is archived');
  });
});

describe('thank-you reminder', () => {
  it('is due once, 24 h after the draft was made', () => {
    const plan = (now: string) =>
      planDueJobs(
        snapshot({
          pendingThankYous: [{ draftId: 5, contactId: 10, createdAt: '2026-11-25T08:00:00.000Z' }],
        }),
        minuteAfter(now),
        BERLIN,
      );
    expect(plan('2026-11-26T07:59:00.000Z')).toEqual([]);
    expect(plan('2026-11-26T08:00:00.000Z')).toEqual([
      {
        kind: 'thank_you_reminder',
        subjectKey: 'outbox:5',
        occurrence: 'once',
        dueAt: '2026-11-26T08:00:00.000Z',
        action: { type: 'thank_you_reminder', draftId: 5, contactId: 10 },
        drop: null,
      },
    ]);
  });
});

describe('owners east and west of UTC', () => {
  it('times a Tokyo owner’s 09:30 meeting in Tokyo', () => {
    const tokyo = inZone('Asia/Tokyo');
    // Tuesday 24 Nov 09:00–09:30 JST = Tuesday 00:00–00:30 UTC.
    const m = meeting({ startsAt: '2026-11-24T00:00:00.000Z', endsAt: '2026-11-24T00:30:00.000Z' });
    const jobs = planDueJobs(
      snapshot({ meetings: [m] }),
      recheck('2026-11-26T00:00:00.000Z'),
      tokyo,
    );
    expect(jobs.map((j) => [j.kind, j.dueAt])).toEqual([
      ['prep_brief', '2026-11-23T08:00:00.000Z'], // Monday 17:00 JST
      ['meeting_over', '2026-11-24T01:30:00.000Z'],
      ['thank_you', '2026-11-26T00:00:00.000Z'], // ended 09:30 → Thursday 09:00 JST
    ]);
  });

  it('times a Los Angeles owner’s meeting in Los Angeles', () => {
    const la = inZone('America/Los_Angeles');
    // Tuesday 24 Nov 08:00–08:45 PST = 16:00–16:45 UTC.
    const m = meeting({ startsAt: '2026-11-24T16:00:00.000Z', endsAt: '2026-11-24T16:45:00.000Z' });
    const jobs = planDueJobs(snapshot({ meetings: [m] }), recheck('2026-11-25T17:00:00.000Z'), la);
    expect(jobs.map((j) => [j.kind, j.dueAt])).toEqual([
      ['prep_brief', '2026-11-24T01:00:00.000Z'], // Monday 17:00 PST
      ['meeting_over', '2026-11-24T17:45:00.000Z'],
      ['thank_you', '2026-11-25T17:00:00.000Z'], // ended 08:45 → Wednesday 09:00 PST
    ]);
  });
});
