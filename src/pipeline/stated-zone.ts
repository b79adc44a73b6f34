import { IANAZone } from 'luxon';
import { knownZone } from './zone-guess.js';

/**
 * A time zone the words of a mail name next to a time: an abbreviation
 * ("3pm CET"), a place ("Berlin time", "heure de Paris", "hora de Madrid",
 * "deutscher Zeit"), an offset ("UTC+2", "+0530"), or whose clock it is
 * ("my time", "your time"). People name the zone when the two clocks
 * differ, so what they name beats the Date header's offset.
 */
export type StatedZone =
  | { readonly kind: 'zone'; readonly zone: string }
  /** "my time": the writer's own zone. */
  | { readonly kind: 'writer' }
  /** "your time": the zone of whoever reads the mail. */
  | { readonly kind: 'reader' };

// Abbreviations with one reading. Uppercase only: "et" is French for "and", "mt" a unit.
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  GMT: 'UTC',
  WET: 'Europe/Lisbon',
  WEST: 'Europe/Lisbon',
  CET: 'Europe/Berlin',
  CEST: 'Europe/Berlin',
  MEZ: 'Europe/Berlin',
  MESZ: 'Europe/Berlin',
  EET: 'Europe/Helsinki',
  EEST: 'Europe/Helsinki',
  MSK: 'Europe/Moscow',
  ET: 'America/New_York',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CT: 'America/Chicago',
  CDT: 'America/Chicago',
  MT: 'America/Denver',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  PT: 'America/Los_Angeles',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
  NST: 'America/St_Johns',
  NDT: 'America/St_Johns',
  ADT: 'America/Halifax',
  BRT: 'America/Sao_Paulo',
  ART: 'America/Argentina/Buenos_Aires',
  JST: 'Asia/Tokyo',
  KST: 'Asia/Seoul',
  SGT: 'Asia/Singapore',
  HKT: 'Asia/Hong_Kong',
  PKT: 'Asia/Karachi',
  NPT: 'Asia/Kathmandu',
  GST: 'Asia/Dubai',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
  ACST: 'Australia/Adelaide',
  ACDT: 'Australia/Adelaide',
  AWST: 'Australia/Perth',
  NZST: 'Pacific/Auckland',
  NZDT: 'Pacific/Auckland',
  SAST: 'Africa/Johannesburg',
  WAT: 'Africa/Lagos',
  EAT: 'Africa/Nairobi',
};

// Abbreviations several zones use: the readings in order, the first the
// usual one; the writer's UTC offset at the time of writing picks among them.
const AMBIGUOUS: Readonly<Record<string, readonly string[]>> = {
  IST: ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem'],
  BST: ['Europe/London', 'Asia/Dhaka'],
  CST: ['America/Chicago', 'Asia/Shanghai', 'America/Havana'],
  AST: ['America/Halifax', 'Asia/Riyadh'],
};

