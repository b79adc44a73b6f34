import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { withDatabase } from '../db/open-for-command.js';
import { dueForSending, findOutboxById } from '../db/outbox-queries.js';
import { type WriteFailure, writeFailure } from '../db/write-errors.js';
import { KithError } from '../errors.js';
import { describeOutcome } from '../inbox/ingest.js';
import { createKith, type Kith } from '../kith.js';
import type { Logger } from '../log.js';

const IN_FLIGHT = 8;

/**
 * `kith ingest <file.eml | folder>...`: feeds files through the same ingest
 * path the IMAP and Maildir sources use, one line per message, then sends
 * what they made due (an owner's "approve") with one round of the real send
 * loop, as `kith serve` would at once. Exit 0 when
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
    const kith = await createKith(config, { logger, db, manual: true, inbox: false });
    const { ingester } = kith;
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
      if (!stopped) await sendWhatIsDue(kith, out);
    } finally {
      await kith.stop();
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

/**
 * One send round, with the send loop's lease: when a running `kith serve`
 * holds it, that kith sends the mail on its next round (it polls every few
 * seconds), so this process must not.
 */
async function sendWhatIsDue(kith: Kith, out: (line: string) => void): Promise<void> {
  const at = new Date().toISOString();
  const due = [
    ...(await dueForSending(kith.db, at, 'contact', 1000)),
    ...(await dueForSending(kith.db, at, 'owner', 1000)),
  ];
  if (due.length === 0) return;
  try {
    await kith.sendLoop.start();
  } catch (error) {
    if (!(error instanceof KithError && error.code === 'locked')) throw error;
    out(`${due.length} mail(s) ready to send: the running kith sends them within seconds`);
    return;
  }
  await kith.sendLoop.runOnce();
  for (const before of due) {
    const row = await findOutboxById(kith.db, before.id);
    if (!row) continue;
    const to = row.to_address.replace(/"/g, '');
    const what =
      row.audience === 'owner'
        ? `note to you “${row.subject}”`
        : `${row.kind.replace(/_/g, ' ')} to ${to} “${row.subject}”`;
    if (row.state === 'sent') out(`sent: ${what}`);
    else if (row.state === 'approved')
      out(
        `not sent yet: ${what}${row.last_error ? ` (${row.last_error})` : ''}; kith serve retries it`,
      );
    else out(`not sent: ${what} is ${row.state}${row.last_error ? ` (${row.last_error})` : ''}`);
  }
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
