import type { Db } from '../db/database.js';

export type ImportKind = 'linkedin' | 'csv' | 'vcard';

export interface ImportReport {
  readonly created: number;
  readonly merged: number;
  readonly errors: readonly { line: number; message: string }[];
}

/** Placeholder until the import work lands. */
export async function importFile(
  _db: Db,
  _kind: ImportKind,
  _file: string,
  _now: Date,
): Promise<ImportReport> {
  return { created: 0, merged: 0, errors: [] };
}