// Place names, lower-case, in the languages kith reads.
const PLACES: Readonly<Record<string, string>> = {
  berlin: 'Europe/Berlin',
  munich: 'Europe/Berlin',
  münchen: 'Europe/Berlin',
  hamburg: 'Europe/Berlin',
  frankfurt: 'Europe/Berlin',
  germany: 'Europe/Berlin',
  paris: 'Europe/Paris',
  france: 'Europe/Paris',
  london: 'Europe/London',
  londres: 'Europe/London',
  uk: 'Europe/London',
  dublin: 'Europe/Dublin',
  lisbon: 'Europe/Lisbon',
  lisboa: 'Europe/Lisbon',
  madrid: 'Europe/Madrid',
  barcelona: 'Europe/Madrid',
  spain: 'Europe/Madrid',
  españa: 'Europe/Madrid',
  rome: 'Europe/Rome',
  roma: 'Europe/Rome',
  amsterdam: 'Europe/Amsterdam',
  brussels: 'Europe/Brussels',
  bruxelles: 'Europe/Brussels',
  vienna: 'Europe/Vienna',
  wien: 'Europe/Vienna',
  zurich: 'Europe/Zurich',
  zürich: 'Europe/Zurich',
  stockholm: 'Europe/Stockholm',
  warsaw: 'Europe/Warsaw',
  athens: 'Europe/Athens',
  helsinki: 'Europe/Helsinki',
  istanbul: 'Europe/Istanbul',
  moscow: 'Europe/Moscow',
  'new york': 'America/New_York',
  'nueva york': 'America/New_York',
  nyc: 'America/New_York',
  boston: 'America/New_York',
  toronto: 'America/Toronto',
  montreal: 'America/Toronto',
  montréal: 'America/Toronto',
  chicago: 'America/Chicago',
  denver: 'America/Denver',
  'los angeles': 'America/Los_Angeles',
  'los ángeles': 'America/Los_Angeles',
  'san francisco': 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  vancouver: 'America/Vancouver',
  'mexico city': 'America/Mexico_City',
  'ciudad de méxico': 'America/Mexico_City',
  méxico: 'America/Mexico_City',
  bogotá: 'America/Bogota',
  bogota: 'America/Bogota',
  lima: 'America/Lima',
  'buenos aires': 'America/Argentina/Buenos_Aires',
  'são paulo': 'America/Sao_Paulo',
  'sao paulo': 'America/Sao_Paulo',
  halifax: 'America/Halifax',
  "st. john's": 'America/St_Johns',
  "st john's": 'America/St_Johns',
  newfoundland: 'America/St_Johns',
  tokyo: 'Asia/Tokyo',
  tokio: 'Asia/Tokyo',
  japan: 'Asia/Tokyo',
  seoul: 'Asia/Seoul',
  beijing: 'Asia/Shanghai',
  shanghai: 'Asia/Shanghai',
  'hong kong': 'Asia/Hong_Kong',
  singapore: 'Asia/Singapore',
  singapur: 'Asia/Singapore',
  singapour: 'Asia/Singapore',
  india: 'Asia/Kolkata',
  mumbai: 'Asia/Kolkata',
  delhi: 'Asia/Kolkata',
  bangalore: 'Asia/Kolkata',
  bengaluru: 'Asia/Kolkata',
  kolkata: 'Asia/Kolkata',
  dubai: 'Asia/Dubai',
  'tel aviv': 'Asia/Jerusalem',
  sydney: 'Australia/Sydney',
  melbourne: 'Australia/Melbourne',
  auckland: 'Pacific/Auckland',
  kathmandu: 'Asia/Kathmandu',
  cairo: 'Africa/Cairo',
  lagos: 'Africa/Lagos',
  nairobi: 'Africa/Nairobi',
  johannesburg: 'Africa/Johannesburg',
};

// Adjectives and region words that name a zone ("deutscher Zeit", "Pacific").
const REGIONS: readonly [RegExp, string][] = [
  [/\bcentral europe(?:an)? (?:summer |standard )?time\b/i, 'Europe/Berlin'],
  [/\beastern europe(?:an)? (?:summer |standard )?time\b/i, 'Europe/Helsinki'],
  [/\b(?:us )?pacific(?: (?:standard |daylight )?time)?\b/i, 'America/Los_Angeles'],
  [/\b(?:us )?eastern(?: (?:standard |daylight )?time)?\b/i, 'America/New_York'],
  [/\b(?:us )?central (?:standard |daylight )?time\b/i, 'America/Chicago'],
  [/\b(?:us )?mountain (?:standard |daylight )?time\b/i, 'America/Denver'],
  [/\bdeutsche[rn]? zeit\b/i, 'Europe/Berlin'],
  [/\bheure (?:française|de france|de paris)\b/i, 'Europe/Paris'],
  [/\bheure (?:de )?(?:londres|anglaise)\b/i, 'Europe/London'],
  [/\bhora (?:española|peninsular|de españa)\b/i, 'Europe/Madrid'],
  [/\bhora (?:de )?(?:méxico|mexicana|del centro)\b/i, 'America/Mexico_City'],
  [/\bhora argentina\b/i, 'America/Argentina/Buenos_Aires'],
  [/\bhora (?:de )?colombia(?:na)?\b/i, 'America/Bogota'],
];

// "my time" / "your time" in English, French, German and Spanish.
const WRITER =
  /\b(?:my (?:local )?time(?: ?zone)?|(?:à |a )?mon heure(?: locale)?|heure locale|meiner (?:zeit|ortszeit)|meine (?:zeit|ortszeit)|mi hora(?: local)?|hora local)\b/i;
const READER =
  /\b(?:your (?:local )?time(?: ?zone)?|yours|(?:à |a )?(?:votre|ton) heure(?: locale)?|(?:ihrer|deiner|eurer) (?:zeit|ortszeit)|(?:tu|su) hora(?: local)?)\b/i;

// "UTC+2", "GMT-5", "UTC +05:30", "UTC+5.5".
const NAMED_OFFSET = /\b(?:UTC|GMT)\s?([+-−])\s?(\d{1,2})(?:[:.]?(\d{2})|\.(5))?(?!\d)/i;
// A bare "+0530" or "-05:00" right after a time.
const BARE_OFFSET = /^\s*\(?([+-−])(\d{2}):?(\d{2})\b/;
const ABBREVIATION = /(?<![\p{L}\d])([A-Z]{2,5})(?![\p{L}\d])/gu;
// "Berlin time", "time in Berlin", "heure de Paris", "hora de Madrid", "Berliner Zeit".
const PLACE_PHRASE =
  /(?:([\p{L}][\p{L}.' ]{1,22}?)\s+time\b|\btime in\s+([\p{L}][\p{L}.' ]{1,22})|\b(?:heure|hora)\s+(?:de|d'|del)\s*([\p{L}][\p{L}.' ]{1,22})|([\p{L}]{3,20})er\s+(?:zeit|ortszeit)\b|\b(?:zeit|ortszeit)\s+in\s+([\p{L}][\p{L}. ]{1,22}))/giu;

