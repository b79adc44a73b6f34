import { statfsSync } from 'node:fs';
import { KithError } from '../errors.js';

/**
 * Errors after which no write can succeed until someone acts (space freed,
 * permissions fixed, a backup restored). They are never a fault of the mail
 * being stored, so ingest must neither put that mail aside nor move past it:
 * it stops, says why, and tries again later.
 */

type WriteFailureCause = 'disk full' | 'read-only' | 'corrupt' | 'I/O error';

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
    'the database file is damaged: stop kith and restore a backup (`npm run kith -- restore <file>`); kith retries meanwhile but stores nothing',
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

// Less than this free and an I/O error is taken for what it nearly always is then: a full disk.
const NEARLY_FULL_BYTES = 256 * 1024;

/** SQLite reports some writes on a full disk (growing -shm, opening the WAL) as I/O errors. */
function isNearlyFull(dir: string): boolean {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize) < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/**
 * The cause and advice when `error` (or its cause) is such a write failure,
 * else null. With `dir` (the database's folder) an I/O error on a disk with
 * no space left is named as the full disk it is.
 */
export function writeFailure(error: unknown, dir?: string): WriteFailure | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WriteStoppedError) return e.failure;
    let cause = causeOf(e);
    if (cause === 'I/O error' && dir !== undefined && isNearlyFull(dir)) cause = 'disk full';
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
