import type { Stage } from './stages.js';

/** Everything that can move a contact along the pipeline. */
export type StageEvent =
  | { type: 'outreach_seen' }
  | { type: 'human_reply' }
  | { type: 'meeting_proposed' }
  | { type: 'meeting_confirmed' }
  | { type: 'meeting_cancelled' }
  | { type: 'meeting_time_passed' }
  | { type: 'thank_you_sent' }
  | { type: 'decline' }
  | { type: 'bounce' }
  | { type: 'follow_ups_exhausted' }
  | { type: 'keep_in_touch_sent' }
  | { type: 'manual_move'; to: Stage };

export type StageEventType = StageEvent['type'];

/** The outcome of applying an event: a move, or a refusal with its reason. */
export type TransitionResult =
  | { readonly moved: true; readonly from: Stage; readonly to: Stage }
  | { readonly moved: false; readonly from: Stage; readonly reason: string };

type AutomaticEventType = Exclude<StageEventType, 'manual_move'>;

/**
 * Which stages each automatic event may move a contact from, and to where.
 * Anything not listed is refused: in particular nothing moves a contact back
 * along the journey (a late reply after `met` is logged, not a move).
 */
const MOVES: Readonly<Record<AutomaticEventType, Partial<Readonly<Record<Stage, Stage>>>>> = {
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

const EVENT_WORDS: Readonly<Record<AutomaticEventType, string>> = {
  outreach_seen: 'an outreach',
  human_reply: 'a reply',
  meeting_proposed: 'a proposed meeting',
  meeting_confirmed: 'a confirmed meeting',
  meeting_cancelled: 'a cancelled meeting',
  meeting_time_passed: 'a meeting that took place',
  thank_you_sent: 'a thank-you',
  decline: 'a decline',
  bounce: 'a bounce',
  follow_ups_exhausted: 'follow-ups running out',
  keep_in_touch_sent: 'a keep-in-touch update',
};

/** Applies one event to a stage. Pure; the caller records the result. */
export function transition(from: Stage, event: StageEvent): TransitionResult {
  if (event.type === 'manual_move') {
    if (event.to === from) return { moved: false, from, reason: `already ${from}` };
    return { moved: true, from, to: event.to };
  }
  const to = MOVES[event.type][from];
  if (to === undefined) {
    return {
      moved: false,
      from,
      reason: `${EVENT_WORDS[event.type]} does not move a contact who is ${from.replace(/_/g, ' ')}`,
    };
  }
  return { moved: true, from, to };
}