const PLACE_ANCHOR = /time|heure|hora|zeit/i;

function fixedZone(sign: string, hours: number, minutes: number): string | null {
  if (hours > 14 || minutes > 59) return null;
  if (hours === 0 && minutes === 0) return 'UTC';
  const s = sign === '+' ? '+' : '-';
  return `UTC${s}${hours}${minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`}`;
}

/** The reading of an ambiguous abbreviation whose offset the writer had when writing. */
function byWriterOffset(readings: readonly string[], offset: number | null, at: Date): string {
  if (offset !== null) {
    const fits = readings.find((zone) => IANAZone.create(zone).offset(at.getTime()) === offset);
    if (fits) return fits;
  }
  return readings[0] as string;
}

function placeZone(name: string): string | null {
  const words = name.trim().toLowerCase().split(/\s+/);
  // The longest run of words that names a place: "pm Berlin" → "berlin", "Madrid y luego" → "madrid".
  for (let size = words.length; size > 0; size--) {
    for (let i = 0; i + size <= words.length; i++) {
      const zone = PLACES[words.slice(i, i + size).join(' ')];
      if (zone) return zone;
    }
  }
  return null;
}

// "14:00 -05:00", "10am +0530": a sign right before the digits, a space after the time
// (so a range "10:00-12:00" or "10:00 - 11:00" is no offset).
const OFFSET_AFTER_TIME = /\d(?:\s?[ap]\.?m\.?)?\s+\(?([+-−])([01]\d):?([0-5]\d)(?![\d:])/i;

/** An offset written right after a clock time in `text` ("14:00 -05:00", "10am +0530"), or null. */
export function offsetAfterTime(text: string): StatedZone | null {
  const bare = OFFSET_AFTER_TIME.exec(text);
  if (!bare) return null;
  const zone = fixedZone(bare[1] as string, Number(bare[2]), Number(bare[3]));
  return zone ? { kind: 'zone', zone } : null;
}

export interface WriterClock {
  /** The writer's UTC offset in minutes from the Date header, null if unknown. */
  readonly offsetMinutes: number | null;
  /** When the mail was written. */
  readonly at: Date;
}

/** The zone `text` names, or null. `text` is the words around one time, not a whole mail. */
export function findStatedZone(text: string, writer: WriterClock): StatedZone | null {
  const bare = BARE_OFFSET.exec(text);
  if (bare) {
    const zone = fixedZone(bare[1] as string, Number(bare[2]), Number(bare[3]));
    if (zone) return { kind: 'zone', zone };
  }
  const offset = NAMED_OFFSET.exec(text);
  if (offset) {
    const minutes = offset[4] ? 30 : Number(offset[3] ?? 0);
    const zone = fixedZone(offset[1] as string, Number(offset[2]), minutes);
    if (zone) return { kind: 'zone', zone };
  }
  // "3pm my time (9am yours)": the mention nearest after the time is its own.
  const reader = text.search(READER);
  const writerAt = text.search(WRITER);
  if (reader >= 0 && (writerAt < 0 || reader < writerAt)) return { kind: 'reader' };
  if (writerAt >= 0) return { kind: 'writer' };
  for (const [pattern, zone] of REGIONS) if (pattern.test(text)) return { kind: 'zone', zone };
  // The place pattern is the costly one; most text has none of its anchor words.
  const placeWords = PLACE_ANCHOR.test(text);
  for (const match of placeWords ? text.matchAll(PLACE_PHRASE) : []) {
    const name = match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5] ?? '';
    const zone = placeZone(name);
    if (zone) return { kind: 'zone', zone };
  }
  const iana = /\b([A-Z][a-z]+\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?)\b/.exec(text);
  if (iana && knownZone(iana[1] as string)) return { kind: 'zone', zone: iana[1] as string };
  for (const match of text.matchAll(ABBREVIATION)) {
    const word = match[1] as string;
    const one = ABBREVIATIONS[word];
    if (one) return { kind: 'zone', zone: one };
    const several = AMBIGUOUS[word];
    if (several)
      return { kind: 'zone', zone: byWriterOffset(several, writer.offsetMinutes, writer.at) };
  }
  return null;
}
