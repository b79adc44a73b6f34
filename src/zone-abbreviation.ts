import type { IANAZone } from 'luxon';

// Each English locale knows its own region's abbreviations (NDT only en-CA, AEST only en-AU).
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-CA', 'en-AU', 'en-IN'];

/** The zone's short name at `ms` ("CEST", "EDT", "NDT"), or null when ICU only knows "GMT+2". */
export function zoneAbbreviation(zone: IANAZone, ms: number): string | null {
  return (
    ABBREVIATION_LOCALES.map((locale) => zone.offsetName(ms, { format: 'short', locale })).find(
      (n) => n && !/^(GMT|UTC)[+-]/.test(n),
    ) ?? null
  );
}
