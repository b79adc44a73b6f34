import { describe, expect, it } from 'vitest';
import {
  allowedFrom,
  firstState,
  isOpen,
  isStillToSend,
  isStoppable,
  isWaiting,
  OPEN_STATES,
  OUTBOX_ACTIONS,
  OUTBOX_STATES,
  type OutboxAction,
  type OutboxState,
  outboxStep,
  ownerRefusal,
  refusalSentence,
  STILL_TO_SEND_STATES,
  STOPPABLE_STATES,
  targetOf,
  WAITING_STATES,
} from '../../src/pipeline/outbox-lifecycle.js';

/**
 * The lifecycle written out by hand as the product defines it, independent
 * of the module's own table: for each action, the states it moves a row
 * from and where to. Every other (state, action) pair must be refused.
 */
const EXPECTED: Record<OutboxAction, [readonly OutboxState[], OutboxState]> = {
  ask: [['drafted', 'awaiting_approval', 'snoozed'], 'awaiting_approval'],
  approve: [['drafted', 'awaiting_approval', 'snoozed'], 'approved'],
  revise: [['drafted', 'awaiting_approval', 'snoozed'], 'awaiting_approval'],
  skip: [['drafted', 'awaiting_approval', 'snoozed', 'approved', 'failed'], 'skipped'],
  snooze: [['drafted', 'awaiting_approval', 'snoozed'], 'snoozed'],
  wake: [['snoozed'], 'drafted'],
  withdraw: [['drafted', 'awaiting_approval', 'snoozed', 'approved'], 'skipped'],
  replace: [['drafted', 'awaiting_approval', 'snoozed'], 'skipped'],
  claim: [['approved'], 'sending'],
  sent: [['sending'], 'sent'],
  retry: [['sending'], 'approved'],
  fail: [['sending'], 'failed'],
  seen_in_sent: [
    ['drafted', 'awaiting_approval', 'snoozed', 'approved', 'sending', 'failed', 'skipped'],
    'sent',
  ],
};

describe('the outbox lifecycle table', () => {
  it('answers every state × action: a move to the expected state, or a refusal', () => {
    expect([...OUTBOX_ACTIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const action of OUTBOX_ACTIONS) {
      const [from, to] = EXPECTED[action];
      for (const state of OUTBOX_STATES) {
        const step = outboxStep(state, action);
        if (from.includes(state)) {
          expect(step, `${action} from ${state}`).toEqual({ allowed: true, from: state, to });
        } else {
          expect(step.allowed, `${action} from ${state}`).toBe(false);
        }
      }
      expect([...allowedFrom(action)].sort()).toEqual([...from].sort());
      expect(targetOf(action)).toBe(to);
    }
  });

  it('gives every refusal a reason a person can read', () => {
    for (const action of OUTBOX_ACTIONS) {
      for (const state of OUTBOX_STATES) {
        const step = outboxStep(state, action);
        if (step.allowed) continue;
        expect(step.reason, `${action} from ${state}`).toMatch(/^it (is|was|could) .{4,}/);
        expect(refusalSentence(action, step.reason)).toMatch(/^cannot \w+.*: it /);
      }
    }
    expect(outboxStep('sent', 'approve')).toEqual({
      allowed: false,
      from: 'sent',
      reason: 'it was already sent',
    });
    expect(outboxStep('skipped', 'snooze')).toMatchObject({
      reason: 'it was skipped and not sent',
    });
    expect(outboxStep('sending', 'skip')).toMatchObject({ reason: 'it is being sent right now' });
  });

  it('tells the owner why in the same words, with when it happened and what went wrong', () => {
    const what = 'Your thank-you to Anna Berg';
    const details = { on: '3 Dec', error: '550 mailbox unavailable' };
    expect(ownerRefusal(what, 'sent', details)).toBe(
      'Your thank-you to Anna Berg was already sent on 3 Dec; nothing changed.',
    );
    expect(ownerRefusal(what, 'skipped', details)).toBe(
      'Your thank-you to Anna Berg was skipped on 3 Dec and not sent; nothing changed.',
    );
    expect(ownerRefusal(what, 'failed', details)).toBe(
      'Your thank-you to Anna Berg could not be sent (550 mailbox unavailable); nothing changed.',
    );
    expect(ownerRefusal(what, 'approved', details)).toBe(
      'Your thank-you to Anna Berg is already approved and about to be sent; nothing changed.',
    );
    // The log line and the owner's line share the words.
    for (const state of OUTBOX_STATES) {
      const reason = outboxStep(state, 'wake').allowed ? null : outboxStep(state, 'wake');
      if (reason && !reason.allowed)
        expect(ownerRefusal('It', state, {})).toBe(
          `It ${reason.reason.slice(3)}; nothing changed.`,
        );
    }
  });

  it('never moves a sent mail, and only sending rows are recorded as sent or failed by the loop', () => {
    for (const action of OUTBOX_ACTIONS) expect(outboxStep('sent', action).allowed).toBe(false);
    for (const state of OUTBOX_STATES) {
      expect(outboxStep(state, 'sent').allowed).toBe(state === 'sending');
      expect(outboxStep(state, 'fail').allowed).toBe(state === 'sending');
    }
  });

  it('lets nothing reach `sending` except a claim of an approved row', () => {
    for (const action of OUTBOX_ACTIONS) {
      for (const state of OUTBOX_STATES) {
        const step = outboxStep(state, action);
        if (step.allowed && step.to === 'sending')
          expect([state, action]).toEqual(['approved', 'claim']);
      }
    }
  });
});

describe('the named state groups', () => {
  it('open is exactly the undecided drafts, snoozed included', () => {
    expect(OUTBOX_STATES.filter(isOpen)).toEqual(['drafted', 'awaiting_approval', 'snoozed']);
    expect(OPEN_STATES).toEqual(['drafted', 'awaiting_approval', 'snoozed']);
  });

  it('the owner decides on exactly the open states', () => {
    for (const action of ['approve', 'revise', 'snooze', 'ask'] as const) {
      expect([...allowedFrom(action)].sort()).toEqual([...OPEN_STATES].sort());
    }
  });

  it('waiting is open minus snoozed', () => {
    expect(OUTBOX_STATES.filter(isWaiting)).toEqual(['drafted', 'awaiting_approval']);
    expect(WAITING_STATES.every(isOpen)).toBe(true);
  });

  it('still to send is open plus approved and sending', () => {
    expect(OUTBOX_STATES.filter(isStillToSend)).toEqual([
      'drafted',
      'awaiting_approval',
      'snoozed',
      'approved',
      'sending',
    ]);
    expect(STILL_TO_SEND_STATES).toHaveLength(5);
  });

  it('stoppable is where skip is allowed: nothing has left yet', () => {
    expect(OUTBOX_STATES.filter(isStoppable)).toEqual([
      'drafted',
      'awaiting_approval',
      'snoozed',
      'approved',
      'failed',
    ]);
    expect([...STOPPABLE_STATES].sort()).toEqual([...allowedFrom('skip')].sort());
  });
});

describe('where a new row starts', () => {
  it('owner mail is approved at once; contact mail waits for the owner', () => {
    expect(firstState('owner', true)).toBe('approved');
    expect(firstState('owner', false)).toBe('approved');
    expect(firstState('contact', true)).toBe('awaiting_approval');
    expect(firstState('contact', false)).toBe('drafted');
  });
});
