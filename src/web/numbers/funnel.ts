import type { FirstArrivals } from '../../db/web-queries.js';
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
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
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
export function funnelFromTimes(rows: Iterable<ArrivalTimes>): FunnelStep[] {
  const reachedCount = new Array<number>(FUNNEL.length).fill(0);
  const gaps: number[][] = FUNNEL.map(() => []);
  for (const times of rows) {
    let furthest = -1;
    for (let j = 0; j < JOURNEY.length; j++) if (!Number.isNaN(times[j])) furthest = j;
    for (let i = 0; i < FUNNEL.length; i++) {
      if (furthest >= i) reachedCount[i] = (reachedCount[i] as number) + 1;
      if (i === 0) continue;
      const from = times[i - 1] as number;
      const to = times[i] as number;
      // NaN (never reached) fails the comparison, so only real gaps count.
      if (to >= from) gaps[i]?.push((to - from) / DAY_MS);
    }
  }
  return FUNNEL.map((stage, i) => {
    const reached = reachedCount[i] as number;
    const previous = i === 0 ? 0 : (reachedCount[i - 1] as number);
    return {
      stage,
      reached,
      conversion: i === 0 || previous === 0 ? null : reached / previous,
      medianDays: i === 0 ? null : median(gaps[i] ?? []),
    };
  });
}
