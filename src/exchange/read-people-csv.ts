import { BadInputError } from '../errors.js';
import { type CsvRecord, csvRecords } from './csv-records.js';
import { type ImportRow, type RawPerson, splitEmailList, toImportRow } from './imported-person.js';

type Field =
  | 'name'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'company'
  | 'title'
  | 'url'
  | 'referredBy';

/** Accepted header names, compared without case, spaces or punctuation. */
const HEADER_NAMES: Record<Field, readonly string[]> = {
  name: ['name', 'fullname', 'displayname', 'contactname'],
  firstName: ['firstname', 'givenname', 'first'],
  lastName: ['lastname', 'surname', 'familyname', 'last'],
  email: ['email', 'emails', 'emailaddress', 'emailaddresses', 'mail'],
  company: ['company', 'companyname', 'organization', 'organisation', 'org', 'employer'],
  title: ['title', 'jobtitle', 'position', 'role'],
  url: ['linkedin', 'linkedinurl', 'linkedinprofile', 'url', 'profileurl'],
  referredBy: ['referredby', 'referredbyemail', 'referrer', 'referreremail'],
};

const headerKey = (cell: string) => cell.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Column index of each field found in the header (first match wins). */
function mapHeader(cells: readonly string[]): Partial<Record<Field, number>> {
  const columns: Partial<Record<Field, number>> = {};
  cells.forEach((cell, index) => {
    const key = headerKey(cell);
    for (const [field, names] of Object.entries(HEADER_NAMES) as [Field, readonly string[]][]) {
      if (names.includes(key) && columns[field] === undefined) columns[field] = index;
    }
  });
  return columns;
}

function rawPerson(cells: readonly string[], columns: Partial<Record<Field, number>>): RawPerson {
  const cell = (field: Field) => {
    const index = columns[field];
    return index === undefined ? undefined : cells[index];
  };
  const name =
    cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ') || undefined;
  return {
    name,
    emails: splitEmailList(cell('email')),
    company: cell('company'),
    title: cell('title'),
    url: cell('url'),
    referredBy: cell('referredBy'),
  };
}

export interface PeopleCsvOptions {
  readonly delimiter: string;
  /** Which record is the header (by cells and index); records before it are a preamble. */
  readonly isHeader: (cells: readonly string[], index: number) => boolean;
  /** Said when no record is a header. */
  readonly noHeaderMessage: string;
}

/**
 * Reads a CSV of people with a header row: every record after the header
 * becomes a person or a reported error (with its line in the file). Rows
 * come one at a time, so a large file can be read in slices.
 */
export function* readPeopleCsv(text: string, options: PeopleCsvOptions): Generator<ImportRow> {
  let header: string[] | undefined;
  let columns: Partial<Record<Field, number>> = {};
  let index = 0;
  for (const record of csvRecords(text, options.delimiter)) {
    if (header) yield toRow(record, header.length, columns);
    else if ('cells' in record && options.isHeader(record.cells, index)) {
      header = record.cells;
      columns = mapHeader(header);
    }
    index += 1;
  }
  if (!header) throw new BadInputError(options.noHeaderMessage);
}

function toRow(
  record: CsvRecord,
  width: number,
  columns: Partial<Record<Field, number>>,
): ImportRow {
  if ('error' in record) return record;
  if (record.cells.length !== width) {
    return {
      line: record.line,
      error: `expected ${width} columns as in the header, found ${record.cells.length}`,
    };
  }
  return toImportRow(record.line, rawPerson(record.cells, columns));
}

/** True for a header naming at least a name, an address or a LinkedIn URL column. */
export function hasPersonColumns(cells: readonly string[]): boolean {
  const columns = mapHeader(cells);
  return (
    columns.name !== undefined ||
    columns.firstName !== undefined ||
    columns.lastName !== undefined ||
    columns.email !== undefined ||
    columns.url !== undefined
  );
}

/** Header names a generic CSV may use, for the error message. */
export const ACCEPTED_HEADERS =
  'name (or first name + last name), email, company, title, linkedin, referred by';
