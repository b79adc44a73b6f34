import { parse } from 'csv-parse/sync';

/** One CSV record: the line it starts on (1-based, in the whole file) and its cells or error. */
export type CsvRecord =
  | { readonly line: number; readonly cells: string[] }
  | { readonly line: number; readonly error: string };

interface Scan {
  /** Index just past the record's text (before its line break). */
  readonly end: number;
  /** Index where the next record starts. */
  readonly next: number;
  /** Line breaks inside the record and after it. */
  readonly breaks: number;
  readonly unclosed: boolean;
}

const isBreak = (ch: string | undefined) => ch === '\n' || ch === '\r';
const breakLength = (text: string, i: number) => (text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1);

/**
 * Finds where the record starting at `start` ends: at the first line break
 * outside a quoted field (RFC 4180: a quote opens a field only at its start,
 * and "" inside a quoted field is a literal quote).
 */
function scanRecord(text: string, start: number, delimiter: string): Scan {
  let i = start;
  let breaks = 0;
  let inQuotes = false;
  let fieldStart = true;
  while (i < text.length) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') i += 2;
        else {
          inQuotes = false;
          i += 1;
        }
      } else if (isBreak(ch)) {
        breaks += 1;
        i += breakLength(text, i);
      } else i += 1;
    } else if (isBreak(ch)) {
      return { end: i, next: i + breakLength(text, i), breaks: breaks + 1, unclosed: false };
    } else {
      if (ch === '"' && fieldStart) inQuotes = true;
      fieldStart = ch === delimiter;
      i += 1;
    }
  }
  return { end: i, next: i, breaks, unclosed: inQuotes };
}

/** The index just past the first line break at or after `start`. */
function nextLine(text: string, start: number): number {
  let i = start;
  while (i < text.length && !isBreak(text[i])) i += 1;
  return i < text.length ? i + breakLength(text, i) : i;
}

const PARSE_OPTIONS = (delimiter: string) => ({
  delimiter,
  relax_quotes: true,
  relax_column_count: true,
  trim: true,
});

/** Parses one record's text with csv-parse; throws its error for a malformed record. */
function parseRecord(raw: string, delimiter: string): string[] {
  const records = parse(raw, PARSE_OPTIONS(delimiter)) as string[][];
  if (records.length !== 1 || !records[0]) throw new Error('not a single CSV record');
  return records[0];
}

/**
 * Splits CSV text into records, each with the file line it starts on, and
 * parses each one on its own with csv-parse. Splitting first is what lets a
 * malformed record (a stray quote) be reported by its line and skipped while
 * every other record is kept; csv-parse alone recovers by dropping the
 * records after the error, and miscounts lines inside quoted CRLF fields.
 * Blank records and records whose cells are all empty are left out.
 */
export function readCsvRecords(text: string, delimiter = ','): CsvRecord[] {
  return [...csvRecords(text, delimiter)];
}

/** readCsvRecords, a batch at a time, so a large file can be read in slices between other work. */
export function* csvRecords(text: string, delimiter = ','): Generator<CsvRecord> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let pending: { line: number; raw: string }[] = [];
  function* flush() {
    for (const record of parseBatch(pending, delimiter)) {
      if (!('cells' in record) || record.cells.some((cell) => cell !== '')) yield record;
    }
    pending = [];
  }
  let at = 0;
  let line = 1;
  while (at < body.length) {
    const scan = scanRecord(body, at, delimiter);
    if (scan.unclosed) {
      // A quote that never closes would swallow the rest of the file: report
      // the record's first line and carry on with the line after it.
      yield* flush();
      yield { line, error: 'a quoted field is never closed' };
      at = nextLine(body, at);
      line += 1;
      continue;
    }
    const raw = body.slice(at, scan.end);
    if (raw.trim() !== '') pending.push({ line, raw });
    if (pending.length >= BATCH) yield* flush();
    at = scan.next;
    line += scan.breaks;
  }
  yield* flush();
}

/** Records handed to csv-parse at once: one call per record cost most of a large import's reading time. */
const BATCH = 500;

/**
 * Parses already split records in one csv-parse call; when that call fails
 * or does not give one row per record, each record is parsed on its own so
 * the malformed one is reported by its line and the others are kept.
 */
function parseBatch(
  batch: readonly { line: number; raw: string }[],
  delimiter: string,
): CsvRecord[] {
  if (batch.length === 0) return [];
  try {
    const rows = parse(batch.map((r) => r.raw).join('\n'), PARSE_OPTIONS(delimiter)) as string[][];
    if (rows.length === batch.length)
      return batch.map((r, i) => ({ line: r.line, cells: rows[i] ?? [] }));
  } catch {
    // One record is malformed: find it below.
  }
  return batch.map(({ line, raw }) => {
    try {
      return { line, cells: parseRecord(raw, delimiter) };
    } catch (error) {
      return { line, error: csvErrorMessage(error) };
    }
  });
}

/** csv-parse's messages name its own (wrong) line; keep only what went wrong. */
function csvErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `malformed CSV: ${message.replace(/ at line \d+/, '').replace(/:.*$/s, '')}`;
}

/** Guesses the delimiter from the first non-blank line: comma, semicolon or tab. */
export function guessDelimiter(text: string): string {
  const first = text.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? '';
  const unquoted = first.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, unquoted.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}
