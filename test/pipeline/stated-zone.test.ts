import { describe, expect, it } from 'vitest';
import { findStatedZone } from '../../src/pipeline/stated-zone.js';

const WINTER = new Date('2026-12-01T12:00:00Z');
const SUMMER = new Date('2026-07-01T12:00:00Z');

describe('findStatedZone', () => {
  it.each([
    ['3pm CET', 'Europe/Berlin'],
    ['10am ET', 'America/New_York'],
    ['9am PT', 'America/Los_Angeles'],
    ['14:00 JST', 'Asia/Tokyo'],
    ['3pm Berlin time', 'Europe/Berlin'],
    ['11am London time', 'Europe/London'],
    ['10am Pacific', 'America/Los_Angeles'],
    ['15h heure de Paris', 'Europe/Paris'],
    ['a las 16:00 hora de Madrid', 'Europe/Madrid'],
    ['um 15 Uhr deutscher Zeit', 'Europe/Berlin'],
    ['at 9 New York time', 'America/New_York'],
    ['at 15:00 UTC+2', 'UTC+2'],
    ['at 15:00 GMT-5', 'UTC-5'],
    [' +0530', 'UTC+5:30'],
    ['at 10 (Europe/Lisbon)', 'Europe/Lisbon'],
  ])('"%s" names %s', (text, zone) => {
    expect(findStatedZone(text, { offsetMinutes: null, at: WINTER })).toEqual({
      kind: 'zone',
      zone,
    });
  });

  it("an ambiguous abbreviation is read by the writer's offset", () => {
    const ist = (offsetMinutes: number | null, at = WINTER) =>
      findStatedZone('2pm IST', { offsetMinutes, at });
    expect(ist(330)).toEqual({ kind: 'zone', zone: 'Asia/Kolkata' });
    expect(ist(60, SUMMER)).toEqual({ kind: 'zone', zone: 'Europe/Dublin' });
    expect(ist(120)).toEqual({ kind: 'zone', zone: 'Asia/Jerusalem' });
    expect(ist(null)).toEqual({ kind: 'zone', zone: 'Asia/Kolkata' });
    expect(findStatedZone('2pm BST', { offsetMinutes: 360, at: WINTER })).toEqual({
      kind: 'zone',
      zone: 'Asia/Dhaka',
    });
  });

  it.each([
    ['3pm my time', 'writer'],
    ['15h à mon heure', 'writer'],
    ['15 Uhr meiner Zeit', 'writer'],
    ['a las 15 mi hora', 'writer'],
    ['3pm your time', 'reader'],
    ['15h votre heure', 'reader'],
    ['15 Uhr Ihrer Zeit', 'reader'],
    ['a las 15 tu hora', 'reader'],
  ])('"%s" is the %s\'s clock', (text, kind) => {
    expect(findStatedZone(text, { offsetMinutes: 60, at: WINTER })).toEqual({ kind });
  });

  it('plain words name no zone: French "et", a meeting "at 3pm"', () => {
    expect(findStatedZone('jeudi et vendredi à 15h', { offsetMinutes: 60, at: WINTER })).toBe(null);
    expect(findStatedZone('Thursday at 3pm', { offsetMinutes: 60, at: WINTER })).toBe(null);
  });
});
