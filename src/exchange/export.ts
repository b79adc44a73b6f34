import type { Db } from '../db/database.js';

export type ExportFormat = 'json' | 'csv' | 'vcard';

/** Placeholder until the export issue lands: an empty, valid JSON export. */
export async function exportContacts(_db: Db, _format: ExportFormat): Promise<string> {
  return JSON.stringify({ contacts: [] }, null, 2);
}
