import { describe, expect, it } from 'vitest';
import { type DueJob, planDueJobs, type ScheduleSnapshot } from '../../src/pipeline/schedule.js';
import {
  BERLIN,
  inZone,
  keeping,
  minuteAfter,
  recheck,
  snapshot,
  waiting,
} from './schedule-fixtures.js';

const plan = (parts: Partial<ScheduleSnapshot>, now: string, since?: string) =>
  planDueJobs(snapshot(parts), since ? { now, since } : minuteAfter(now), BERLIN);
const planAll = (parts: Partial<ScheduleSnapshot>, now: string) =>
  planDueJobs(snapshot(parts), recheck(now), BERLIN);
const brief = (jobs: DueJob[]) => jobs.map((j) => [j.kind, j.occurrence, j.dueAt, j.drop]);

// Outreach on Wednesday 25 Mar 2026 10:00 CET; Berlin switches to CEST on Sunday 29 Mar.
const SINCE = '2026-03-25T09:00:00.000Z';
const WEEK_LATER = '2026-04-01T08:00:00.000Z'; // Wednesday 10:00 CEST

describe('follow-up nudges', () => {
  it('drafts follow-up 1 seven owner-days after the outreach, DST included', () => {
    const facts = waiting({ contactedSince: SINCE });
    expect(plan({ followUps: [facts] }, '2026-04-01T07:59:00.000Z')).toEqual([]);
    expect(brief(plan({ followUps: [facts] }, WEEK_LATER))).toEqual([
      ['follow_up', `${SINCE}#1`, WEEK_LATER, null],
    ]);
  });

  it('waits while a follow-up is pending approval', () => {
    const facts = waiting({
      contactedSince: SINCE,
      followUps: { used: 0, lastAt: null, pendingDraftIds: [3] },
    });
    expect(plan({ followUps: [facts] }, '2026-05-01T00:00:00.000Z')).toEqual([]);
  });

  it('counts the second follow-up from the first one’s sending', () => {
    const facts = waiting({
      contactedSince: SINCE,
      followUps: { used: 1, lastAt: '2026-04-02T12:00:00.000Z', pendingDraftIds: [] },
    });
    expect(plan({ followUps: [facts] }, '2026-04-09T11:59:00.000Z')).toEqual([]);
    expect(brief(plan({ followUps: [facts] }, '2026-04-09T12:00:00.000Z'))).toEqual([
      ['follow_up', `${SINCE}#2`, '2026-04-09T12:00:00.000Z', null],
    ]);
  });

  it('moves to no response a week after the last allowed follow-up', () => {
    const facts = waiting({
      contactedSince: SINCE,
      followUps: { used: 2, lastAt: '2026-04-09T12:00:00.000Z', pendingDraftIds: [] },
    });
    const jobs = plan({ followUps: [facts] }, '2026-04-16T12:00:00.000Z');
    expect(brief(jobs)).toEqual([['no_response', SINCE, '2026-04-16T12:00:00.000Z', null]]);
    expect(jobs[0]?.action).toEqual({ type: 'no_response', contactId: 20 });
  });

  it('goes straight to no response with MAX_FOLLOW_UPS=0', () => {
    const jobs = planDueJobs(
      snapshot({ followUps: [waiting({ contactedSince: SINCE })] }),
      minuteAfter(WEEK_LATER),
      { ...BERLIN, maxFollowUps: 0 },
    );
    expect(jobs.map((j) => j.kind)).toEqual(['no_response']);
  });

  it('restarts the clock at an out-of-office return date, read in the owner’s zone', () => {
    const facts = waiting({ contactedSince: SINCE, outOfOfficeUntil: '2026-04-06' });
    // Back Monday 6 April (00:00 CEST = 5 Apr 22:00 UTC) → follow-up Monday 13 April 00:00 CEST.
    expect(plan({ followUps: [facts] }, WEEK_LATER)).toEqual([]);
    expect(brief(plan({ followUps: [facts] }, '2026-04-12T22:00:00.000Z'))).toEqual([
      ['follow_up', `${SINCE}#1`, '2026-04-12T22:00:00.000Z', null],
    ]);
  });

  it('ignores a return date before the outreach', () => {
    const facts = waiting({ contactedSince: SINCE, outOfOfficeUntil: '2026-03-01' });
    expect(plan({ followUps: [facts] }, WEEK_LATER).map((j) => j.kind)).toEqual(['follow_up']);
  });

  it('drops the follow-up of someone whose reply is recorded meanwhile', () => {
    const facts = waiting({ contactedSince: SINCE, lastHumanReplyAt: '2026-03-31T18:00:00.000Z' });
    expect(plan({ followUps: [facts] }, WEEK_LATER)[0]?.drop).toBe(
      'they replied meanwhile (2026-03-31T18:00:00.000Z)',
    );
  });

  it('does not count a reply from an earlier round', () => {
    const facts = waiting({ contactedSince: SINCE, lastHumanReplyAt: '2026-02-01T10:00:00.000Z' });
    expect(plan({ followUps: [facts] }, WEEK_LATER)[0]?.drop).toBeNull();
  });

  it('after downtime, drops a follow-up that fell due before the contact replied', () => {
    // kith was down from 30 March to 3 April; the step fell due on 1 April, the reply came on 2 April.
    const replied = waiting({
      stage: 'replied',
      contactedSince: SINCE,
      stageChangedAt: '2026-04-03T09:59:00.000Z',
      lastHumanReplyAt: '2026-04-02T18:00:00.000Z',
    });
    const jobs = plan(
      { followUps: [replied] },
      '2026-04-03T10:00:00.000Z',
      '2026-03-30T10:00:00.000Z',
    );
    expect(brief(jobs)).toEqual([
      ['follow_up', `${SINCE}#1`, WEEK_LATER, 'they replied meanwhile (2026-04-02T18:00:00.000Z)'],
    ]);
  });

  it('leaves no trace of a step that never fell due because the reply came first', () => {
    const replied = waiting({
      stage: 'replied',
      contactedSince: SINCE,
      stageChangedAt: '2026-04-03T09:59:00.000Z',
      lastHumanReplyAt: '2026-03-31T18:00:00.000Z',
    });
    expect(
      plan({ followUps: [replied] }, '2026-04-03T10:00:00.000Z', '2026-03-30T10:00:00.000Z'),
    ).toEqual([]);
  });

  it('after downtime, says why when the contact stopped waiting without a reply', () => {
    const archived = waiting({
      stage: 'archived',
      contactedSince: SINCE,
      stageChangedAt: '2026-04-02T10:00:00.000Z',
    });
    const jobs = plan(
      { followUps: [archived] },
      '2026-04-03T10:00:00.000Z',
      '2026-03-30T10:00:00.000Z',
    );
    expect(jobs[0]?.drop).toBe('no longer waiting for a reply: the contact is archived');
  });

  it('ignores a step that fell due before the previous tick', () => {
    const replied = waiting({
      stage: 'replied',
      contactedSince: SINCE,
      stageChangedAt: '2026-04-02T11:00:00.000Z',
      lastHumanReplyAt: '2026-04-02T11:00:00.000Z',
    });
    // Due on 1 April, before the previous tick at 2 April 10:00: a running kith handled it then.
    expect(
      plan({ followUps: [replied] }, '2026-04-03T10:00:00.000Z', '2026-04-02T10:00:00.000Z'),
    ).toEqual([]);
  });

  it('withdraws an undecided follow-up of someone who stopped waiting, once', () => {
    const replied = waiting({
      stage: 'replied',
      contactedSince: SINCE,
      stageChangedAt: '2026-04-03T09:59:30.000Z',
      lastHumanReplyAt: '2026-04-03T09:59:30.000Z',
      followUps: { used: 0, lastAt: null, pendingDraftIds: [3] },
    });
    const jobs = plan({ followUps: [replied] }, '2026-04-03T10:00:00.000Z');
    expect(jobs.map((j) => [j.kind, j.occurrence, j.action])).toEqual([
      ['withdraw_follow_ups', SINCE, { type: 'withdraw_follow_ups', contactId: 20, draftIds: [3] }],
    ]);
    expect(plan({ followUps: [replied] }, '2026-04-03T10:01:00.000Z')).toEqual([]);
    // A contact still waiting keeps the draft.
    const still = { ...replied, stage: 'contacted' as const, lastHumanReplyAt: null };
    expect(plan({ followUps: [still] }, '2026-04-03T10:00:00.000Z')).toEqual([]);
  });

  it('gives a new round (contacted again later) its own occurrences', () => {
    const again = waiting({ contactedSince: '2026-06-01T08:00:00.000Z' });
    expect(plan({ followUps: [again] }, '2026-06-08T08:00:00.000Z')[0]?.occurrence).toBe(
      '2026-06-01T08:00:00.000Z#1',
    );
  });
});

