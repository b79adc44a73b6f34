import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { withDatabase } from '../db/open-for-command.js';
import { type WriteFailure, writeFailure } from '../db/write-errors.js';
import { createIngester, describeOutcome } from '../inbox/ingest.js';
import type { Logger } from '../log.js';

const IN_FLIGHT = 8;

/**
 * `kith ingest <file.eml | folder>...`: feeds files through the same ingest
 * path the IMAP and Maildir sources use, one line per message. Exit 0 when
 * every file was read (a broken mail put in quarantine was read, and says
 * so), 1 when some file could not be read at all, or the database could not
 * be written (disk full, read-only…): then it stops with one line saying so.
 */
export async function runIngestCommand(
  paths: readonly string[],
  options: {
    readonly config: Config;
    readonly logger: Logger;
    readonly out: (line: string) => void;
  },
): Promise<number> {
  const { config, logger, out } = options;
  const files: string[] = [];
  let unreadable = 0;
  let stopped: WriteFailure | null = null;
  let notStored = 0;
  for (const given of paths) {
    try {
      files.push(...(await mailFiles(given)));
    } catch (error) {
      unreadable += 1;
      out(`${given}: cannot read: ${reason(error)}`);
    }
  }
  await withDatabase(config, async (db) => {
    const ingester = createIngester({ db, config, logger });
    // A few files in flight (parsing runs ahead in a worker); lines print in file order.
    const inflight: Promise<string>[] = [];
    const flush = async () => {
      const line = await inflight.shift();
      if (line) out(line);
    };
    try {
      for (const file of files) {
        if (stopped) {
          notStored += 1;
          continue;
        }
        let raw: Buffer;
        let receivedAt: Date;
        try {
          raw = await readFile(file);
          receivedAt = (await stat(file)).mtime;
        } catch (error) {
          unreadable += 1;
          inflight.push(Promise.resolve(`${file}: cannot read: ${reason(error)}`));
          continue;
        }
        const outcome = ingester.ingest(raw, {
          label: `file:${file}`,
          receivedAt,
          origin: 'local',
        });
        inflight.push(
          outcome.then(
            (o) => `${file}: ${describeOutcome(o)}`,
            (error: unknown) => {
              const failure = writeFailure(error);
              if (!failure) throw error;
              stopped ??= failure;
              notStored += 1;
              return '';
            },
          ),
        );
        if (inflight.length >= IN_FLIGHT) await flush();
      }
      while (inflight.length > 0) await flush();
    } finally {
      await ingester.close();
    }
  });
  if (files.length === 0 && unreadable === 0) out('no mail files found');
  if (stopped) {
    out(
      `kith ingest: stopped, ${notStored} file(s) not stored (nothing was changed for them): ${(stopped as WriteFailure).message.replace('; kith retries by itself', '; then run the same command again')}`,
    );
    return 1;
  }
  return unreadable > 0 ? 1 : 0;
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or folder';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message;
}

/**
 * A file is one message; a folder means every file below it (a Maildir's
 * `cur/` and `new/` included), skipping dot-files and Maildir `tmp/`
 * folders, where writers keep half-written mail.
 */
async function mailFiles(given: string): Promise<string[]> {
  const info = await stat(given);
  if (!info.isDirectory()) return [given];
  const out: string[] = [];
  const entries = await readdir(given, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(given, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'tmp') out.push(...(await mailFiles(full)));
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}
