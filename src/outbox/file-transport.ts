import { randomBytes } from 'node:crypto';
import { chmod, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.js';
import { createEmlIndex } from './eml-index.js';
import type { OutgoingMail } from './mime.js';
import { type MailTransport, SendError } from './transport.js';

/**
 * The default transport: each mail becomes an .eml file in `<dataDir>/outbox/`,
 * so a new user sees exactly what would have been sent. The file is written
 * under a temporary name and renamed, so it exists whole or not at all — and
 * its presence is the proof, after a crash, that the mail was "sent".
 *
 * File names are the time and a random part, never the Message-ID: kith's
 * Message-IDs to the owner are signed approval tokens, and a folder listing
 * must not hand them to whoever can read it. A mail is found again by the
 * Message-ID header inside the file (see eml-index.ts).
 */
export function outboxFolder(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

/** A new outbox file name: sorts by time, says nothing about the mail. */
export function emlFileName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(6).toString('hex')}.eml`;
}

const TIME_NAMED = /^\d{8}T\d{9}Z-[0-9a-f]{12}\.eml$/;

/**
 * Older kith versions named outbox files by Message-ID; gives each such file
 * a time name (from its modification time) so no signed id stays listed.
 */
async function renameIdNamedFiles(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    if (!name.endsWith('.eml') || TIME_NAMED.test(name)) continue;
    const file = path.join(folder, name);
    await chmod(file, PRIVATE_FILE_MODE);
    await rename(file, path.join(folder, emlFileName((await stat(file)).mtime)));
  }
}

export function createFileTransport(dataDir: string, now = () => new Date()): MailTransport {
  const folder = outboxFolder(dataDir);
  const index = createEmlIndex(folder);
  let renamed: Promise<void> | undefined;
  const tidy = () => {
    renamed ??= renameIdNamedFiles(folder);
    return renamed;
  };
  return {
    kind: 'file',
    async send(mail: OutgoingMail) {
      const file = path.join(folder, emlFileName(now()));
      const temp = `${file}.tmp`;
      try {
        await tidy();
        makePrivateDir(folder);
        await writeFile(temp, mail.rawWithBcc, { flag: 'wx', mode: PRIVATE_FILE_MODE });
        await chmod(temp, PRIVATE_FILE_MODE);
        await rename(temp, file);
      } catch (error) {
        throw new SendError(`could not write ${file}: ${(error as Error).message}`, {
          permanent: false,
          cause: error,
        });
      }
    },
    async alreadySent(messageId: string) {
      await tidy();
      return (await index.find(messageId)) ? 'yes' : 'no';
    },
    async close() {},
  };
}
