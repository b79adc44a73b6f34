import { BadInputError } from '../errors.js';
import { guessDelimiter } from './csv-records.js';
import type { ImportRow } from './imported-person.js';
import { ACCEPTED_HEADERS, hasPersonColumns, readPeopleCsv } from './read-people-csv.js';

/** Reads a CSV whose first record is a header naming the columns. */
export function readContactsCsv(text: string): Iterable<ImportRow> {
  return readPeopleCsv(text, {
    delimiter: guessDelimiter(text),
    isHeader: (cells, index) => {
      if (index !== 0) return false;
      if (!hasPersonColumns(cells)) {
        throw new BadInputError(
          `the first line of the CSV must name its columns; none of them is a name, email or LinkedIn column (accepted: ${ACCEPTED_HEADERS})`,
        );
      }
      return true;
    },
    noHeaderMessage: `the CSV has no readable header line: its first line must name columns such as ${ACCEPTED_HEADERS}`,
  });
}
