import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutgoingMail } from './mime.js';
import { type MailTransport, SendError } from './transport.js';

/**
 * The default transport: each mail becomes `<dataDir>/outbox/<message-id>.eml`,
 * so a new user sees exactly what would have been sent. The file is written
 * under a temporary name and renamed, so it exists whole or not at all — and
 * its presence is the proof, after a crash, that the mail was "sent".
 */
export function outboxFolder(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

/** The file a Message-ID is written to (characters unsafe in file names replaced). */
export function emlFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9@._+-]/g, '_')}.eml`;
}

export function createFileTransport(dataDir: string): MailTransport {
  const folder = outboxFolder(dataDir);
  const fileOf = (messageId: string) => path.join(folder, emlFileName(messageId));
  return {
    kind: 'file',
    async send(mail: OutgoingMail) {
      const file = fileOf(mail.messageId);
      const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(folder, { recursive: true });
        await writeFile(temp, mail.rawWithBcc, { flag: 'wx' });
        await rename(temp, file);
      } catch (error) {
        throw new SendError(`could not write ${file}: ${(error as Error).message}`, {
          permanent: false,
          cause: error,
        });
      }
    },
    async alreadySent(messageId: string) {
      try {
        await access(fileOf(messageId));
        return 'yes';
      } catch {
        return 'no';
      }
    },
    async close() {},
  };
}
