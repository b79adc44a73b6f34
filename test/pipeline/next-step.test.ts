import { describe, expect, it } from 'vitest';
import { nextStepsByContact } from '../../src/pipeline/next-step.js';
import { BERLIN, keeping, meeting, snapshot, waiting } from './schedule-fixtures.js';

const NOW = '2026-11-10T10:00:00.000Z';

describe('nextStepsByContact', () => {
  it('gives the first follow-up a week after the outreach', () => {
    const steps = nextStepsByContact(
      snapshot({ followUps: [waiting({ contactedSince: '2026-11-08T09:00:00.000Z' })] }),
      NOW,
      BERLIN,
    );
    expect(steps.get(20)).toEqual({ kind: 'follow_up', dueAt: '2026-11-15T09:00:00.000Z' });
  });

  it('counts from a skipped follow-up, never promising a step already past', () => {
    // Outreach 11 days ago, follow-up 1 skipped 2 days ago: the estimate said "due 4 days ago".
    const steps = nextStepsByContact(
      snapshot({
        followUps: [
          waiting({
            contactedSince: '2026-10-30T10:00:00.000Z',
            followUps: { used: 1, lastAt: '2026-11-08T10:00:00.000Z', pendingDraftIds: [] },
          }),
        ],
      }),
      NOW,
      BERLIN,
    );
    expect(steps.get(20)).toEqual({ kind: 'follow_up', dueAt: '2026-11-15T10:00:00.000Z' });
  });

  it('after the last follow-up is used, the next step is the move to no response', () => {
    const steps = nextStepsByContact(
      snapshot({
        followUps: [
          waiting({
            contactedSince: '2026-10-20T10:00:00.000Z',
            followUps: { used: 2, lastAt: '2026-11-05T10:00:00.000Z', pendingDraftIds: [] },
          }),
        ],
      }),
      NOW,
      BERLIN,
    );
    expect(steps.get(20)?.kind).toBe('no_response');
  });

  it('promises nothing while a follow-up waits for approval (or is snoozed)', () => {
    const steps = nextStepsByContact(
      snapshot({
        followUps: [
          waiting({
            contactedSince: '2026-10-30T10:00:00.000Z',
            followUps: { used: 0, lastAt: null, pendingDraftIds: [7] },
          }),
        ],
      }),
      NOW,
      BERLIN,
    );
    expect(steps.has(20)).toBe(false);
  });

  it('plans the thank-you from the meeting, and nothing for a met contact without one', () => {
    const steps = nextStepsByContact(
      snapshot({
        meetings: [
          meeting({
            contactId: 10,
            contactStage: 'met',
            startsAt: '2026-11-10T08:00:00.000Z',
            endsAt: '2026-11-10T09:00:00.000Z',
          }),
        ],
      }),
      NOW,
      BERLIN,
    );
    // 09:00 Berlin at least 24 h after the end.
    expect(steps.get(10)).toEqual({ kind: 'thank_you', dueAt: '2026-11-12T08:00:00.000Z' });
    expect(nextStepsByContact(snapshot({}), NOW, BERLIN).size).toBe(0);
  });

  it('keeps in touch a cadence after the last exchange', () => {
    const steps = nextStepsByContact(
      snapshot({
        keepInTouch: [
          keeping({
            stageChangedAt: '2026-10-01T10:00:00.000Z',
            lastExchangeAt: '2026-11-01T10:00:00.000Z',
            cadenceDays: 30,
          }),
        ],
      }),
      NOW,
      BERLIN,
    );
    expect(steps.get(30)).toEqual({ kind: 'keep_in_touch', dueAt: '2026-12-01T10:00:00.000Z' });
  });
});
