import type { ImportRow } from './imported-person.js';
import { readPeopleCsv } from './read-people-csv.js';

// LinkedIn's Connections.csv starts with a few lines of notes (one of them a
// quoted, multi-line paragraph) before this header; columns are found by name
// so a reordered or extended export still reads.
const REQUIRED = ['first name', 'last name', 'url'];

/** Reads LinkedIn's "Connections.csv" export. */
export function readLinkedin(text: string): Iterable<ImportRow> {
  return readPeopleCsv(text, {
    delimiter: ',',
    isHeader: (cells) => {
      const names = cells.map((c) => c.trim().toLowerCase());
      return REQUIRED.every((r) => names.includes(r));
    },
    noHeaderMessage:
      'this is not a LinkedIn connections export: no header line "First Name,Last Name,URL,Email Address,Company,Position,Connected On" was found',
  });
}
