import { normalizeLinkedinUrl } from '../db/contacts.js';
import { BadInputError } from '../errors.js';

/**
 * The longest text kith takes in each field a person types, on a page or
 * through the JSON API alike: the web actions check these, and the API's
 * schemas leave length to the actions, so both refuse the same input with
 * the same words.
 */
export const FIELD_LIMITS = {
  name: 200,
  company: 200,
  title: 200,
  linkedinUrl: 500,
  place: 500,
  how: 2_000,
  advice: 5_000,
  note: 20_000,
  /** A move's reason is cut here rather than refused: it only labels the stage event. */
  moveReason: 200,
  zone: 64,
  /** RFC 5321's longest address (64 + 1 + 255). */
  address: 320,
  addressesAtOnce: 20,
  /** `#12`, an address or a name: as long as the longest of those. */
  contactRef: 320,
} as const;

/** The text, or null when empty; refused when longer than `max`. */
export function limitedText(text: string, max: number, what: string): string | null {
  if (text.length > max)
    throw new BadInputError(
      `${what} is too long (at most ${max.toLocaleString('en')} characters).`,
    );
  return text === '' ? null : text;
}

/** A LinkedIn profile URL as typed (the scheme may be left out), normalised; null when empty. */
export function linkedinUrlField(raw: string | null | undefined): string | null {
  const url = limitedText((raw ?? '').trim(), FIELD_LIMITS.linkedinUrl, 'The LinkedIn URL');
  if (url === null) return null;
  if (!/^(https?:\/\/)?([a-z0-9-]+\.)*linkedin\.com\//i.test(url))
    throw new BadInputError('The LinkedIn URL must look like https://www.linkedin.com/in/…');
  return normalizeLinkedinUrl(url.startsWith('http') ? url : `https://${url}`);
}
