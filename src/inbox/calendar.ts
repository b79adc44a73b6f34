import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { findIana } from 'windows-iana';
import { BadInputError } from '../errors.js';
import { canonicalAddress } from '../pipeline/address.js';
import type { CalendarAttendee, CalendarEvent } from '../pipeline/calendar-event.js';
import type { CalendarPart } from '../pipeline/mail.js';
import { knownZone } from '../pipeline/zone-guess.js';

/**
 * Calendar parts → events, with ical.js. ical.js applies the file's own
 * VTIMEZONE block (RFC 5545), which is what makes Outlook's Windows zone
 * names come out right. A TZID with no VTIMEZONE is tried as an IANA name,
 * then as a Windows name (windows-iana); the server's own zone is never used.
 */

/** Every event in the mail's calendar parts; a part that does not parse is skipped. */
export function parseCalendarParts(parts: readonly CalendarPart[]): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  for (const part of parts) {
    try {
      events.push(...parseIcs(part.ics, part.method));
    } catch {
      // A broken invite is not worth losing the mail over; the rest of it still counts.
    }
  }
  return events;
}

/** The events of one iCalendar text; throws BadInputError when it is not iCalendar. */
export function parseIcs(ics: string, methodHint: string | null = null): CalendarEvent[] {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(unescapeGoogleCommas(ics)) as unknown[]);
  } catch (error) {
    throw new BadInputError('the calendar part is not valid iCalendar', { cause: error });
  }
  const calendars = root.name === 'vcalendar' ? [root] : root.getAllSubcomponents('vcalendar');
  const events: CalendarEvent[] = [];
  for (const calendar of calendars) {
    const method =
      textValue(calendar, 'method')?.toUpperCase() ?? methodHint?.toUpperCase() ?? null;
    const calendarZone = textValue(calendar, 'x-wr-timezone');
    const vevents = calendar.getAllSubcomponents('vevent');
    // The master event first: exceptions of a series (RECURRENCE-ID) come after it.
    vevents.sort(
      (a, b) => Number(a.hasProperty('recurrence-id')) - Number(b.hasProperty('recurrence-id')),
    );
    for (const vevent of vevents) {
      const event = readEvent(vevent, method, calendarZone);
      if (event) events.push(event);
    }
  }
  return events;
}

/**
 * Google writes `\\,` in LOCATION (an escaped backslash, then a bare comma);
 * read literally that leaves a backslash in every address.
 */
function unescapeGoogleCommas(ics: string): string {
  return ics.replace(/\\\\,/g, '\\,');
}

function textValue(component: ICAL.Component, name: string): string | null {
  const value = component.getFirstPropertyValue(name);
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

function readEvent(
  vevent: ICAL.Component,
  method: string | null,
  calendarZone: string | null,
): CalendarEvent | null {
  const startProp = vevent.getFirstProperty('dtstart');
  const uid = textValue(vevent, 'uid');
  if (!startProp || !uid) return null;
  const event = new ICAL.Event(vevent);
  const start = event.startDate;
  const allDay = start.isDate;
  const tzid = paramText(startProp, 'tzid');
  let end = event.endDate;
  if (!vevent.hasProperty('dtend') && !vevent.hasProperty('duration')) {
    // RFC 5545 3.6.1: no end means one day for a date, zero time for a date-time.
    end = start.clone();
    if (allDay) end.adjust(1, 0, 0, 0);
  }
  const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0);
  return {
    method,
    uid,
    sequence: Number.isFinite(sequence) ? sequence : 0,
    status: textValue(vevent, 'status')?.toUpperCase() ?? null,
    summary: textValue(vevent, 'summary'),
    allDay,
    start: allDay ? dateOnly(start) : instant(start, tzid ?? calendarZone),
    end: allDay
      ? dateOnly(end)
      : instant(end, paramText(vevent.getFirstProperty('dtend'), 'tzid') ?? tzid ?? calendarZone),
    timeZone: zoneName(tzid, start, calendarZone),
    location: textValue(vevent, 'location'),
    organizer: address(vevent.getFirstProperty('organizer')),
    attendees: vevent
      .getAllProperties('attendee')
      .map(attendee)
      .filter((a): a is CalendarAttendee => a !== null),
  };
}

