import { describe, expect, it } from 'vitest';
import {
  localDaysEarlier,
  meetingOverEnds,
  prepBriefStarts,
  type Range,
  thankYouEnds,
} from '../../src/pipeline/due-windows.js';
import { dayBeforeAt, firstHourAtLeast, plusLocalDays } from '../../src/pipeline/owner-time.js';

/**
 * The loaders trust these ranges to find every row whose job falls due in a
 * tick's window. Checked exhaustively against the timing rules themselves:
 * windows of a minute, an hour, a day and three days, around both DST
 * switches, in zones east and west of UTC.
 */

const ZONES = ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Lord_Howe'];
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const within = (at: string, from: string, to: string) =>
  Date.parse(at) > Date.parse(from) && Date.parse(at) <= Date.parse(to);
const inRange = (at: string, r: Range | null, closedStart = false) =>
  r !== null &&
  (closedStart ? Date.parse(at) >= Date.parse(r.from) : Date.parse(at) > Date.parse(r.from)) &&
  (closedStart ? Date.parse(at) < Date.parse(r.to) : Date.parse(at) <= Date.parse(r.to));

/** Tick windows ending at various instants around the 2026 DST switches. */
function windows(): { since: string; now: string }[] {
  const ends = [
    Date.UTC(2026, 2, 7, 0, 0),
    Date.UTC(2026, 2, 28, 0, 0),
    Date.UTC(2026, 9, 24, 0, 0),
    Date.UTC(2026, 9, 31, 0, 0),
    Date.UTC(2026, 10, 22, 0, 0),
  ];
  const out: { since: string; now: string }[] = [];
  for (const base of ends) {
    for (let step = 0; step < 72 * 60; step += 97) {
      const now = base + step * 60_000;
      for (const width of [60_000, H, 24 * H, 72 * H])
        out.push({ since: iso(now - width), now: iso(now) });
    }
  }
  return out;
}

describe('due windows match the timing rules', () => {
  const all = windows();

  it('prep brief: a start is in range exactly when its brief falls in the window', () => {
    for (const zone of ZONES) {
      for (const w of all.filter((_, i) => i % 11 === 0)) {
        const range = prepBriefStarts(w, zone, 17);
        // Starts every 20 minutes from 4 days before to 4 days after the window.
        for (
          let t = Date.parse(w.since) - 96 * H;
          t <= Date.parse(w.now) + 96 * H;
          t += 40 * 60_000
        ) {
          const start = iso(t);
          expect(inRange(start, range, true), `${zone} ${w.since}..${w.now} ${start}`).toBe(
            within(dayBeforeAt(start, zone, 17), w.since, w.now),
          );
        }
      }
    }
  });

  it('thank-you: an end is in range exactly when its thank-you falls in the window', () => {
    for (const zone of ZONES) {
      for (const w of all.filter((_, i) => i % 11 === 0)) {
        const range = thankYouEnds(w, zone, 9, 24);
        for (let t = Date.parse(w.since) - 80 * H; t <= Date.parse(w.now); t += 40 * 60_000) {
          const end = iso(t);
          expect(inRange(end, range), `${zone} ${w.since}..${w.now} ${end}`).toBe(
            within(firstHourAtLeast(end, 24, zone, 9), w.since, w.now),
          );
        }
      }
    }
  });

  it('meeting over: an end is in range exactly when end + minutes is in the window', () => {
    for (const w of all.filter((_, i) => i % 5 === 0)) {
      const range = meetingOverEnds(w, 60);
      for (let t = Date.parse(w.since) - 3 * H; t <= Date.parse(w.now); t += 7 * 60_000) {
        expect(inRange(iso(t), range)).toBe(within(iso(t + H), w.since, w.now));
      }
    }
  });

  it('owner-day clocks: every base whose due falls in the window is within 2 h of the range', () => {
    for (const zone of ZONES) {
      for (const w of all.filter((_, i) => i % 13 === 0)) {
        const range = localDaysEarlier(w, 7, zone);
        const slack = range && {
          from: iso(Date.parse(range.from) - 2 * H),
          to: iso(Date.parse(range.to) + 2 * H),
        };
        for (
          let t = Date.parse(w.since) - 8 * 24 * H;
          t <= Date.parse(w.now) - 6 * 24 * H;
          t += 17 * 60_000
        ) {
          const base = iso(t);
          if (within(plusLocalDays(base, 7, zone), w.since, w.now)) {
            expect(inRange(base, slack), `${zone} ${base}`).toBe(true);
          }
        }
      }
    }
  });

  it('is empty for an empty or backwards window', () => {
    const back = { since: '2026-11-23T10:00:00.000Z', now: '2026-11-23T09:00:00.000Z' };
    expect(prepBriefStarts(back, 'Europe/Berlin', 17)).toBeNull();
    expect(thankYouEnds(back, 'Europe/Berlin', 9, 24)).toBeNull();
    expect(meetingOverEnds(back, 60)).toBeNull();
    expect(localDaysEarlier(back, 7, 'Europe/Berlin')).toBeNull();
    // A minute with no 17:00 or 09:00 in it needs no meetings at all for those rules.
    const minute = { since: '2026-11-23T10:00:00.000Z', now: '2026-11-23T10:01:00.000Z' };
    expect(prepBriefStarts(minute, 'Europe/Berlin', 17)).toBeNull();
    expect(thankYouEnds(minute, 'Europe/Berlin', 9, 24)).toBeNull();
  });
});
