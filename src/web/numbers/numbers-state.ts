import type { Db } from '../../db/database.js';
import type { TemplateReplies } from '../../db/numbers-queries.js';
import {
  type ContactReplies,
  loadFirstArrivalsOf,
  loadNumbersChanges,
  loadReferralEdges,
  loadReplyCountsOf,
} from '../../db/numbers-queries.js';
import { type ArrivalTimes, arrivalTimes, type FunnelStep, FunnelTally } from './funnel.js';
import { layoutReferralTree, type TreeLayout } from './referral-tree.js';

export interface Numbers {
  readonly funnel: readonly FunnelStep[];
  readonly replies: readonly TemplateReplies[];
  readonly tree: TreeLayout;
}

/** More changed contacts than this since the last view: recompute everything instead. */
const MAX_CHANGED = 2_000;

interface Held {
  seq: number;
  readonly arrivals: Map<number, ArrivalTimes>;
  readonly tally: FunnelTally;
  readonly replies: Map<number, ContactReplies>;
  numbers: Numbers;
}

/**
 * The Numbers page's figures, kept per contact and refreshed only for the
 * contacts the database's change log (numbers_changes, written by triggers)
 * names since the last view: after a mail or a move, one contact's stage
 * history or messages are read again instead of every message. The log is
 * read first, so a write during a refresh is seen by the next one.
 */
export function numbersState(db: Db, treeMaxNodes: number): () => Promise<Numbers> {
  let held: Held | undefined;

  const loadAll = async (): Promise<Held> => {
    const { latest } = await loadNumbersChanges(db, Number.MAX_SAFE_INTEGER);
    const arrivals = new Map<number, ArrivalTimes>();
    for (const [id, row] of await loadFirstArrivalsOf(db, null))
      arrivals.set(id, arrivalTimes(row));
    const replies = await loadReplyCountsOf(db, null);
    const tree = layoutReferralTree(await loadReferralEdges(db), treeMaxNodes);
    const tally = FunnelTally.of(arrivals.values());
    return {
      seq: latest,
      arrivals,
      tally,
      replies,
      numbers: { funnel: tally.steps(), replies: totals(replies), tree },
    };
  };

  return async () => {
    if (!held) {
      held = await loadAll();
      return held.numbers;
    }
    const { changes, oldest, latest } = await loadNumbersChanges(db, held.seq);
    // A log behind what was seen means another database (a backup restored in place).
    const replaced = latest < held.seq;
    if (changes.length === 0 && !replaced) return held.numbers;
    const pruned = replaced || (oldest !== null && oldest > held.seq + 1);
    const touched = (part: string) => [
      ...new Set(changes.filter((c) => c.part === part).map((c) => c.contactId)),
    ];
    const funnelIds = touched('funnel');
    const replyIds = touched('replies');
    if (pruned || funnelIds.length + replyIds.length > MAX_CHANGED) {
      held = await loadAll();
      return held.numbers;
    }
    const state = held;
    let { funnel, replies, tree } = state.numbers;
    if (funnelIds.length > 0) {
      const fresh = await loadFirstArrivalsOf(db, funnelIds);
      for (const id of funnelIds) {
        const before = state.arrivals.get(id);
        if (before) state.tally.remove(before);
        const row = fresh.get(id);
        if (row) {
          const times = arrivalTimes(row);
          state.arrivals.set(id, times);
          state.tally.add(times);
        } else state.arrivals.delete(id);
      }
      funnel = state.tally.steps();
    }
    if (replyIds.length > 0) {
      const fresh = await loadReplyCountsOf(db, replyIds);
      for (const id of replyIds) {
        const counts = fresh.get(id);
        if (counts) state.replies.set(id, counts);
        else state.replies.delete(id);
      }
      replies = totals(state.replies);
    }
    if (changes.some((c) => c.part === 'tree')) {
      tree = layoutReferralTree(await loadReferralEdges(db), treeMaxNodes);
    }
    state.seq = latest;
    state.numbers = { funnel, replies, tree };
    return state.numbers;
  };
}

/** Per-template totals over all contacts, most sent first (then by name). */
function totals(byContact: ReadonlyMap<number, ContactReplies>): TemplateReplies[] {
  const sums = new Map<string, { sent: number; replied: number }>();
  for (const templates of byContact.values()) {
    for (const [template, counts] of templates) {
      const sum = sums.get(template) ?? { sent: 0, replied: 0 };
      sum.sent += counts.sent;
      sum.replied += counts.replied;
      sums.set(template, sum);
    }
  }
  return [...sums]
    .map(([template, s]) => ({ template, sent: s.sent, replied: s.replied }))
    .sort(
      (a, b) => b.sent - a.sent || (a.template < b.template ? -1 : a.template > b.template ? 1 : 0),
    );
}
