import { type Db, inTransaction } from '../db/database.js';
import {
  deleteUntouchedContacts,
  type KeptReason,
  loadImportCandidates,
} from '../db/import-queries.js';

export interface UndoReport {
  /** Contacts the import created that are now gone. */
  readonly removed: number;
  /** Contacts it created that stay, by the first thing that happened to them since. */
  readonly kept: Readonly<Partial<Record<KeptReason, number>>>;
}

/** Contacts per transaction; the event loop is free between them, as during the import. */
const SLICE = 500;

/**
 * Takes back a web import: deletes the contacts it created that nothing has
 * happened to since (see loadImportCandidates), keeps the others, and says
 * how many were kept and why. Contacts it merged into are left as they are.
 * Each slice is checked and deleted in one transaction, so mail arriving
 * meanwhile keeps its contact.
 */
export async function undoImport(db: Db, importId: string): Promise<UndoReport> {
  const kept: Partial<Record<KeptReason, number>> = {};
  let removed = 0;
  let afterId = 0;
  for (;;) {
    const count = await inTransaction(db, async (trx) => {
      const page = await loadImportCandidates(trx, importId, { afterId, limit: SLICE });
      const untouched: number[] = [];
      for (const { contactId, kept: reason } of page) {
        if (reason) kept[reason] = (kept[reason] ?? 0) + 1;
        else untouched.push(contactId);
        afterId = contactId;
      }
      await deleteUntouchedContacts(trx, untouched);
      removed += untouched.length;
      return page.length;
    });
    if (count < SLICE) break;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { removed, kept };
}
