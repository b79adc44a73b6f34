import ICAL from 'ical.js';
import { DateTime, type IANAZone } from 'luxon';
import { knownZone } from '../pipeline/zone-guess.js';

/**
 * Meeting times in the calendar feed with their zone (RFC 5545 TZID) and
 * the VTIMEZONE each TZID needs, so a calendar shows "14:00 Los Angeles"
 * for what was agreed as such, and keeps it right if the owner travels.
 * The VTIMEZONE lists the zone's actual offset changes around the meetings
 * (luxon knows them from the system's zone data); a zone kith cannot name
 * (a fixed "UTC+2") is written in UTC instead.
 */

const DAY = 86_400_000;
const YEAR = 366 * DAY;

function ianaZone(name: string): IANAZone | null {
  return /\//.test(name) ? knownZone(name) : null;
}

/** "+05:30": ical.js takes a UTC offset in its jCal form (it writes "+0530"). */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function floating(local: DateTime): ICAL.Time {
  return ICAL.Time.fromData({
    year: local.year,
    month: local.month,
    day: local.day,
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    isDate: false,
  });
}

/**
 * The instants in [from, to) where the zone's offset changes: found day by
 * day (no zone changes twice in a day), then to the minute by halving.
 */
function transitions(zone: IANAZone, from: number, to: number): number[] {
  const found: number[] = [];
  let before = zone.offset(from);
  for (let t = from + DAY; t < to; t += DAY) {
    const now = zone.offset(t);
    if (now === before) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (mid === lo) break;
      if (zone.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    found.push(hi);
    before = now;
  }
  return found;
}

/** A VTIMEZONE for `name` covering a year either side of the meetings' span. */
function vtimezone(name: string, zone: IANAZone, first: number, last: number): ICAL.Component {
  const tz = new ICAL.Component('vtimezone');
  tz.addPropertyWithValue('tzid', name);
  const from = first - YEAR;
  const changes = transitions(zone, from, last + YEAR);
  const observance = (at: number, offsetFrom: number) => {
    const offsetTo = zone.offset(at);
    const year = new Date(at).getUTCFullYear();
    // Standard time is the lesser of a year's offsets, north or south of the equator.
    const standardOffset = Math.min(
      zone.offset(Date.UTC(year, 0, 15)),
      zone.offset(Date.UTC(year, 6, 15)),
    );
    const standard = offsetTo <= standardOffset;
    const part = new ICAL.Component(standard ? 'standard' : 'daylight');
    // DTSTART of an observance is the local time before the change (RFC 5545 3.6.5).
    const local = DateTime.fromMillis(at, { zone: 'utc' }).plus({ minutes: offsetFrom });
    part.addPropertyWithValue('dtstart', floating(local));
    part.addPropertyWithValue('tzoffsetfrom', offsetText(offsetFrom));
    part.addPropertyWithValue('tzoffsetto', offsetText(offsetTo));
    tz.addSubcomponent(part);
  };
  observance(from, zone.offset(from));
  for (const at of changes) observance(at, zone.offset(at - 60_000));
  return tz;
}

/** Sets DTSTART/DTEND in the meeting's zone when it is an IANA zone, else in UTC. */
export function setZonedTimes(
  event: ICAL.Component,
  start: string,
  end: string,
  zoneName: string,
): void {
  const zone = ianaZone(zoneName);
  for (const [name, iso] of [
    ['dtstart', start],
    ['dtend', end],
  ] as const) {
    const property = new ICAL.Property(name);
    if (zone) {
      property.setParameter('tzid', zoneName);
      property.setValue(floating(DateTime.fromISO(iso, { zone: 'utc' }).setZone(zoneName)));
    } else {
      property.setValue(ICAL.Time.fromJSDate(new Date(iso), true));
    }
    event.addProperty(property);
  }
}

/** VTIMEZONE components for the IANA zones among `meetings`. */
export function timeZoneComponents(
  meetings: readonly { readonly starts_at: string; readonly time_zone: string }[],
): ICAL.Component[] {
  const spans = new Map<string, { first: number; last: number }>();
  for (const m of meetings) {
    if (!ianaZone(m.time_zone)) continue;
    const at = Date.parse(m.starts_at);
    const span = spans.get(m.time_zone);
    spans.set(
      m.time_zone,
      span
        ? { first: Math.min(span.first, at), last: Math.max(span.last, at) }
        : { first: at, last: at },
    );
  }
  return [...spans].map(([name, { first, last }]) =>
    vtimezone(name, ianaZone(name) as IANAZone, first, last),
  );
}
