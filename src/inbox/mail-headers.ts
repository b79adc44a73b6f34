import { headerTextWithoutJunk } from './header-junk.js';

/**
 * Reading raw header lines without a MIME parser: Message-ID lists, single
 * header values, a peek at the header block of mail that is not parsed (too
 * large, or mailparser gave up), and which MIME parts kith reads. Kept apart
 * from parse.ts so the IMAP filter (which judges the same parts from headers
 * and BODYSTRUCTURE) and the ingest orchestration do not load mailparser.
 */

/**
 * Message-ID, Subject and the sender's address from the header block alone,
 * without parsing the body: for mail put aside unparsed (too large, or
 * mailparser gave up).
 */
export function peekHeaders(raw: Buffer): {
  messageId: string | null;
  subject: string | null;
  from: string | null;
} {
  const head = headerTextWithoutJunk(
    raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1'),
  );
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  const lines = headerLines(block);
  return {
    messageId: firstId(headerValue(lines, 'message-id')),
    subject: headerValue(lines, 'subject') ?? null,
    from: firstAddress(headerValue(lines, 'from')),
  };
}

/** The first `local@domain` in an address header: `Ana <ana@x>` or a bare address. */
function firstAddress(value: string | undefined): string | null {
  if (!value) return null;
  const found =
    /<\s*([^<>\s@]+@[^<>\s@]+)\s*>/.exec(value) ?? /([^\s<>"',;:@]+@[^\s<>"',;:@]+)/.exec(value);
  return found?.[1] ?? null;
}

/** `Key: value` lines of a header block, continuations kept, in the shape mailparser's `headerLines` has. */
export function headerLines(block: string): { key: string; line: string }[] {
  return block
    .split(/\r?\n(?![ \t])/)
    .filter((line) => line.includes(':'))
    .map((line) => ({ key: line.slice(0, line.indexOf(':')).trim().toLowerCase(), line }));
}

/** A MIME part kith reads as a calendar object: by its type, or an `.ics` file name. */
export function isCalendarPart(contentType: string, filename: string | undefined): boolean {
  return (
    contentType === 'text/calendar' ||
    contentType === 'application/ics' ||
    (filename?.toLowerCase().endsWith('.ics') ?? false)
  );
}

/** A MIME part that is a delivery status report (RFC 3464, RFC 6533). */
export function isDeliveryStatusPart(contentType: string): boolean {
  return (
    contentType === 'message/delivery-status' || contentType === 'message/global-delivery-status'
  );
}

/** The unfolded value of the first header called `name` (lower-case), raw. */
export function headerValue(
  lines: readonly { key: string; line: string }[],
  name: string,
): string | undefined {
  const found = lines.find((l) => l.key === name);
  if (!found) return undefined;
  const unfolded = found.line.replace(/\r?\n[ \t]+/g, ' ');
  const colon = unfolded.indexOf(':');
  return colon === -1 ? undefined : unfolded.slice(colon + 1).trim();
}

/** Every value of a header that may repeat, unfolded, in the order they stand. */
export function headerValues(
  lines: readonly { key: string; line: string }[],
  name: string,
): string[] {
  return lines
    .filter((l) => l.key === name)
    .map((l) => l.line.replace(/\r?\n[ \t]+/g, ' '))
    .map((line) => line.slice(line.indexOf(':') + 1).trim());
}

/** Message-IDs inside a header, without angle brackets. */
export function allIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] as string);
  if (bracketed.length > 0) return [...new Set(bracketed)];
  // Some broken clients omit the brackets.
  return [...new Set(value.split(/[\s,]+/).filter((v) => v.includes('@')))];
}

export function firstId(value: string | undefined): string | null {
  return allIds(value)[0] ?? null;
}
