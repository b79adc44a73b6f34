import { readFile } from 'node:fs/promises';
import { createContact, findContactByEmail } from '../db/contacts.js';
import { type Db, inTransaction } from '../db/database.js';
import {
  findImportMatch,
  knownAddresses,
  mergeIntoContact,
  recordImportCreated,
  setReferrerIfEmpty,
} from '../db/import-queries.js';
import { sql } from '../db/kysely.js';
import { BadInputError } from '../errors.js';
import { decodeText } from './decode-text.js';
import { groupSamePeople, type PersonGroup } from './group-people.js';
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

/** How far an import is, for a progress bar. */
export interface ImportProgress {
  /** 'reading' while the file is parsed, 'saving' while people are stored. */
  readonly phase: 'reading' | 'saving';
  /** Rows read so far. */
  readonly read: number;
  /** All rows in the file: an estimate (its line count) while reading, then exact. */
  readonly total: number;
  /** Rows saved or skipped so far. */
  readonly done: number;
  readonly created: number;
  readonly merged: number;
  readonly skipped: number;
}

export interface ImportOptions {
  /** For a progress bar: called between slices of work, and last when everything is saved. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Records the contacts this import creates under this id, so it can be undone (see undoImport). */
  readonly importId?: string;
}

const READERS: Record<ImportKind, (text: string) => Iterable<ImportRow>> = {
  linkedin: readLinkedin,
  csv: readContactsCsv,
  vcard: readVcards,
};

/**
 * Work is done in slices of at most this many rows or this many
 * milliseconds, with the event loop free in between: the web UI and the
 * scheduler share the process with an import of 50,000 rows.
 */
const SLICE_ROWS = 500;
const SLICE_MS = 15;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
 * address or URL are one person). The file is read, and people saved, in
 * slices (see SLICE_ROWS); each slice of people is one transaction in which
 * every person has a savepoint of their own, so a bad record is reported and
 * skipped without losing any good one.
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
  const counts = { read: 0, total: lineCount(text), done: 0, created: 0, merged: 0, skipped: 0 };
  const report = (phase: ImportProgress['phase']) => options.onProgress?.({ phase, ...counts });
  report('reading');
  const parsed: ImportRow[] = [];
  let sliceStart = performance.now();
  for (const row of READERS[kind](text)) {
    parsed.push(row);
    counts.read += 1;
    if (counts.read % SLICE_ROWS === 0 || performance.now() - sliceStart > SLICE_MS) {
      counts.total = Math.max(counts.total, counts.read);
      report('reading');
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  counts.total = parsed.length;
  const rows = await checkReferrers(db, parsed);
  const errors = rows.flatMap((r) => ('error' in r ? [{ line: r.line, message: r.error }] : []));
  counts.skipped = errors.length;
  counts.done = errors.length;
  report('saving');
  await nextTurn();
  const groups = groupSamePeople(rows.flatMap((r) => ('person' in r ? [r] : [])));
  const referrals: { contactId: number; referrer: string }[] = [];
  for (let i = 0; i < groups.length; ) {
    const started = performance.now();
    await inTransaction(db, async (trx) => {
      let rowsInSlice = 0;
      while (
        i < groups.length &&
        rowsInSlice < SLICE_ROWS &&
        performance.now() - started < SLICE_MS
      ) {
        const { lines, person } = groups[i] as PersonGroup;
        i += 1;
        rowsInSlice += lines.length;
        try {
          const saved = await withSavepoint(trx, () =>
            savePerson(trx, person, `import:${kind}`, at, options.importId),
          );
          // Every line of a person counts: the first may create, the others merge.
          counts.created += saved.created ? 1 : 0;
          counts.merged += lines.length - (saved.created ? 1 : 0);
          if (person.referredByEmail) {
            referrals.push({ contactId: saved.contactId, referrer: person.referredByEmail });
          }
        } catch (error) {
          const message = `could not be saved: ${(error as Error).message}`;
          errors.push(...lines.map((line) => ({ line, message })));
          counts.skipped += lines.length;
        }
        counts.done += lines.length;
      }
    });
    report('saving');
    await nextTurn();
  }
  // After all rows, so a referrer may appear anywhere in the same file.
  for (let i = 0; i < referrals.length; i += SLICE_ROWS) {
    await inTransaction(db, async (trx) => {
      for (const { contactId, referrer } of referrals.slice(i, i + SLICE_ROWS)) {
        const found = await findContactByEmail(trx, referrer);
        if (found) await setReferrerIfEmpty(trx, contactId, found.id, at);
      }
    });
    await nextTurn();
  }
  counts.done = counts.total;
  report('saving');
  return {
    created: counts.created,
    merged: counts.merged,
    errors: errors.sort((a, b) => a.line - b.line),
  };
}

/** Line breaks in the text: a quick first guess at its number of rows. */
function lineCount(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

/** Runs `work` so that its writes are undone alone when it throws (inside an open transaction). */
async function withSavepoint<T>(trx: Db, work: () => Promise<T>): Promise<T> {
  await sql`SAVEPOINT import_person`.execute(trx);
  try {
    const result = await work();
    await sql`RELEASE import_person`.execute(trx);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO import_person`.execute(trx);
    await sql`RELEASE import_person`.execute(trx);
    throw error;
  }
}

async function savePerson(
  db: Db,
  person: ImportedPerson,
  source: string,
  at: string,
  importId: string | undefined,
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
  if (importId) await recordImportCreated(db, importId, contact.id);
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