describe('keep in touch', () => {
  it('is due cadence days after the last exchange in either direction', () => {
    const facts = keeping({
      stageChangedAt: '2026-01-10T10:00:00.000Z',
      lastExchangeAt: '2026-02-01T10:00:00.000Z', // 11:00 CET
    });
    // 90 owner-days later is 2 May 11:00 CEST = 09:00 UTC.
    expect(plan({ keepInTouch: [facts] }, '2026-05-02T08:59:00.000Z')).toEqual([]);
    const jobs = plan({ keepInTouch: [facts] }, '2026-05-02T09:00:00.000Z');
    expect(brief(jobs)).toEqual([
      ['keep_in_touch', '2026-02-01T10:00:00.000Z', '2026-05-02T09:00:00.000Z', null],
    ]);
    expect(jobs[0]?.action).toEqual({ type: 'keep_in_touch', contactId: 30 });
  });

  it('restarts after any later mail, meeting or stage change', () => {
    const facts = keeping({
      stageChangedAt: '2026-03-01T10:00:00.000Z',
      lastExchangeAt: '2026-02-01T10:00:00.000Z',
    });
    expect(plan({ keepInTouch: [facts] }, '2026-05-02T09:00:00.000Z')).toEqual([]);
    expect(plan({ keepInTouch: [facts] }, '2026-05-30T09:00:00.000Z')[0]?.occurrence).toBe(
      '2026-03-01T10:00:00.000Z',
    );
  });

  it('is planned by the tick whose minute it falls in, and not again by the next', () => {
    const facts = keeping({ stageChangedAt: '2026-01-01T10:00:00.000Z' });
    expect(plan({ keepInTouch: [facts] }, '2026-04-01T09:00:00.000Z')).toHaveLength(1);
    expect(plan({ keepInTouch: [facts] }, '2026-04-01T09:01:00.000Z')).toEqual([]);
    expect(planAll({ keepInTouch: [facts] }, '2026-04-01T09:01:00.000Z')).toHaveLength(1);
  });

  it('is not dug up by a re-check when it ran out more than 14 days ago', () => {
    const facts = keeping({ stageChangedAt: '2026-01-01T10:00:00.000Z' });
    // Due 1 April 09:00 UTC: a re-check on 15 April at 08:59 still finds it, at 09:01 no more.
    expect(planAll({ keepInTouch: [facts] }, '2026-04-15T08:59:00.000Z')).toHaveLength(1);
    expect(planAll({ keepInTouch: [facts] }, '2026-04-15T09:01:00.000Z')).toEqual([]);
  });

  it('uses the contact’s own cadence and restarts after an unanswered draft', () => {
    const facts = keeping({ stageChangedAt: '2026-01-01T10:00:00.000Z', cadenceDays: 30 });
    expect(plan({ keepInTouch: [facts] }, '2026-01-31T10:00:00.000Z')[0]?.occurrence).toBe(
      '2026-01-01T10:00:00.000Z',
    );
    const afterDraft = { ...facts, lastKeepInTouchAt: '2026-01-31T10:00:00.000Z' };
    expect(plan({ keepInTouch: [afterDraft] }, '2026-02-01T10:00:00.000Z')).toEqual([]);
    expect(plan({ keepInTouch: [afterDraft] }, '2026-03-02T10:00:00.000Z')[0]?.occurrence).toBe(
      '2026-01-31T10:00:00.000Z',
    );
  });

  it('is only for met, thanked and keeping-in-touch contacts', () => {
    for (const stage of ['met', 'thanked', 'keeping_in_touch'] as const) {
      const facts = keeping({ stage, stageChangedAt: '2026-01-01T10:00:00.000Z' });
      expect(planAll({ keepInTouch: [facts] }, '2026-04-05T10:00:00.000Z')).toHaveLength(1);
    }
    for (const stage of ['replied', 'archived', 'bounced', 'scheduled'] as const) {
      const facts = keeping({ stage, stageChangedAt: '2026-01-01T10:00:00.000Z' });
      expect(planAll({ keepInTouch: [facts] }, '2026-04-05T10:00:00.000Z')).toEqual([]);
    }
  });
});

