import { readFile } from 'node:fs/promises';
import { createContact, findContactByEmail } from '../db/contacts.js';
import type { Db } from '../db/database.js';
import {
  findImportMatch,
  knownAddresses,
  mergeIntoContact,
  setReferrerIfEmpty,
} from '../db/import-queries.js';
import { BadInputError } from '../errors.js';
import { decodeText } from './decode-text.js';
import { groupSamePeople } from './group-people.js';
import type { ImportedPerson, ImportRow } from './imported-person.js';
import { readContactsCsv } from './read-contacts-csv.js';
import { readLinkedin } from './read-linkedin.js';
import { readVcards } from './read-vcard.js';

export type ImportKind = 'linkedin' | 'csv' | 'vcard';

export interface ImportReport {
  readonly created: number;
  readonly merged: number;
  /** Rows that were skipped, by their line in the file (1-based, preamble included). */
  readonly errors: readonly { line: number; message: string }[];
}

export interface ImportOptions {
  /** For a progress bar: called with (0, total), after each person saved, and last with (total, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

const READERS: Record<ImportKind, (text: string) => ImportRow[]> = {
  linkedin: readLinkedin,
  csv: readContactsCsv,
  vcard: readVcards,
};

/** Imports a file of people as prospects; see importText. */
export async function importFile(
  db: Db,
  kind: ImportKind,
  file: string,
  now: Date,
  options: ImportOptions = {},
): Promise<ImportReport> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new BadInputError(`cannot read the import file ${file} (${reason})`, { cause: error });
  }
  return importText(db, kind, bytes, now, options);
}

/**
 * Imports people from a LinkedIn, CSV or vCard export, given as text or as
 * the uploaded bytes (UTF-8, UTF-16 with BOM, or Windows-1252). Each
 * person becomes a prospect, or is merged into the contact who has one of
 * their addresses or their LinkedIn URL (records of one file that share an
 * address or URL are one person). Every person is saved in a transaction of
 * its own, so a bad record is reported and skipped without losing any good
 * one, and the web UI stays responsive during a long import.
 */
export async function importText(
  db: Db,
  kind: ImportKind,
  content: string | Uint8Array,
  now: Date,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const at = now.toISOString();
  const text = typeof content === 'string' ? content : decodeText(content);
  const rows = await checkReferrers(db, READERS[kind](text));
  const errors = rows.flatMap((r) => ('error' in r ? [{ line: r.line, message: r.error }] : []));
  const groups = groupSamePeople(rows.flatMap((r) => ('person' in r ? [r] : [])));
  const referrals: { contactId: number; referrer: string }[] = [];
  let created = 0;
  let merged = 0;
  let done = 0;
  options.onProgress?.(done, rows.length);
  for (const { lines, person } of groups) {
    try {
      const saved = await savePerson(db, person, `import:${kind}`, at);
      // Every line of a person counts: the first may create, the others merge.
      created += saved.created ? 1 : 0;
      merged += lines.length - (saved.created ? 1 : 0);
      if (person.referredByEmail) {
        referrals.push({ contactId: saved.contactId, referrer: person.referredByEmail });
      }
    } catch (error) {
      const message = `could not be saved: ${(error as Error).message}`;
      errors.push(...lines.map((line) => ({ line, message })));
    }
    done += lines.length;
    options.onProgress?.(done, rows.length);
  }
  if (done < rows.length) options.onProgress?.(rows.length, rows.length);
  // After all rows, so a referrer may appear anywhere in the same file.
  for (const { contactId, referrer } of referrals) {
    const found = await findContactByEmail(db, referrer);
    if (found) await setReferrerIfEmpty(db, contactId, found.id, at);
  }
  return { created, merged, errors: errors.sort((a, b) => a.line - b.line) };
}

async function savePerson(
  db: Db,
  person: ImportedPerson,
  source: string,
  at: string,
): Promise<{ contactId: number; created: boolean }> {
  const existing = await findImportMatch(db, person);
  if (existing) {
    await mergeIntoContact(db, existing, person, at);
    return { contactId: existing.id, created: false };
  }
  const contact = await createContact(
    db,
    {
      name: person.name,
      emails: person.emails,
      company: person.company,
      title: person.title,
      linkedinUrl: person.linkedinUrl,
      source,
    },
    at,
  );
  return { contactId: contact.id, created: true };
}

/**
 * A referrer must be a known contact or someone in the same file; otherwise
 * the row is refused (and can be imported again once the address is fixed,
 * since a second import merges).
 */
async function checkReferrers(db: Db, rows: ImportRow[]): Promise<ImportRow[]> {
  const referrers = rows.flatMap((r) => ('person' in r && r.person.referredByEmail) || []);
  if (referrers.length === 0) return rows;
  const inFile = new Set(rows.flatMap((r) => ('person' in r ? r.person.emails : [])));
  const known = await knownAddresses(db, referrers);
  return rows.map((row) => {
    const referrer = 'person' in row ? row.person.referredByEmail : null;
    if (!referrer || inFile.has(referrer) || known.has(referrer)) return row;
    return { line: row.line, error: `referred by ${referrer}, but no contact has that address` };
  });
}
