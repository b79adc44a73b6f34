import { normalizeAddress, normalizeLinkedinUrl } from '../db/contacts.js';

/** One person as read from an import file, before it is matched to the database. */
export interface ImportedPerson {
  readonly name: string | null;
  readonly emails: readonly string[];
  readonly company: string | null;
  readonly title: string | null;
  readonly linkedinUrl: string | null;
  /** Address of the contact who referred this person (CSV only). */
  readonly referredByEmail: string | null;
}

/** One record of an import file: a person, or why the record cannot be used. */
export type ImportRow =
  | { readonly line: number; readonly person: ImportedPerson }
  | { readonly line: number; readonly error: string };

/** Raw text fields of one record, as the readers find them. */
export interface RawPerson {
  readonly name?: string | undefined;
  readonly emails?: readonly string[] | undefined;
  readonly company?: string | undefined;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  readonly referredBy?: string | undefined;
}

// Deliberately loose (RFC 5321 allows far more than any form does); it only
// catches what is plainly not an address: spaces, no @, no dot in the domain.
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:".]{2,}$/u;

/** True when `value` looks like a single mail address. */
export function isValidEmail(value: string): boolean {
  return EMAIL.test(value);
}

/**
 * Splits a cell that may hold several addresses (`a@x.org; b@y.org`), and
 * unwraps `Name <a@x.org>` and `mailto:` forms.
 */
export function splitEmailList(cell: string | undefined): string[] {
  if (!cell) return [];
  return cell
    .split(/[;,]/)
    .map((part) => {
      const bracketed = /<([^>]*)>/.exec(part);
      return (bracketed?.[1] ?? part).trim().replace(/^mailto:/i, '');
    })
    .filter((part) => part !== '');
}

const LINKEDIN_URL = /^(?:https?:\/\/)?((?:[a-z0-9-]+\.)*linkedin\.com)(?::\d+)?([/?#].*)?$/i;

/**
 * A LinkedIn profile URL in kith's normal form, or null when the value is
 * not a LinkedIn URL (a "url" column may hold someone's own web site).
 * Country hosts (de.linkedin.com) are the same profile as www.linkedin.com.
 */
export function toLinkedinUrl(value: string | undefined): string | null {
  const match = LINKEDIN_URL.exec(value?.trim() ?? '');
  if (!match) return null;
  return normalizeLinkedinUrl(`https://www.linkedin.com${match[2] ?? ''}`);
}

const clean = (value: string | undefined): string | null => {
  const trimmed = value?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed : null;
};

/** Turns raw fields into a person, or says why the record is unusable. */
export function toImportRow(line: number, raw: RawPerson): ImportRow {
  const emails: string[] = [];
  for (const address of raw.emails ?? []) {
    if (!isValidEmail(address)) return { line, error: `invalid email address "${address}"` };
    const normal = normalizeAddress(address);
    if (!emails.includes(normal)) emails.push(normal);
  }
  const referredBy = clean(raw.referredBy);
  if (referredBy && !isValidEmail(referredBy)) {
    return { line, error: `invalid referrer address "${referredBy}"` };
  }
  const person: ImportedPerson = {
    name: clean(raw.name),
    emails,
    company: clean(raw.company),
    title: clean(raw.title),
    linkedinUrl: toLinkedinUrl(raw.url),
    referredByEmail: referredBy ? normalizeAddress(referredBy) : null,
  };
  if (!person.name && emails.length === 0 && !person.linkedinUrl) {
    return { line, error: 'no name, email address or LinkedIn URL' };
  }
  return { line, person };
}
