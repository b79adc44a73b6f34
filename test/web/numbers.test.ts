import { describe, expect, test } from 'vitest';
import type { FirstArrivals, ReferralEdge } from '../../src/db/numbers-queries.js';
import { JOURNEY, type Stage } from '../../src/pipeline/stages.js';
import { arrivalTimes, computeFunnel, FunnelTally, median } from '../../src/web/numbers/funnel.js';
import { layoutReferralTree } from '../../src/web/numbers/referral-tree.js';
import { nextDue } from '../../src/web/views/next-due.js';

/** One contact's first arrivals, in JOURNEY order. */
const arrivals = (firsts: Partial<Record<Stage, string>>): FirstArrivals =>
  JOURNEY.map((stage) => firsts[stage] ?? null);

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

describe('funnel', () => {
  test('median of odd, even and empty lists', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  test('counts contacts that got at least this far, with conversion and median days', () => {
    const rows = [
      // 1: prospect → contacted (2 d) → replied (4 d)
      arrivals({ prospect: day(0), contacted: day(2), replied: day(6) }),
      // 2: prospect → contacted (4 d)
      arrivals({ prospect: day(0), contacted: day(4) }),
      // 3: prospect only
      arrivals({ prospect: day(0) }),
      // 4: imported straight into met: counts for every earlier step, no durations
      arrivals({ met: day(1) }),
      // 5: all the way to keeping in touch, 30 days after the thank-you
      arrivals({ prospect: day(0), met: day(10), thanked: day(11), keeping_in_touch: day(41) }),
    ];
    const funnel = computeFunnel(rows);
    expect(funnel.map((s) => [s.stage, s.reached])).toEqual([
      ['prospect', 5],
      ['contacted', 4],
      ['replied', 3],
      ['scheduled', 2],
      ['met', 2],
      ['thanked', 1],
      // The funnel goes on past the thank-you.
      ['keeping_in_touch', 1],
    ]);
    expect(funnel[1]?.conversion).toBeCloseTo(4 / 5);
    expect(funnel[1]?.medianDays).toBe(3); // median of 2 and 4
    expect(funnel[2]?.medianDays).toBe(4);
    expect(funnel[0]?.conversion).toBeNull();
    expect(funnel[5]?.conversion).toBe(0.5);
    expect(funnel[6]?.conversion).toBe(1);
    expect(funnel[6]?.medianDays).toBe(30);
  });

  test('a tally with one contact taken out and put back changed equals the funnel from scratch', () => {
    const rows = [
      arrivals({ prospect: day(0), contacted: day(2), replied: day(6) }),
      arrivals({ prospect: day(0), contacted: day(4) }),
      arrivals({ prospect: day(0), contacted: day(4), replied: day(5), scheduled: day(7) }),
    ];
    const tally = FunnelTally.of(rows.map(arrivalTimes));
    const moved = arrivals({ prospect: day(0), contacted: day(4), replied: day(9) });
    tally.remove(arrivalTimes(rows[1] as FirstArrivals));
    tally.add(arrivalTimes(moved));
    expect(tally.steps()).toEqual(computeFunnel([rows[0], moved, rows[2]] as FirstArrivals[]));
    tally.remove(arrivalTimes(moved));
    expect(tally.steps()).toEqual(computeFunnel([rows[0], rows[2]] as FirstArrivals[]));
  });

  test('a later first arrival never makes a negative duration', () => {
    const funnel = computeFunnel([arrivals({ contacted: day(5), prospect: day(9) })]);
    expect(funnel[1]?.medianDays).toBeNull();
  });
});

describe('referral tree layout', () => {
  const edge = (id: number, referredById: number | null, name = `P${id}`): ReferralEdge => ({
    id,
    name,
    referredById,
    stage: 'met',
  });

  test('counts doors and reach, places children right of parents, parent centred', () => {
    const layout = layoutReferralTree(
      [edge(1, null), edge(2, 1), edge(3, 1), edge(4, 2), edge(10, null), edge(11, 10)],
      100,
    );
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    expect(byId.get(1)).toMatchObject({ doors: 2, reach: 3, depth: 0, parentId: null });
    expect(byId.get(2)).toMatchObject({ doors: 1, reach: 1, depth: 1, parentId: 1 });
    expect(byId.get(4)?.x).toBeGreaterThan(byId.get(2)?.x ?? Number.POSITIVE_INFINITY);
    const one = byId.get(1)!;
    const kids = [byId.get(2)!, byId.get(3)!];
    expect(one.y).toBe((kids[0]!.y + kids[1]!.y) / 2);
    // The bigger tree comes first.
    expect(one.y).toBeLessThan(byId.get(10)!.y);
    expect(layout.omitted).toBe(0);
  });

  test('caps the number of people drawn and survives a cycle', () => {
    const many = [edge(1, null), ...Array.from({ length: 30 }, (_, i) => edge(i + 2, 1))];
    const capped = layoutReferralTree(many, 10);
    expect(capped.nodes).toHaveLength(10);
    expect(capped.omitted).toBe(21);
    const cycle = layoutReferralTree([edge(1, 2), edge(2, 1), edge(3, null), edge(4, 3)], 10);
    expect(cycle.nodes.map((n) => n.id).sort()).toEqual([3, 4]);
  });
});

describe('next thing due on a card', () => {
  const base = { nextMeetingAt: null, pendingDrafts: 0, firstDraftId: null };
  const planned = { kind: 'follow_up' as const, dueAt: day(7) };

  test('a waiting draft beats a meeting, which beats the planner’s next step', () => {
    expect(
      nextDue({ ...base, pendingDrafts: 2, firstDraftId: 9, nextMeetingAt: day(3) }, planned),
    ).toEqual({
      kind: 'draft',
      draftId: 9,
      count: 2,
      lateSince: null,
    });
    expect(nextDue({ ...base, nextMeetingAt: day(3) }, planned)).toEqual({
      kind: 'meeting',
      at: day(3),
    });
    expect(nextDue(base, planned)).toEqual({ kind: 'follow_up', at: day(7) });
  });

  test('with nothing planned, the card promises nothing', () => {
    expect(nextDue(base, undefined)).toBeUndefined();
  });
});
