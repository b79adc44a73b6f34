import type { FirstArrivals } from '../../db/numbers-queries.js';
import { JOURNEY, type Stage } from '../../pipeline/stages.js';

/** The funnel's steps: the whole main road, on past the thank-you to keeping in touch. */
export const FUNNEL: readonly Stage[] = JOURNEY;

export interface FunnelStep {
  readonly stage: Stage;
  /** Contacts that got this far (or further along the main road). */
  readonly reached: number;
  /** reached / reached of the step before; null for the first step or an empty one. */
  readonly conversion: number | null;
  /** Median days from first reaching the step before to first reaching this one. */
  readonly medianDays: number | null;
}

const DAY_MS = 86_400_000;

/** Median of numbers (null for none). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return medianOfSorted(Array.from(Float64Array.from(values).sort()));
}

/** First arrivals as epoch milliseconds (NaN for never), JOURNEY order. */
export type ArrivalTimes = readonly number[];

/** Parses FirstArrivals once, so a funnel recomputed often does not parse every date again. */
export function arrivalTimes(row: FirstArrivals): ArrivalTimes {
  return row.map((at) => (at ? Date.parse(at) : Number.NaN));
}

/**
 * Pure: from each contact's first arrival at each main-road stage (JOURNEY
 * order, null for never), how many got how far, the conversion between
 * neighbouring steps, and the median days they took. A contact moved past a
 * step (by hand, or imported straight to met) still counts as having reached it.
 */
export function computeFunnel(arrivals: readonly FirstArrivals[]): FunnelStep[] {
  return funnelFromTimes(arrivals.map(arrivalTimes));
}

/** computeFunnel over already parsed times. */
function funnelFromTimes(rows: Iterable<ArrivalTimes>): FunnelStep[] {
  return FunnelTally.of(rows).steps();
}

/** What one contact adds to the funnel: how far it got, and its gap in days before each step. */
function contribution(times: ArrivalTimes): { furthest: number; gaps: (number | null)[] } {
  let furthest = -1;
  for (let j = 0; j < JOURNEY.length; j++) if (!Number.isNaN(times[j])) furthest = j;
  const gaps = FUNNEL.map((_, i) => {
    if (i === 0) return null;
    const from = times[i - 1] as number;
    const to = times[i] as number;
    // NaN (never reached) fails the comparison, so only real gaps count.
    return to >= from ? (to - from) / DAY_MS : null;
  });
  return { furthest, gaps };
}

/** Index of the first element not below `value` in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The funnel's running totals: counts per step and each step's gaps kept
 * sorted, so one contact can be taken out and put back (after a mail or a
 * move) without going over every contact, and medians are read off directly.
 */
export class FunnelTally {
  private readonly reached = new Array<number>(FUNNEL.length).fill(0);
  private readonly gaps: number[][] = FUNNEL.map(() => []);

  static of(rows: Iterable<ArrivalTimes>): FunnelTally {
    const tally = new FunnelTally();
    for (const times of rows) {
      const { furthest, gaps } = contribution(times);
      for (let i = 0; i <= furthest && i < FUNNEL.length; i++)
        tally.reached[i] = (tally.reached[i] as number) + 1;
      gaps.forEach((gap, i) => {
        if (gap !== null) tally.gaps[i]?.push(gap);
      });
    }
    // A typed array sorts numerically without a comparator: several times faster over 10,000 gaps.
    for (const [i, list] of tally.gaps.entries()) {
      tally.gaps[i] = Array.from(Float64Array.from(list).sort());
    }
    return tally;
  }

  add(times: ArrivalTimes): void {
    this.apply(times, 1);
  }

  remove(times: ArrivalTimes): void {
    this.apply(times, -1);
  }

  private apply(times: ArrivalTimes, sign: 1 | -1): void {
    const { furthest, gaps } = contribution(times);
    for (let i = 0; i <= furthest && i < FUNNEL.length; i++) {
      this.reached[i] = (this.reached[i] as number) + sign;
    }
    gaps.forEach((gap, i) => {
      const list = this.gaps[i];
      if (gap === null || !list) return;
      const at = lowerBound(list, gap);
      if (sign > 0) list.splice(at, 0, gap);
      else if (list[at] === gap) list.splice(at, 1);
    });
  }

  steps(): FunnelStep[] {
    return FUNNEL.map((stage, i) => {
      const reached = this.reached[i] as number;
      const previous = i === 0 ? 0 : (this.reached[i - 1] as number);
      const sorted = this.gaps[i] ?? [];
      return {
        stage,
        reached,
        conversion: i === 0 || previous === 0 ? null : reached / previous,
        medianDays: i === 0 ? null : medianOfSorted(sorted),
      };
    });
  }
}

function medianOfSorted(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
