/**
 * Reading raw header lines without a MIME parser: Message-ID lists, single
 * header values, and a peek at the header block of mail that is not parsed
 * (too large, or mailparser gave up). Kept apart from parse.ts so the IMAP
 * filter and the ingest orchestration do not load mailparser.
 */

/**
 * Message-ID and Subject from the header block alone, without parsing the
 * body: for mail put aside unparsed (too large, or mailparser gave up).
 */
export function peekHeaders(raw: Buffer): { messageId: string | null; subject: string | null } {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  const lines = block
    .split(/\r?\n(?![ \t])/)
    .filter((line) => line.includes(':'))
    .map((line) => ({ key: line.slice(0, line.indexOf(':')).trim().toLowerCase(), line }));
  return {
    messageId: firstId(headerValue(lines, 'message-id')),
    subject: headerValue(lines, 'subject') ?? null,
  };
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
