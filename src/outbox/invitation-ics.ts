import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';
import { zoneAbbreviation } from '../zone-abbreviation.js';

/**
 * Writes an iTIP object (RFC 5546) for a meeting kith invites a contact to:
 * METHOD:REQUEST (new or moved, SEQUENCE counting the changes) or CANCEL,
 * the owner as ORGANIZER, the contact as ATTENDEE asked to answer. Times
 * carry the meeting's TZID with a VTIMEZONE built from luxon's offsets, so a
 * calendar shows the meeting at the same instant whatever its own tz data.
 */

export interface InvitationFacts {
  readonly method: 'REQUEST' | 'CANCEL';
  readonly uid: string;
  readonly sequence: number;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly timeZone: string;
  readonly summary: string;
  readonly location: string | null;
  readonly organizer: { readonly name: string | null; readonly address: string };
  readonly attendee: { readonly name: string | null; readonly address: string };
  /** DTSTAMP: when kith wrote it. */
  readonly stamp: Date;
}

const DAY = 86_400_000;

/** The instants within [from, to) where `zone` changes its offset, to the minute. */
function transitions(zone: IANAZone, from: number, to: number): number[] {
  const found: number[] = [];
  for (let t = from; t < to; t += DAY) {
    if (zone.offset(t) === zone.offset(t + DAY)) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (zone.offset(mid) === zone.offset(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

function localTime(ms: number, offsetMinutes: number): ICAL.Time {
  const d = new Date(ms + offsetMinutes * 60_000);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: 0,
    isDate: false,
  });
}

function offsetName(zone: IANAZone, ms: number): string {
  return (
    zoneAbbreviation(zone, ms) ??
    zone.offsetName(ms, { format: 'short', locale: 'en-US' }) ??
    zone.name
  );
}

/**
 * A VTIMEZONE for the year around `at`: the offset in force at its start,
 * then each switch, every observance with its own DTSTART (no RRULE needed).
 */
function vtimezone(zoneName: string, at: number): ICAL.Component {
  const zone = IANAZone.create(zoneName);
  const from = at - 183 * DAY;
  const tz = new ICAL.Component('vtimezone');
  tz.addPropertyWithValue('tzid', zoneName);
  const observance = (ms: number, before: number, after: number) => {
    const dst = DateTime.fromMillis(ms + 60_000, { zone: zoneName }).isInDST;
    const part = new ICAL.Component(dst ? 'daylight' : 'standard');
    part.addPropertyWithValue('dtstart', localTime(ms, before));
    part.addPropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromSeconds(before * 60));
    part.addPropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromSeconds(after * 60));
    part.addPropertyWithValue('tzname', offsetName(zone, ms + 60_000));
    tz.addSubcomponent(part);
  };
  const first = zone.offset(from);
  observance(from, first, first);
  for (const t of transitions(zone, from, at + 183 * DAY)) {
    observance(t, zone.offset(t - 60_000), zone.offset(t));
  }
  return tz;
}

function zonedProperty(name: string, iso: string, zoneName: string): ICAL.Property {
  const prop = new ICAL.Property(name);
  const ms = Date.parse(iso);
  const offset = IANAZone.create(zoneName).offset(ms);
  prop.setParameter('tzid', zoneName);
  prop.setValue(localTime(ms, offset));
  return prop;
}

function person(name: string, who: { name: string | null; address: string }): ICAL.Property {
  const prop = new ICAL.Property(name);
  prop.setValue(`mailto:${who.address}`);
  if (who.name) prop.setParameter('cn', who.name);
  return prop;
}

/** The .ics text, CRLF line endings, as mail carries it. */
export function buildInvitationIcs(f: InvitationFacts): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.addPropertyWithValue('prodid', '-//kith//meeting invitations//EN');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('calscale', 'GREGORIAN');
  cal.addPropertyWithValue('method', f.method);
  const utc = f.timeZone === 'UTC' || f.timeZone === 'Etc/UTC';
  if (!utc) cal.addSubcomponent(vtimezone(f.timeZone, Date.parse(f.startsAt)));
  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', f.uid);
  event.addPropertyWithValue('sequence', f.sequence);
  event.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(f.stamp, true));
  if (utc) {
    event.addPropertyWithValue('dtstart', ICAL.Time.fromJSDate(new Date(f.startsAt), true));
    event.addPropertyWithValue('dtend', ICAL.Time.fromJSDate(new Date(f.endsAt), true));
  } else {
    event.addProperty(zonedProperty('dtstart', f.startsAt, f.timeZone));
    event.addProperty(zonedProperty('dtend', f.endsAt, f.timeZone));
  }
  event.addPropertyWithValue('summary', f.summary);
  if (f.location) {
    event.addPropertyWithValue('location', f.location);
    if (/^https?:\/\//i.test(f.location)) event.addPropertyWithValue('url', f.location);
  }
  event.addPropertyWithValue('status', f.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
  event.addProperty(person('organizer', f.organizer));
  const attendee = person('attendee', f.attendee);
  attendee.setParameter('role', 'REQ-PARTICIPANT');
  attendee.setParameter('partstat', 'NEEDS-ACTION');
  attendee.setParameter('rsvp', 'TRUE');
  event.addProperty(attendee);
  cal.addSubcomponent(event);
  return `${cal.toString().replace(/\r?\n/g, '\r\n')}\r\n`;
}

/**
 * One line for the owner's approval request saying what the draft carries:
 * "a calendar invitation (invite.ics): Thu 10 Dec 2026, 15:00–15:30
 * Europe/Berlin · https://meet…".
 */
export function describeCalendarIcs(ics: string): string {
  try {
    const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    const method = String(cal.getFirstPropertyValue('method') ?? 'REQUEST').toUpperCase();
    const event = cal.getFirstSubcomponent('vevent');
    const start = event?.getFirstProperty('dtstart');
    const end = event?.getFirstProperty('dtend');
    const zone = String(start?.getParameter('tzid') ?? 'UTC');
    const wall = (p: ICAL.Property | null | undefined) => {
      const t = p?.getFirstValue() as ICAL.Time | undefined;
      return t
        ? DateTime.fromObject({
            year: t.year,
            month: t.month,
            day: t.day,
            hour: t.hour,
            minute: t.minute,
          })
        : null;
    };
    const from = wall(start);
    const to = wall(end);
    const when = from
      ? `${from.setLocale('en-GB').toFormat('ccc d LLL yyyy, HH:mm')}${to ? `–${to.toFormat('HH:mm')}` : ''} ${zone}`
      : 'no time';
    const location = event?.getFirstPropertyValue('location');
    const where = location ? ` · ${String(location)}` : '';
    const sequence = Number(event?.getFirstPropertyValue('sequence') ?? 0);
    if (method === 'CANCEL') return `a calendar cancellation (cancel.ics) of ${when}${where}`;
    const what = sequence > 0 ? 'an updated calendar invitation' : 'a calendar invitation';
    return `${what} (invite.ics): ${when}${where}`;
  } catch {
    return 'a calendar file (.ics)';
  }
}
