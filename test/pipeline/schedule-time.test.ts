import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  dayBeforeAt,
  firstHourAtLeast,
  plusLocalDays,
  returnDateInstant,
  weeklyOccurrences,
} from '../../src/pipeline/owner-time.js';

const BERLIN = 'Europe/Berlin';
const LA = 'America/Los_Angeles';
const TOKYO = 'Asia/Tokyo';

describe('dayBeforeAt: the prep brief hour on the owner’s previous day', () => {
  it.each([
    // [zone, meeting start (UTC), expected brief (UTC), why]
    [BERLIN, '2026-11-24T09:00:00.000Z', '2026-11-23T16:00:00.000Z', 'ordinary winter day'],
    [BERLIN, '2026-11-23T23:00:00.000Z', '2026-11-23T16:00:00.000Z', 'meeting at 00:00 local'],
    [BERLIN, '2026-11-23T22:59:00.000Z', '2026-11-22T16:00:00.000Z', 'meeting at 23:59 local'],
    [BERLIN, '2026-03-30T08:00:00.000Z', '2026-03-29T15:00:00.000Z', 'brief on spring-forward day'],
    [
      BERLIN,
      '2026-03-29T08:00:00.000Z',
      '2026-03-28T16:00:00.000Z',
      'meeting on spring-forward day',
    ],
    [BERLIN, '2026-10-26T09:00:00.000Z', '2026-10-25T16:00:00.000Z', 'brief on fall-back day'],
    [BERLIN, '2026-10-25T09:00:00.000Z', '2026-10-24T15:00:00.000Z', 'meeting on fall-back day'],
    [LA, '2026-03-09T17:00:00.000Z', '2026-03-09T00:00:00.000Z', 'LA brief on spring-forward day'],
    [
      LA,
      '2026-03-08T17:00:00.000Z',
      '2026-03-08T01:00:00.000Z',
      'LA meeting on spring-forward day',
    ],
    [LA, '2026-11-01T18:00:00.000Z', '2026-11-01T00:00:00.000Z', 'LA meeting on fall-back day'],
    [LA, '2026-11-02T18:00:00.000Z', '2026-11-02T01:00:00.000Z', 'LA brief on fall-back day'],
    [
      TOKYO,
      '2026-11-24T00:00:00.000Z',
      '2026-11-23T08:00:00.000Z',
      'Tokyo 09:00, still Monday in UTC',
    ],
    [TOKYO, '2026-11-23T14:59:00.000Z', '2026-11-22T08:00:00.000Z', 'Tokyo 23:59 Monday'],
    [
      TOKYO,
      '2026-11-23T15:00:00.000Z',
      '2026-11-23T08:00:00.000Z',
      'Tokyo 00:00 Tuesday, UTC Monday',
    ],
  ])('%s %s → %s (%s)', (zone, start, expected) => {
    expect(dayBeforeAt(start, zone, 17)).toBe(expected);
  });

  it('moves an hour that does not exist (02:00 on spring-forward day) to the next real one', () => {
    expect(dayBeforeAt('2026-03-30T08:00:00.000Z', BERLIN, 2)).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('firstHourAtLeast: the thank-you hour at least 24 real hours after the end', () => {
  it.each([
    [BERLIN, '2026-11-23T07:59:00.000Z', '2026-11-24T08:00:00.000Z', 'ends 08:59 → next day'],
    [BERLIN, '2026-11-23T08:00:00.000Z', '2026-11-24T08:00:00.000Z', 'ends 09:00 → exactly 24 h'],
    [BERLIN, '2026-11-23T08:01:00.000Z', '2026-11-25T08:00:00.000Z', 'ends 09:01 → two days'],
    [BERLIN, '2026-11-23T22:59:00.000Z', '2026-11-25T08:00:00.000Z', 'ends 23:59'],
    [BERLIN, '2026-11-23T23:00:00.000Z', '2026-11-25T08:00:00.000Z', 'ends 00:00'],
    [
      BERLIN,
      '2026-03-28T07:30:00.000Z',
      '2026-03-30T07:00:00.000Z',
      'Sunday 09:00 would be 23.5 h',
    ],
    [BERLIN, '2026-03-28T06:30:00.000Z', '2026-03-29T07:00:00.000Z', 'spring-forward day, 24.5 h'],
    [BERLIN, '2026-10-24T07:30:00.000Z', '2026-10-25T08:00:00.000Z', 'fall-back day, 24.5 h'],
    [BERLIN, '2026-10-24T06:30:00.000Z', '2026-10-25T08:00:00.000Z', 'fall-back day, 25.5 h'],
    [LA, '2026-10-31T16:30:00.000Z', '2026-11-01T17:00:00.000Z', 'LA fall-back day'],
    [LA, '2026-03-07T16:30:00.000Z', '2026-03-09T16:00:00.000Z', 'LA spring-forward day'],
    [TOKYO, '2026-11-22T23:59:00.000Z', '2026-11-24T00:00:00.000Z', 'Tokyo ends 08:59'],
    [TOKYO, '2026-11-23T00:01:00.000Z', '2026-11-25T00:00:00.000Z', 'Tokyo ends 09:01'],
  ])('%s end %s → %s (%s)', (zone, end, expected) => {
    expect(firstHourAtLeast(end, 24, zone, 9)).toBe(expected);
  });

  it('is always on the hour, 24 to 49 real hours later, in any zone all year', () => {
    for (const zone of [BERLIN, LA, TOKYO, 'Australia/Lord_Howe', 'Asia/Kolkata']) {
      for (let minutes = 0; minutes < 366 * 24 * 60; minutes += 7 * 60 + 13) {
        const end = new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();
        const due = firstHourAtLeast(end, 24, zone, 9);
        const hours = (Date.parse(due) - Date.parse(end)) / 3_600_000;
        expect(hours).toBeGreaterThanOrEqual(24);
        expect(hours).toBeLessThan(49);
        const local = DateTime.fromISO(due, { zone });
        expect([local.hour, local.minute]).toEqual([9, 0]);
      }
    }
  });
});

describe('plusLocalDays and returnDateInstant', () => {
  it('keeps the wall-clock time across a DST switch', () => {
    // 10:00 CET + 7 days = 10:00 CEST: 167 real hours.
    expect(plusLocalDays('2026-03-25T09:00:00.000Z', 7, BERLIN)).toBe('2026-04-01T08:00:00.000Z');
    expect(plusLocalDays('2026-10-28T17:00:00.000Z', 7, LA)).toBe('2026-11-04T18:00:00.000Z');
  });

  it('reads a return date as the start of that day in the owner’s zone', () => {
    expect(returnDateInstant('2026-12-03', BERLIN)).toBe('2026-12-02T23:00:00.000Z');
    expect(returnDateInstant('2026-12-03', TOKYO)).toBe('2026-12-02T15:00:00.000Z');
    expect(returnDateInstant('2026-12-03', LA)).toBe('2026-12-03T08:00:00.000Z');
    expect(returnDateInstant('2026-12-03T10:00:00Z', LA)).toBe('2026-12-03T10:00:00.000Z');
    expect(() => returnDateInstant('2026-02-30', BERLIN)).toThrow(/calendar date/);
  });
});

describe('weeklyOccurrences: Monday 08:00 owner time in (after, until]', () => {
  it('lists each Monday once, with DST-correct instants', () => {
    expect(
      weeklyOccurrences('2026-03-22T00:00:00.000Z', '2026-04-07T00:00:00.000Z', BERLIN, 1, 8),
    ).toEqual(['2026-03-23T07:00:00.000Z', '2026-03-30T06:00:00.000Z', '2026-04-06T06:00:00.000Z']);
  });

  it('excludes the start and includes the end of the range', () => {
    const at = '2026-11-23T07:00:00.000Z';
    expect(weeklyOccurrences(at, '2026-11-24T00:00:00.000Z', BERLIN, 1, 8)).toEqual([]);
    expect(weeklyOccurrences('2026-11-23T06:59:59.999Z', at, BERLIN, 1, 8)).toEqual([at]);
  });

  it('puts Tokyo’s Monday 08:00 on Sunday in UTC and LA’s in the afternoon', () => {
    expect(
      weeklyOccurrences('2026-11-22T22:59:00.000Z', '2026-11-22T23:00:00.000Z', TOKYO, 1, 8),
    ).toEqual(['2026-11-22T23:00:00.000Z']);
    expect(
      weeklyOccurrences('2026-11-22T00:00:00.000Z', '2026-11-24T00:00:00.000Z', LA, 1, 8),
    ).toEqual(['2026-11-23T16:00:00.000Z']);
  });

  it('is empty when the clock went backwards', () => {
    expect(
      weeklyOccurrences('2026-11-30T00:00:00.000Z', '2026-11-20T00:00:00.000Z', BERLIN, 1, 8),
    ).toEqual([]);
  });
});
