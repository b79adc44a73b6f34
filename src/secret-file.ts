import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, withSecret } from './config.js';
import { KithError } from './errors.js';
import { makePrivateDir } from './private-files.js';

/**
 * Returns the config with its instance secret: KITH_SECRET when set, else the
 * one stored in the data dir, else a new one written there with mode 0600.
 *
 * The new file is written whole beside the real name and then linked into
 * place, so a start on a full disk leaves no half-written (empty) secret.
 * An empty file (left by an older kith) never held a secret, so it is
 * replaced; a short or unreadable one may be the owner's and is never
 * overwritten: kith stops and says what to do.
 */
export function ensureSecret(config: Config): Config {
  if (config.secret) return config;
  const file = path.join(config.dataDir, 'secret');
  let stored: string | null = null;
  try {
    stored = readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new KithError(
        'config',
        `kith cannot read its secret file ${file} (${code ?? (error as Error).message}): make it readable by the user kith runs as, or set KITH_SECRET.`,
        { cause: error },
      );
    }
  }
  if (stored !== null && stored.length >= 32) return withSecret(config, stored);
  if (stored !== null && stored.length > 0) {
    throw new KithError(
      'config',
      `kith's secret file ${file} is damaged (${stored.length} characters, at least 32 expected): restore it from a backup, or delete it to make a new one (links in mail sent so far stop working).`,
    );
  }
  makePrivateDir(config.dataDir);
  const secret = randomBytes(32).toString('base64url');
  const draft = `${file}.${process.pid}.new`;
  try {
    writeFileSync(draft, `${secret}\n`, { mode: 0o600 });
    chmodSync(draft, 0o600);
    if (stored === '') rmSync(file, { force: true });
    // link() fails if the name exists: two first starts racing cannot overwrite each other's secret.
    linkSync(draft, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return readExisting(config, file);
    throw new KithError(
      'config',
      `kith cannot write its secret file ${file} (${code === 'ENOSPC' ? 'the disk is full' : (code ?? (error as Error).message)}): ${code === 'ENOSPC' ? 'free some space there' : 'make KITH_DATA_DIR writable for kith'} and start again.`,
      { cause: error },
    );
  } finally {
    rmSync(draft, { force: true });
  }
  return withSecret(config, secret);
}

/** The secret another start wrote a moment ago; read once, never looped on. */
function readExisting(config: Config, file: string): Config {
  const stored = readFileSync(file, 'utf8').trim();
  if (stored.length >= 32) return withSecret(config, stored);
  throw new KithError(
    'config',
    `kith's secret file ${file} is being written by another kith start: wait for it and start again.`,
  );
}
