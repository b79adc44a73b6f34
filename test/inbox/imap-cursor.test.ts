import { describe, expect, it } from 'vitest';
import {
  advance,
  backfillSince,
  completed,
  MAX_UID_SET_CHARS,
  pendingUids,
  planSync,
  reconnectDelay,
  uidBatches,
  uidSet,
} from '../../src/inbox/imap-cursor.js';

const now = new Date('2026-12-10T15:30:00Z');

describe('planSync', () => {
  it('backfills the configured window on a first start', () => {
    const plan = planSync(undefined, { uidValidity: '7', uidNext: 100 }, now, 90);
    expect(plan).toEqual({
      kind: 'backfill',
      reason: 'first-start',
      since: new Date('2026-09-11T00:00:00Z'),
    });
  });

  it('resyncs the window when UIDVALIDITY changed, whatever the old last UID', () => {
    const plan = planSync(
      { uidValidity: '7', lastUid: 5000 },
      { uidValidity: '8', uidNext: 3 },
      now,
      30,
    );
    expect(plan).toMatchObject({ kind: 'backfill', reason: 'uidvalidity-changed' });
  });

  it('continues after the last handled UID', () => {
    expect(
      planSync({ uidValidity: '7', lastUid: 41 }, { uidValidity: '7', uidNext: 50 }, now, 90),
    ).toEqual({
      kind: 'incremental',
      fromUid: 42,
    });
  });

  it('searches after the cursor even when UIDNEXT (stale after EXISTS pushes) says nothing is new', () => {
    expect(
      planSync({ uidValidity: '7', lastUid: 49 }, { uidValidity: '7', uidNext: 50 }, now, 90),
    ).toEqual({
      kind: 'incremental',
      fromUid: 50,
    });
  });
});

describe('cursor arithmetic', () => {
  it('drops UIDs at or below the cursor (n:* returns the last message even below n)', () => {
    expect(pendingUids([12, 9, 10, 12, 11], { uidValidity: '1', lastUid: 10 })).toEqual([11, 12]);
    expect(pendingUids([3, 1, 2], undefined)).toEqual([1, 2, 3]);
  });

  it('never moves backwards', () => {
    const c = { uidValidity: '1', lastUid: 10 };
    expect(advance(c, 9)).toBe(c);
    expect(advance(c, 11)).toEqual({ uidValidity: '1', lastUid: 11 });
  });

  it('covers everything below UIDNEXT once a plan completed', () => {
    expect(completed({ uidValidity: '1', lastUid: 3 }, { uidValidity: '1', uidNext: 20 })).toEqual({
      uidValidity: '1',
      lastUid: 19,
    });
  });

  it('starts the window at the start of a UTC day', () => {
    expect(backfillSince(new Date('2026-03-01T23:59:00Z'), 1).toISOString()).toBe(
      '2026-02-28T00:00:00.000Z',
    );
  });

  it('builds compact UID sets and batches', () => {
    expect(uidSet([7, 1, 2, 3, 9, 10, 5])).toBe('1:3,5,7,9:10');
    expect(uidSet([4])).toBe('4');
    expect(uidBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('keeps the UID set of a batch short enough for one command line', () => {
    // A run of UIDs is one range whatever its length: the count alone cuts it.
    const run = Array.from({ length: 5_000 }, (_, i) => i + 1);
    expect(uidBatches(run, 2_000).map((b) => b.length)).toEqual([2_000, 2_000, 1_000]);
    // Scattered seven-digit UIDs ("1000000,1000002,…", 8 characters each) are halved until each set fits.
    const scattered = Array.from({ length: 2_000 }, (_, i) => 1_000_000 + 2 * i);
    const split = uidBatches(scattered, 2_000);
    expect(split.map((b) => b.length)).toEqual([500, 500, 500, 500]);
    for (const batch of split) expect(uidSet(batch).length).toBeLessThanOrEqual(MAX_UID_SET_CHARS);
    expect(split.flat()).toEqual(scattered);
  });
});

describe('reconnectDelay', () => {
  const fixed = { initialMs: 1000, maxMs: 60_000, random: () => 0 };

  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 7, 20].map((n) => reconnectDelay(n, fixed))).toEqual([
      1000, 2000, 4000, 8000, 60_000, 60_000,
    ]);
  });

  it('jitters downwards by at most a fifth', () => {
    expect(reconnectDelay(3, { ...fixed, random: () => 1 })).toBe(3200);
  });
});
