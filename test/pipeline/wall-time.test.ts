import { describe, expect, it } from 'vitest';
import { checkWallTime, offsetText, type WallReading } from '../../src/pipeline/wall-time.js';

// Readings as the adapter computes them: each candidate offset and the zone's offset at its instant.
const berlinSpring: WallReading[] = [
  { offsetMinutes: 60, zoneOffsetMinutes: 120, abbreviation: 'CET' },
  { offsetMinutes: 120, zoneOffsetMinutes: 60, abbreviation: 'CEST' },
];
const berlinAutumn: WallReading[] = [
  { offsetMinutes: 120, zoneOffsetMinutes: 120, abbreviation: 'CEST' },
  { offsetMinutes: 60, zoneOffsetMinutes: 60, abbreviation: 'CET' },
];

describe('checkWallTime', () => {
  it('an ordinary time is one instant', () => {
    expect(
      checkWallTime({
        wall: '2026-12-10T15:00',
        zone: 'Asia/Kolkata',
        readings: [
          { offsetMinutes: 330, zoneOffsetMinutes: 330, abbreviation: 'IST' },
          { offsetMinutes: 330, zoneOffsetMinutes: 330, abbreviation: 'IST' },
        ],
        chosenOffsetMinutes: null,
      }),
    ).toEqual({ kind: 'ok', instant: '2026-12-10T09:30:00.000Z', offsetMinutes: 330 });
  });

  it('a time the clocks skip is refused with the times before and after the jump', () => {
    const check = checkWallTime({
      wall: '2026-03-29T02:30',
      zone: 'Europe/Berlin',
      readings: berlinSpring,
      chosenOffsetMinutes: 120,
    });
    expect(check).toEqual({
      kind: 'missing',
      message:
        '02:30 on 29 March 2026 does not exist in Europe/Berlin (the clocks skip it): did you mean 01:30 or 03:30?',
      suggestions: ['01:30', '03:30'],
    });
  });

  it('a half-hour jump suggests half an hour either side', () => {
    const check = checkWallTime({
      wall: '2026-10-04T02:15',
      zone: 'Australia/Lord_Howe',
      readings: [
        { offsetMinutes: 630, zoneOffsetMinutes: 660, abbreviation: null },
        { offsetMinutes: 660, zoneOffsetMinutes: 630, abbreviation: null },
      ],
      chosenOffsetMinutes: null,
    });
    expect(check).toMatchObject({ kind: 'missing', suggestions: ['01:45', '02:45'] });
  });

  it('a time that happens twice asks which, summer time first', () => {
    const check = checkWallTime({
      wall: '2026-10-25T02:30',
      zone: 'Europe/Berlin',
      readings: berlinAutumn,
      chosenOffsetMinutes: null,
    });
    expect(check).toEqual({
      kind: 'twice',
      message:
        '02:30 on 25 October 2026 happens twice in Europe/Berlin (the clocks go back): 02:30 CEST (UTC+2) or 02:30 CET (UTC+1)? Choose one.',
      choices: [
        { offsetMinutes: 120, label: '02:30 CEST (UTC+2)' },
        { offsetMinutes: 60, label: '02:30 CET (UTC+1)' },
      ],
    });
  });

  it('the chosen reading of a repeated time is taken as chosen, never another', () => {
    const base = { wall: '2026-10-25T02:30', zone: 'Europe/Berlin', readings: berlinAutumn };
    expect(checkWallTime({ ...base, chosenOffsetMinutes: 120 })).toEqual({
      kind: 'ok',
      instant: '2026-10-25T00:30:00.000Z',
      offsetMinutes: 120,
    });
    expect(checkWallTime({ ...base, chosenOffsetMinutes: 60 })).toEqual({
      kind: 'ok',
      instant: '2026-10-25T01:30:00.000Z',
      offsetMinutes: 60,
    });
    // An offset that is neither reading still asks.
    expect(checkWallTime({ ...base, chosenOffsetMinutes: 0 }).kind).toBe('twice');
  });

  it('labels a zone without an abbreviation by its offset', () => {
    const check = checkWallTime({
      wall: '2026-11-01T01:30',
      zone: 'America/St_Johns',
      readings: [
        { offsetMinutes: -150, zoneOffsetMinutes: -150, abbreviation: null },
        { offsetMinutes: -210, zoneOffsetMinutes: -210, abbreviation: null },
      ],
      chosenOffsetMinutes: null,
    });
    expect(check).toMatchObject({
      kind: 'twice',
      choices: [
        { offsetMinutes: -150, label: '01:30 UTC-2:30' },
        { offsetMinutes: -210, label: '01:30 UTC-3:30' },
      ],
    });
  });

  it('offsetText', () => {
    expect([0, 60, -300, 330, -210].map(offsetText)).toEqual([
      'UTC',
      'UTC+1',
      'UTC-5',
      'UTC+5:30',
      'UTC-3:30',
    ]);
  });
});
