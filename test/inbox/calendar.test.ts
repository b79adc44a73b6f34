import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { ianaName, parseCalendarParts, parseIcs } from '../../src/inbox/calendar.js';

const ics = (name: string): string =>
  readFileSync(new URL(`../fixtures/ics/${name}`, import.meta.url), 'utf8');

describe('parseIcs', () => {
  it('reads a Google invite with its VTIMEZONE and double-escaped commas', () => {
    const [event] = parseIcs(ics('google-request.ics'));
    expect(event).toEqual({
      method: 'REQUEST',
      uid: '3k9d8f7g6h5j4k3l2m1n0p@google.com',
      sequence: 0,
      status: 'CONFIRMED',
      summary: 'Sam / Anna: product management chat',
      allDay: false,
      // 10:30 in Berlin in December is CET, +01:00.
      start: '2026-12-03T09:30:00.000Z',
      end: '2026-12-03T10:00:00.000Z',
      timeZone: 'Europe/Berlin',
      location: 'Acme HQ, Friedrichstraße 1, Berlin',
      organizer: 'anna@acme.com',
      attendees: [
        { address: 'anna@acme.com', name: 'Anna Berg', partstat: 'ACCEPTED' },
        { address: 'sam@example.org', name: 'sam@example.org', partstat: 'NEEDS-ACTION' },
      ],
    });
  });

  it('reads an update of the same UID with a higher SEQUENCE', () => {
    const [first] = parseIcs(ics('google-request.ics'));
    const [update] = parseIcs(ics('google-request-update.ics'));
    expect(update?.uid).toBe(first?.uid);
    expect(update?.sequence).toBe(1);
    expect(update?.start).toBe('2026-12-04T13:00:00.000Z');
  });

  it('applies an Outlook VTIMEZONE named "Romance Standard Time", in summer time', () => {
    const [event] = parseIcs(ics('outlook-romance-request.ics'));
    // 10:00 in Paris in July is CEST, +02:00.
    expect(event?.start).toBe('2026-07-08T08:00:00.000Z');
    expect(event?.end).toBe('2026-07-08T08:30:00.000Z');
    expect(event?.timeZone).toBe('Europe/Paris');
    expect(event?.summary).toBe('Échange métier produit');
  });

  it('reads an iCloud cancel that says so only by METHOD', () => {
    const [event] = parseIcs(ics('icloud-cancel.ics'));
    expect(event).toMatchObject({ method: 'CANCEL', status: null, sequence: 2 });
    // TZID America/New_York without VTIMEZONE: found as an IANA name; 14:00 EST.
    expect(event?.start).toBe('2026-12-03T19:00:00.000Z');
  });

  it('reads RSVP replies with the attendee PARTSTAT', () => {
    const [accepted] = parseIcs(ics('reply-accepted.ics'));
    expect(accepted?.method).toBe('REPLY');
    expect(accepted?.attendees).toEqual([
      { address: 'anna@acme.com', name: 'Anna Berg', partstat: 'ACCEPTED' },
    ]);
    const [declined] = parseIcs(ics('reply-declined-windows-tzid.ics'));
    expect(declined?.attendees[0]?.partstat).toBe('DECLINED');
  });

  it('maps a Windows TZID without VTIMEZONE through windows-iana', () => {
    const [event] = parseIcs(ics('reply-declined-windows-tzid.ics'));
    expect(event?.timeZone).toBe('Europe/Berlin');
    expect(event?.start).toBe('2026-12-03T15:00:00.000Z');
  });

  it('places an IANA TZID without VTIMEZONE by the rules of that date', () => {
    const [event] = parseIcs(ics('tzid-without-vtimezone.ics'));
    // 5 Nov 2026 is after the US change of 1 Nov: PST, -08:00.
    expect(event?.start).toBe('2026-11-05T17:30:00.000Z');
    expect(event?.location).toBe('https://zoom.us/j/93456789012?pwd=abc123');
  });

  it('keeps all-day events as dates, with no shift east of UTC', () => {
    const [event] = parseIcs(ics('all-day-request.ics'));
    expect(event).toMatchObject({
      allDay: true,
      start: '2026-12-10',
      end: '2026-12-11',
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('reads a Google cancel with STATUS:CANCELLED', () => {
    const [event] = parseIcs(ics('google-cancel.ics'));
    expect(event).toMatchObject({
      method: 'CANCEL',
      status: 'CANCELLED',
      sequence: 2,
      timeZone: 'UTC',
    });
  });

  it('takes METHOD from the MIME part when the file has none', () => {
    const text = ics('reply-accepted.ics').replace('METHOD:REPLY\r\n', '');
    expect(parseIcs(text, 'reply')[0]?.method).toBe('REPLY');
    expect(parseIcs(text)[0]?.method).toBeNull();
  });

  it('throws BadInputError for text that is not iCalendar', () => {
    expect(() => parseIcs('hello')).toThrow(BadInputError);
  });
});

describe('parseCalendarParts', () => {
  it('skips a broken part and keeps the good one', () => {
    const events = parseCalendarParts([
      { method: 'REQUEST', ics: 'BEGIN:VCALENDAR\r\nBROKEN' },
      { method: 'REQUEST', ics: ics('google-request.ics') },
    ]);
    expect(events.map((e) => e.uid)).toEqual(['3k9d8f7g6h5j4k3l2m1n0p@google.com']);
  });
});

describe('ianaName', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['Romance Standard Time', 'Europe/Paris'],
    ['Eastern Standard Time', 'America/New_York'],
    ['/mozilla.org/20070129_1/Europe/Berlin', 'Europe/Berlin'],
    // A Windows display name stands for its first city IANA knows.
    ['(UTC+01:00) Amsterdam, Berlin, Bern', 'Europe/Amsterdam'],
    ['(UTC) Coordinated Universal Time', null],
  ])('%s → %s', (tzid, expected) => {
    expect(ianaName(tzid)).toBe(expected);
  });
});
