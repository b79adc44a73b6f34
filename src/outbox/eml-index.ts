import { open, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Finds an .eml file in a folder by the Message-ID in its header. Outbox
 * files are named by time, not by id (the ids are signed), so this is how a
 * restart tells whether a mail was already written. Each file's header is
 * read once; later lookups only read files that appeared since.
 */
export interface EmlIndex {
  /** The file holding `messageId` (bare, without angle brackets), if any. */
  find(messageId: string): Promise<string | undefined>;
}

// kith writes Message-ID near the top; a header block is far smaller than this.
const HEADER_BYTES = 64 * 1024;

export function createEmlIndex(folder: string): EmlIndex {
  const byId = new Map<string, string>();
  const read = new Set<string>();
  return {
    async find(messageId) {
      const known = byId.get(messageId);
      if (known) return path.join(folder, known);
      let names: string[];
      try {
        names = await readdir(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      for (const name of names) {
        if (!name.endsWith('.eml') || read.has(name)) continue;
        read.add(name);
        const id = await headerMessageId(path.join(folder, name));
        if (id) byId.set(id, name);
      }
      const found = byId.get(messageId);
      return found ? path.join(folder, found) : undefined;
    },
  };
}

/** The bare Message-ID in a mail file's header, or undefined. */
export async function headerMessageId(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('latin1');
    const end = text.search(/\r?\n\r?\n/);
    const header = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
    return /^message-id:\s*<?([^<>\s]+)>?/im.exec(header)?.[1];
  } catch (error) {
    // Removed between the listing and the read: it holds nothing to find.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  } finally {
    await handle?.close();
  }
}
