import { stringify } from 'csv-stringify/sync';
import type { ExportDocument } from './export-document.js';

/** Columns of the CSV export; `emails` holds the live addresses joined with ";". */
const CSV_COLUMNS = [
  'id',
  'name',
  'emails',
  'deadEmails',
  'company',
  'title',
  'linkedinUrl',
  'source',
  'stage',
  'referredById',
  'referredByEmail',
  'cadenceDays',
] as const;

/** One row per contact. The referrer's address is included so that `kith import csv` keeps referrals. */
export function toCsv(doc: ExportDocument): string {
  const primary = new Map(
    doc.contacts.map((c) => [c.id, c.emails.find((e) => !e.dead)?.address ?? '']),
  );
  const rows = doc.contacts.map((c) => [
    c.id,
    c.name ?? '',
    c.emails
      .filter((e) => !e.dead)
      .map((e) => e.address)
      .join(';'),
    c.emails
      .filter((e) => e.dead)
      .map((e) => e.address)
      .join(';'),
    c.company ?? '',
    c.title ?? '',
    c.linkedinUrl ?? '',
    c.source,
    c.stage,
    c.referredBy ?? '',
    c.referredBy === null ? '' : (primary.get(c.referredBy) ?? ''),
    c.cadenceDays ?? '',
  ]);
  // Names and subjects come from other people's mail: a cell starting with
  // "=" or "+" must not run as a formula when the file is opened in a spreadsheet.
  return stringify(rows, {
    header: true,
    columns: [...CSV_COLUMNS],
    escape_formulas: true,
    record_delimiter: 'windows',
  });
}
