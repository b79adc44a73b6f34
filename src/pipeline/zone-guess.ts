import { IANAZone } from 'luxon';

/**
 * The IANA zone behind a bare UTC offset (a Date header's), for mail that
 * names no zone. Pure; kept apart from the date parsers so the main thread
 * can guess a contact's zone without loading chrono.
 */

// Zones tried, most-used first, to name the zone behind a bare UTC offset.
// Order matters where two share an offset at some time of year (London
// before Berlin: +01:00 in July is London, in January Berlin).
const ZONE_CANDIDATES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Halifax',
  'America/St_Johns',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'America/Bogota',
  'America/Mexico_City',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Helsinki',
  'Europe/Istanbul',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Tehran',
  'Asia/Karachi',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Adelaide',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Africa/Lagos',
  'Africa/Johannesburg',
  'Africa/Nairobi',
  'Atlantic/Azores',
  'UTC',
];

// The zone objects, made once: asking a zone for its offset is far cheaper
// than building a DateTime in it, which guessZone did per candidate.
const CANDIDATE_ZONES = ZONE_CANDIDATES.map((name) => ({ name, zone: IANAZone.create(name) }));

// Each zone's offsets in a year, sampled monthly: only zones that take the
// asked-for offset at some point that year are asked about the instant (one
// to three instead of up to 36 Intl lookups).
const offsetsInYear = new Map<number, Map<string, ReadonlySet<number>>>();

function zonesWithOffsetIn(year: number): Map<string, ReadonlySet<number>> {
  let byZone = offsetsInYear.get(year);
  if (!byZone) {
    byZone = new Map();
    for (const { name, zone } of CANDIDATE_ZONES) {
      const seen = new Set<number>();
      for (let month = 0; month < 12; month++) seen.add(zone.offset(Date.UTC(year, month, 15)));
      byZone.set(name, seen);
    }
    if (offsetsInYear.size >= 50) offsetsInYear.clear();
    offsetsInYear.set(year, byZone);
  }
  return byZone;
}

/** A plausible IANA zone for a UTC offset at an instant, or null when none has it. */
export function guessZone(offsetMinutes: number, at: Date): string | null {
  const ts = at.getTime();
  if (Number.isNaN(ts)) return null;
  const yearly = zonesWithOffsetIn(at.getUTCFullYear());
  const found = CANDIDATE_ZONES.find(
    ({ name, zone }) =>
      yearly.get(name)?.has(offsetMinutes) === true && zone.offset(ts) === offsetMinutes,
  );
  return found?.name ?? null;
}

/**
 * Whether `zone` is an IANA zone name ("Europe/Berlin", "UTC"): what a
 * contact's zone may be. Abbreviations and offsets ("EST", "+02:00") are
 * refused: they do not follow daylight saving.
 */
export function isIanaZone(zone: string): boolean {
  return /^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+|UTC)$/.test(zone) && knownZone(zone) !== null;
}

// Luxon's isValidZone builds a new Intl.DateTimeFormat on every call (about
// 130 µs here), and ingest asks several times per mail about the same few
// names: 7% of a plain reply's ingest went there. Names come from mail, so
// the memory is bounded rather than kept for every string ever seen.
const ZONE_MEMORY_SIZE = 512;
const zoneMemory = new Map<string, IANAZone | null>();

/** The zone IANA (as this Node's ICU knows it) has under `name`, or null. */
export function knownZone(name: string): IANAZone | null {
  const remembered = zoneMemory.get(name);
  if (remembered !== undefined) return remembered;
  const zone = IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
  if (zoneMemory.size >= ZONE_MEMORY_SIZE) zoneMemory.clear();
  zoneMemory.set(name, zone);
  return zone;
}