describe('referrer update', () => {
  const referral = {
    referralId: 41,
    referralStage: 'met' as const,
    reachedAt: '2026-05-05T12:00:00.000Z',
    referrerId: 40,
    referrerStage: 'thanked' as const,
  };

  it('tells the referrer once the referral reaches met', () => {
    expect(plan({ referrals: [referral] }, '2026-05-05T11:59:00.000Z')).toEqual([]);
    const jobs = plan({ referrals: [referral] }, '2026-05-05T12:00:00.000Z');
    expect(brief(jobs)).toEqual([
      ['referrer_update', 'referral:41', '2026-05-05T12:00:00.000Z', null],
    ]);
    expect(jobs[0]?.subjectKey).toBe('contact:40');
  });

  it('plans nothing for a referral moved to met by hand before its meeting took place', () => {
    const early = { ...referral, unheldMeetingEndsAt: '2026-05-06T15:00:00.000Z' };
    expect(plan({ referrals: [early] }, '2026-05-05T12:00:00.000Z')).toEqual([]);
    // A meeting that had ended by then is no reason to wait.
    const held = { ...referral, unheldMeetingEndsAt: '2026-05-05T11:00:00.000Z' };
    expect(brief(plan({ referrals: [held] }, '2026-05-05T12:00:00.000Z'))).toHaveLength(1);
  });

  it('keeps the same key as the referral moves on, so it is sent once', () => {
    const later = {
      ...referral,
      referralStage: 'thanked' as const,
      reachedAt: '2026-05-07T12:00:00.000Z',
    };
    expect(plan({ referrals: [later] }, '2026-05-07T12:00:00.000Z')[0]?.occurrence).toBe(
      'referral:41',
    );
  });

  it('waits while the referral is not met and drops it for a referrer who left the road', () => {
    expect(
      planAll(
        { referrals: [{ ...referral, referralStage: 'scheduled' }] },
        '2026-05-10T00:00:00.000Z',
      ),
    ).toEqual([]);
    const gone = planAll(
      { referrals: [{ ...referral, referrerStage: 'bounced' }] },
      '2026-05-10T00:00:00.000Z',
    );
    expect(gone[0]?.drop).toBe('the contact is bounced');
  });
});