function paramText(prop: ICAL.Property | null, name: string): string | null {
  if (!prop) return null;
  const value = prop.getParameter(name);
  if (value === undefined || value === null) return null;
  const text = (Array.isArray(value) ? value[0] : value)?.toString().trim() ?? '';
  return text === '' ? null : text;
}

function dateOnly(time: ICAL.Time): string {
  return `${pad(time.year, 4)}-${pad(time.month, 2)}-${pad(time.day, 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Whether ical.js found a real zone for this time (UTC, or the file's VTIMEZONE). */
function hasResolvedZone(time: ICAL.Time): boolean {
  const zone = time.zone;
  if (!zone) return false;
  if (zone === ICAL.Timezone.utcTimezone) return true;
  return zone !== ICAL.Timezone.localTimezone && zone.tzid !== 'floating';
}

/** The UTC instant of an event time, applying the fallback when ical.js had no zone. */
function instant(time: ICAL.Time, tzid: string | null): string {
  if (hasResolvedZone(time)) return new Date(time.toUnixTime() * 1000).toISOString();
  const wall = {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
  };
  const zone = tzid ? ianaName(tzid) : null;
  // A floating time is read in the calendar's own zone (X-WR-TIMEZONE) when it
  // names one; else, like an unknown zone, as UTC rather than as this
  // server's zone, so the result never depends on where kith runs.
  const placed = DateTime.fromObject(wall, { zone: zone ?? 'UTC' });
  return placed.toUTC().toISO({ suppressMilliseconds: false }) ?? '';
}

/** An IANA name for a TZID: itself if IANA knows it, else its Windows mapping, else null. */
export function ianaName(tzid: string): string | null {
  const cleaned = tzid.replace(/^"|"$/g, '').trim();
  if (knownZone(cleaned)) return cleaned;
  // Lightning/Mozilla-style prefixes: "/mozilla.org/20070129_1/Europe/Berlin".
  const tail = /([A-Za-z_]+\/[A-Za-z_+-]+(?:\/[A-Za-z_+-]+)?)$/.exec(cleaned)?.[1];
  if (tail && knownZone(tail)) return tail;
  const windows = findIana(cleaned)[0];
  return windows ?? displayNameZone(cleaned);
}

const REGIONS = [
  'Europe',
  'America',
  'Asia',
  'Africa',
  'Australia',
  'Pacific',
  'Atlantic',
  'Indian',
];

/**
 * Outlook and Teams sometimes name a zone by its Windows display name,
 * "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": the first
 * city IANA knows stands for it (the file's VTIMEZONE still gives the instant).
 */
function displayNameZone(tzid: string): string | null {
  const cities = /^\(UTC[^)]*\)\s*(.+)$/i.exec(tzid)?.[1];
  if (!cities) return null;
  for (const city of cities.split(',')) {
    const name = city.trim().replace(/\s+/g, '_');
    const zone = REGIONS.map((r) => `${r}/${name}`).find((z) => knownZone(z));
    if (zone) return zone;
  }
  return null;
}

/** The zone the organizer thinks in: the TZID, else the calendar's X-WR-TIMEZONE, else UTC for `Z` times. */
function zoneName(
  tzid: string | null,
  time: ICAL.Time,
  calendarZone: string | null,
): string | null {
  if (tzid) return ianaName(tzid);
  if (calendarZone) return ianaName(calendarZone);
  return time.zone === ICAL.Timezone.utcTimezone ? 'UTC' : null;
}

function address(prop: ICAL.Property | null): string | null {
  if (!prop) return null;
  const value = String(prop.getFirstValue() ?? '').trim();
  const match = /^(?:mailto:)?(.+@.+)$/i.exec(value);
  return match?.[1] ? canonicalAddress(match[1]) : null;
}

function attendee(prop: ICAL.Property): CalendarAttendee | null {
  const email = address(prop);
  if (!email) return null;
  return {
    address: email,
    name: paramText(prop, 'cn'),
    partstat: paramText(prop, 'partstat')?.toUpperCase() ?? null,
  };
}
