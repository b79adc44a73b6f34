import type {
  FollowUpFacts,
  KeepInTouchFacts,
  MeetingFacts,
  ScheduleSettings,
  ScheduleSnapshot,
} from '../../src/pipeline/schedule.js';

/** The defaults kith ships with, for an owner in Berlin. */
export const BERLIN: ScheduleSettings = {
  timeZone: 'Europe/Berlin',
  prepBriefHour: 17,
  thankYouHour: 9,
  meetingOverAfterMinutes: 60,
  followUpAfterDays: 7,
  maxFollowUps: 2,
  keepInTouchDays: 90,
  digestWeekday: 1,
  digestHour: 8,
};

export const inZone = (timeZone: string): ScheduleSettings => ({ ...BERLIN, timeZone });

const EMPTY: ScheduleSnapshot = {
  meetings: [],
  pendingThankYous: [],
  followUps: [],
  keepInTouch: [],
  referrals: [],
  sentDrafts: [],
};

export function snapshot(parts: Partial<ScheduleSnapshot>): ScheduleSnapshot {
  return { ...EMPTY, ...parts };
}

export function meeting(
  facts: Partial<MeetingFacts> & Pick<MeetingFacts, 'startsAt' | 'endsAt'>,
): MeetingFacts {
  return {
    id: 1,
    contactId: 10,
    status: 'confirmed',
    bookedAt: '2020-01-01T00:00:00.000Z',
    contactStage: 'scheduled',
    referrer: null,
    lastOwnerMailAt: null,
    hasThankYouDraft: false,
    ...facts,
  };
}

export function waiting(
  facts: Partial<FollowUpFacts> & Pick<FollowUpFacts, 'contactedSince'>,
): FollowUpFacts {
  return {
    contactId: 20,
    stage: 'contacted',
    stageChangedAt: facts.contactedSince,
    lastHumanReplyAt: null,
    outOfOfficeUntil: null,
    followUps: { used: 0, lastAt: null, pendingDraftIds: [] },
    ...facts,
  };
}

export function keeping(
  facts: Partial<KeepInTouchFacts> & Pick<KeepInTouchFacts, 'stageChangedAt'>,
): KeepInTouchFacts {
  return {
    contactId: 30,
    stage: 'thanked',
    cadenceDays: null,
    lastExchangeAt: null,
    lastKeepInTouchAt: null,
    ...facts,
  };
}

/** A clock where the previous tick ran one minute before `now`. */
export function minuteAfter(now: string): { now: string; since: string } {
  return { now, since: new Date(Date.parse(now) - 60_000).toISOString() };
}

/** The first tick of a process: everything due in the last 14 days is planned again. */
export function recheck(now: string): { now: string; since: string; recheckFrom: string } {
  return {
    ...minuteAfter(now),
    recheckFrom: new Date(Date.parse(now) - 14 * 86_400_000).toISOString(),
  };
}
