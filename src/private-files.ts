import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data dir holds signed ids, the secret and everyone's mail, so kith
 * keeps it to its own user whatever the umask it was started with (the
 * systemd unit sets one; `npm start` in a shell usually does not). Modes are
 * set with chmod after creating, because the umask can only take bits away:
 * that also tightens files an older kith left readable.
 */

const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) private to this user, or makes an existing one so. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodQuietly(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes `file` exist with mode 0600 without changing its content, so a file
 * another library then opens (SQLite) never exists even briefly with a wider
 * mode. SQLite gives its -wal and -shm files the main file's mode.
 */
export function makePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodQuietly(file, PRIVATE_FILE_MODE);
}

/** Narrows an existing file to 0600 (files left by an older kith, or copied in). */
export function keepPrivate(file: string): void {
  if (existsSync(file)) chmodQuietly(file, PRIVATE_FILE_MODE);
}

// A file or folder owned by another user (a shared mount) cannot be chmod-ed;
// that is the operator's choice, not a reason to stop kith.
function chmodQuietly(target: string, mode: number): void {
  try {
    chmodSync(target, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}
