import { DateTime } from 'luxon';

/**
 * A meeting time for the owner, on both clocks when they differ:
 * "Thu 5 Nov, 17:00 your time (14:00 in Los Angeles, Priya's time)".
 * Calls across zones are where people turn up three hours early; seeing
 * the other clock next to one's own is how they notice. One wording for
 * mail and pages alike.
 */

/** "Los Angeles" for America/Los_Angeles; a fixed offset stays as it is ("UTC+2"). */
function zoneCity(zone: string): string {
  return zone.includes('/') ? (zone.split('/').pop() as string).replace(/_/g, ' ') : zone;
}

function possessive(name: string | null | undefined): string {
  const first = (name ?? '').trim().split(/\s+/)[0] ?? '';
  if (first === '') return 'their';
  return first.endsWith('s') ? `${first}'` : `${first}'s`;
}

function zoned(instant: string, zone: string): DateTime | null {
  const at = DateTime.fromISO(instant, { zone: 'utc' });
  if (!at.isValid) return null;
  const local = at.setZone(zone);
  return local.isValid ? local.setLocale('en-GB') : null;
}

/**
 * The instant on the owner's clock, and on the contact's when the contact's
 * zone is known and shows another time then. A bad instant comes back as
 * given; an unknown contact zone is left out rather than guessed.
 */
export function bothClocks(
  instant: string,
  ownerZone: string,
  contactZone: string | null | undefined,
  contactName?: string | null,
  options: { readonly year?: boolean } = {},
): string {
  const mine = zoned(instant, ownerZone);
  if (!mine) return instant;
  // Pages list past meetings too: there the year is part of the day.
  const own = `${mine.toFormat(options.year ? 'ccc d LLL yyyy, HH:mm' : 'ccc d LLL, HH:mm')} your time`;
  const theirs = contactZone ? zoned(instant, contactZone) : null;
  if (!theirs || theirs.offset === mine.offset) return own;
  const sameDay = theirs.toISODate() === mine.toISODate();
  const clock = theirs.toFormat(sameDay ? 'HH:mm' : 'ccc d LLL, HH:mm');
  return `${own} (${clock} in ${zoneCity(contactZone as string)}, ${possessive(contactName)} time)`;
}
