import type { NextStep } from '../../pipeline/next-step.js';

export interface DueInput {
  readonly nextMeetingAt: string | null;
  readonly pendingDrafts: number;
  readonly firstDraftId: number | null;
  readonly thankYouLateSince?: string | null;
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
  | { readonly kind: NextStep['kind']; readonly at: string };

/**
 * The one thing to show on a card, most pressing first: a draft waiting for
 * approval, then the next meeting, then the step the scheduler's planner
 * will take next (asked of the planner, never estimated here, so the line
 * is what will happen).
 */
export function nextDue(card: DueInput, planned: NextStep | undefined): NextDue | undefined {
  if (card.pendingDrafts > 0) {
    return {
      kind: 'draft',
      draftId: card.firstDraftId,
      count: card.pendingDrafts,
      lateSince: card.thankYouLateSince ?? null,
    };
  }
  if (card.nextMeetingAt) return { kind: 'meeting', at: card.nextMeetingAt };
  return planned && { kind: planned.kind, at: planned.dueAt };
}
