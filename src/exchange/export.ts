import type { Db } from '../db/database.js';
import { loadExportRows } from '../db/export-queries.js';
import { toCsv } from './export-csv.js';
import { buildExportDocument } from './export-document.js';
import { toVcards } from './export-vcard.js';

export type ExportFormat = 'json' | 'csv' | 'vcard';

/**
 * Every contact in one of three formats, without a final line break. The
 * same data always gives the same bytes (contacts by id, lists by time then id).
 */
export async function exportContacts(db: Db, format: ExportFormat): Promise<string> {
  const doc = buildExportDocument(await loadExportRows(db));
  switch (format) {
    case 'json':
      return JSON.stringify(doc, null, 2);
    case 'csv':
      return toCsv(doc).replace(/\r\n$/, '');
    case 'vcard':
      return toVcards(doc);
  }
}
