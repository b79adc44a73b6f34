import type { Stage } from '../../pipeline/stages.js';

const DAY_MS = 86_400_000;

export interface DueInput {
  readonly stage: Stage;
  readonly stageChangedAt: string;
  readonly cadenceDays: number | null;
  readonly nextMeetingAt: string | null;
  readonly pendingDrafts: number;
  readonly firstDraftId: number | null;
  readonly thankYouLateSince?: string | null;
  readonly lastExchangeAt?: string | null;
}

export type NextDue =
  | {
      readonly kind: 'draft';
      readonly draftId: number | null;
      readonly count: number;
      /** A thank-you among them is late since then. */
      readonly lateSince: string | null;
    }
  | { readonly kind: 'meeting'; readonly at: string }
  | { readonly kind: 'follow_up' | 'keep_in_touch' | 'thank_you'; readonly at: string };

/**
 * The one thing to show on a card, most pressing first: a draft waiting for
 * approval, then the next meeting, then what the schedule expects next (an
 * estimate from the stage's age, the last exchange and the settings; the
 * scheduler decides).
 */
export function nextDue(
  card: DueInput,
  schedule: { followUpAfterDays: number; keepInTouchDays: number },
): NextDue | undefined {
  if (card.pendingDrafts > 0) {
    return {
      kind: 'draft',
      draftId: card.firstDraftId,
      count: card.pendingDrafts,
      lateSince: card.thankYouLateSince ?? null,
    };
  }
  if (card.nextMeetingAt) return { kind: 'meeting', at: card.nextMeetingAt };
  const since = new Date(card.stageChangedAt).getTime();
  if (!Number.isFinite(since)) return undefined;
  const after = (days: number) => new Date(since + days * DAY_MS).toISOString();
  switch (card.stage) {
    case 'contacted':
      return { kind: 'follow_up', at: after(schedule.followUpAfterDays) };
    case 'met':
      return { kind: 'thank_you', at: after(1) };
    case 'thanked':
    case 'keeping_in_touch': {
      // The scheduler counts from the last exchange either way, not the stage change.
      const last = Math.max(since, card.lastExchangeAt ? Date.parse(card.lastExchangeAt) : 0);
      const days = card.cadenceDays ?? schedule.keepInTouchDays;
      return { kind: 'keep_in_touch', at: new Date(last + days * DAY_MS).toISOString() };
    }
    default:
      return undefined;
  }
}
