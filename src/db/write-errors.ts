import { KithError } from '../errors.js';

/**
 * Errors after which no write can succeed until someone acts (space freed,
 * permissions fixed, a backup restored). They are never a fault of the mail
 * being stored, so ingest must neither put that mail aside nor move past it:
 * it stops, says why, and tries again later.
 */

export type WriteFailureCause = 'disk full' | 'read-only' | 'corrupt' | 'I/O error';

export interface WriteFailure {
  readonly cause: WriteFailureCause;
  /** One sentence for logs, Health and the CLI: the cause and what to do. */
  readonly message: string;
}

const ADVICE: Record<WriteFailureCause, string> = {
  'disk full':
    'the disk holding the database is full: free some space there; kith retries by itself',
  'read-only':
    'the database cannot be written (read-only file, folder or disk): make KITH_DATA_DIR writable for kith; kith retries by itself',
  corrupt:
    'the database file is damaged: stop kith and restore a backup (`kith restore <file>`); kith retries meanwhile but stores nothing',
  'I/O error':
    'the disk holding the database reported an I/O error: check the disk (dmesg); kith retries by itself',
};

function causeOf(error: unknown): WriteFailureCause | null {
  const code = String((error as { code?: unknown })?.code ?? '');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read-only';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'I/O error';
  return null;
}

/** The cause and advice when `error` (or its cause) is such a write failure, else null. */
export function writeFailure(error: unknown): WriteFailure | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WriteStoppedError) return e.failure;
    const cause = causeOf(e);
    if (cause) return { cause, message: ADVICE[cause] };
  }
  return null;
}

/** Thrown to callers of a write that failed this way; its message is the advice. */
export class WriteStoppedError extends KithError {
  readonly failure: WriteFailure;
  constructor(failure: WriteFailure, options?: { cause?: unknown }) {
    super('temporary', failure.message, options);
    this.name = 'WriteStoppedError';
    this.failure = failure;
  }
}