describe('stage moves after a draft is sent', () => {
  const sent = (
    kind: 'thank_you' | 'keep_in_touch',
    contactStage: 'met' | 'thanked' | 'keeping_in_touch',
  ) =>
    plan(
      {
        sentDrafts: [
          { draftId: 9, kind, contactId: 50, contactStage, sentAt: '2026-05-05T12:00:00.000Z' },
        ],
      },
      '2026-05-05T12:00:30.000Z',
    ).map((j) => j.action);

  it('moves met → thanked after a thank-you, and thanked → keeping in touch after the first update', () => {
    expect(sent('thank_you', 'met')).toEqual([
      { type: 'stage_after_send', draftId: 9, contactId: 50, event: 'thank_you_sent' },
    ]);
    expect(sent('keep_in_touch', 'thanked')).toEqual([
      { type: 'stage_after_send', draftId: 9, contactId: 50, event: 'keep_in_touch_sent' },
    ]);
    expect(sent('keep_in_touch', 'met')).toHaveLength(1);
  });

  it('plans nothing when the move already happened', () => {
    expect(sent('thank_you', 'thanked')).toEqual([]);
    expect(sent('keep_in_touch', 'keeping_in_touch')).toEqual([]);
  });
});

describe('weekly digest', () => {
  it('is due Monday 08:00 in the owner’s zone', () => {
    expect(plan({}, '2026-11-23T06:59:00.000Z')).toEqual([]);
    expect(brief(plan({}, '2026-11-23T07:00:00.000Z'))).toEqual([
      ['weekly_digest', '2026-11-23', '2026-11-23T07:00:00.000Z', null],
    ]);
    const tokyo = planDueJobs(
      snapshot({}),
      minuteAfter('2026-11-22T23:00:00.000Z'),
      inZone('Asia/Tokyo'),
    );
    expect(tokyo.map((j) => j.occurrence)).toEqual(['2026-11-23']);
  });

  it('after three missed Mondays sends the latest and drops the others with the reason', () => {
    const jobs = plan({}, '2026-12-08T10:00:00.000Z', '2026-11-20T10:00:00.000Z');
    expect(brief(jobs)).toEqual([
      [
        'weekly_digest',
        '2026-11-23',
        '2026-11-23T07:00:00.000Z',
        'superseded by the digest of 2026-12-07',
      ],
      [
        'weekly_digest',
        '2026-11-30',
        '2026-11-30T07:00:00.000Z',
        'superseded by the digest of 2026-12-07',
      ],
      ['weekly_digest', '2026-12-07', '2026-12-07T07:00:00.000Z', null],
    ]);
  });
});
