import { describe, expect, it } from 'vitest';
import { STAGES, type Stage } from '../../src/pipeline/stages.js';
import { type StageEventType, transition } from '../../src/pipeline/transitions.js';

/**
 * The whole table, written out by hand as the product defines it: for each
 * automatic event, the stages it moves and where to. Every other
 * (stage, event) pair must be refused. Kept independent of the
 * implementation's own table on purpose.
 */
const EXPECTED: Record<Exclude<StageEventType, 'manual_move'>, Partial<Record<Stage, Stage>>> = {
  outreach_seen: { prospect: 'contacted', no_response: 'contacted' },
  human_reply: { prospect: 'replied', contacted: 'replied', no_response: 'replied' },
  meeting_proposed: { prospect: 'replied', contacted: 'replied', no_response: 'replied' },
  meeting_confirmed: {
    prospect: 'scheduled',
    contacted: 'scheduled',
    replied: 'scheduled',
    no_response: 'scheduled',
  },
  meeting_cancelled: { scheduled: 'replied' },
  meeting_time_passed: { scheduled: 'met' },
  thank_you_sent: { met: 'thanked' },
  decline: {
    prospect: 'declined',
    contacted: 'declined',
    replied: 'declined',
    scheduled: 'declined',
    no_response: 'declined',
  },
  bounce: {
    prospect: 'bounced',
    contacted: 'bounced',
    replied: 'bounced',
    scheduled: 'bounced',
    met: 'bounced',
    thanked: 'bounced',
    keeping_in_touch: 'bounced',
    no_response: 'bounced',
  },
  follow_ups_exhausted: { contacted: 'no_response' },
  keep_in_touch_sent: { met: 'keeping_in_touch', thanked: 'keeping_in_touch' },
};

const pairs = Object.entries(EXPECTED).flatMap(([event, moves]) =>
  STAGES.map((from) => ({ event: event as keyof typeof EXPECTED, from, to: moves[from] })),
);

describe('transition table', () => {
  it('covers every stage for every automatic event', () => {
    expect(pairs).toHaveLength(11 * STAGES.length);
  });

  it.each(pairs.filter((p) => p.to !== undefined))(
    '$event moves $from → $to',
    ({ event, from, to }) => {
      expect(transition(from, { type: event })).toEqual({ moved: true, from, to });
    },
  );

  it.each(pairs.filter((p) => p.to === undefined))(
    '$event is refused from $from, with a reason',
    ({ event, from }) => {
      const result = transition(from, { type: event });
      expect(result.moved).toBe(false);
      if (!result.moved) {
        expect(result.from).toBe(from);
        expect(result.reason).toContain(from.replace(/_/g, ' '));
      }
    },
  );

  it('never moves a contact backwards along the journey automatically', () => {
    const order: Stage[] = [
      'prospect',
      'contacted',
      'replied',
      'scheduled',
      'met',
      'thanked',
      'keeping_in_touch',
    ];
    for (const { event, from } of pairs) {
      const result = transition(from, { type: event });
      if (!result.moved || !order.includes(from) || !order.includes(result.to)) continue;
      // The one sanctioned step back: a cancelled meeting returns to replied.
      if (event === 'meeting_cancelled') continue;
      expect(order.indexOf(result.to), `${event} from ${from}`).toBeGreaterThan(
        order.indexOf(from),
      );
    }
  });

  it('keeps a late reply after a meeting as a refusal, not a move back', () => {
    expect(transition('met', { type: 'human_reply' })).toMatchObject({ moved: false });
  });

  const manualPairs = STAGES.flatMap((from) => STAGES.map((to) => ({ from, to })));
  it.each(manualPairs)('manual move $from → $to', ({ from, to }) => {
    const result = transition(from, { type: 'manual_move', to });
    if (from === to) expect(result).toEqual({ moved: false, from, reason: `already ${from}` });
    else expect(result).toEqual({ moved: true, from, to });
  });
});
