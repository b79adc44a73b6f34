/**
 * NUL bytes and other control characters in a header block. RFC 5322
 * allows none of them, mail servers differ in what they do with them, and
 * mailparser keeps them: a NUL inside `From:` or before `In-Reply-To:`
 * turned a known contact's reply into mail from nobody, in no thread, and
 * kith dropped it as unrelated. Removing them restores what a stray byte
 * only pushed apart; what such a byte overwrote stays lost.
 *
 * Tab, LF and CR are line structure, and ESC starts the charset shifts of
 * raw ISO-2022-JP headers, so those stay.
 */

const SCAN_BYTES = 64 * 1024;

function isJunk(byte: number): boolean {
  return (
    (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x1b) ||
    byte === 0x7f
  );
}

/** Where the header block ends: at its blank line, else within the first 64 KB. */
function headerEnd(raw: Buffer): number {
  const scanned = raw.subarray(0, SCAN_BYTES);
  const limit = scanned.length;
  const ends = [scanned.indexOf('\n\r\n'), scanned.indexOf('\n\n')].filter((i) => i !== -1);
  return ends.length > 0 ? Math.min(...ends) + 1 : limit;
}

/** How many junk bytes the header block holds. */
export function headerJunkCount(raw: Buffer): number {
  const end = headerEnd(raw);
  let count = 0;
  for (let i = 0; i < end; i++) if (isJunk(raw[i] as number)) count++;
  return count;
}

/**
 * `raw` with junk removed from its header block; the same buffer when there
 * is none. In Message-ID a junk byte becomes `_` instead: where it overwrote
 * a character, removing it could turn the ID into another mail's, and that
 * reply would be skipped as already seen.
 */
export function withoutHeaderJunk(raw: Buffer): Buffer {
  if (headerJunkCount(raw) === 0) return raw;
  const end = headerEnd(raw);
  let key = '';
  const head = raw
    .subarray(0, end)
    .toString('latin1')
    // A bare CR ends a line too (prepareRaw makes it CRLF): junk right after it starts the next header.
    .split(/(?<=\n|\r(?!\n))/)
    .map((line) => {
      if (!/^[ \t]/.test(line)) key = headerTextWithoutJunk(line.split(':')[0] ?? '').trim();
      return key.toLowerCase() === 'message-id'
        ? line.replace(JUNK, '_')
        : headerTextWithoutJunk(line);
    })
    .join('');
  return Buffer.concat([Buffer.from(head, 'latin1'), raw.subarray(end)]);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what this finds
const JUNK = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f]/g;

/** The same for header text already read as a string (the IMAP header fields, peeked headers). */
export function headerTextWithoutJunk(text: string): string {
  return text.replace(JUNK, '');
}
