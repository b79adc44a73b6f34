import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { compile } from 'html-to-text';
import { type AttachmentStream, MailParser, type MessageText } from 'mailparser';
import { BadInputError } from '../errors.js';
import { canonicalAddress } from '../pipeline/address.js';
import type {
  CalendarPart,
  DeliveryStatusRecipient,
  MailAddress,
  MailMessage,
} from '../pipeline/mail.js';
import { parseDateHeader, utcOffsetMinutes } from './date-header.js';
import { withoutHeaderJunk } from './header-junk.js';
import {
  allIds,
  firstId,
  headerValue,
  headerValues,
  isCalendarPart,
  isDeliveryStatusPart,
} from './mail-headers.js';

/**
 * Raw RFC 5322 bytes → the normalized MailMessage, with mailparser's
 * streaming parser. Attachments are drained without being kept (only
 * calendar and delivery-status parts are read), which is what keeps a
 * 30 MB attachment from costing 30 MB more than its bytes.
 */

export interface ParseOptions {
  /** When the mail arrived (IMAP INTERNALDATE, file time); used when the Date header is unusable. */
  readonly receivedAt: Date;
}

// Calendar and delivery-status parts are small; anything bigger is not one we can use.
const MAX_KEPT_PART_BYTES = 1024 * 1024;
// html-to-text on megabytes of markup takes seconds; such mail is never a personal reply.
const MAX_HTML_CHARS = 2 * 1024 * 1024;
// Past this nesting the converter stops descending (mailparser's own limit).
const MAX_HTML_DEPTH = 1000;

/**
 * HTML mail's text, with one converter compiled at load. mailparser calls
 * html-to-text's `convert`, which compiles its selectors anew for every
 * message: on the bench's HTML mail that was 400–600 µs of a 150–200 µs
 * conversion. kith converts itself instead, and only when the mail has no
 * plain-text part at all — which also covers the HTML-only mail mailparser
 * leaves without text (an HTML part beside an inline image in
 * multipart/related, say). A mail with a plain part is read from that part.
 * Images are left out: html-to-text writes them as "alt [cid:…]".
 */
const htmlText = compile({
  limits: { maxDepth: MAX_HTML_DEPTH },
  // Logos and tracking pixels are no part of what someone wrote; links stay (a meeting's place).
  selectors: [{ selector: 'img', format: 'skip' }],
});

function textOfHtml(html: string): string {
  if (html.length > MAX_HTML_CHARS) return '';
  try {
    return htmlText(html);
  } catch {
    // Markup the converter cannot read leaves the mail without text, not lost.
    return '';
  }
}

/**
 * Works around three mailparser traps before parsing:
 * - NUL bytes and control characters in the header block break the header
 *   they sit in, so they are removed (header-junk.ts);
 * - bare-CR line endings parse to nothing, so they become CRLF;
 * - `format=flowed` makes it join a quoted line ending in a space with the
 *   next unquoted line, so the parameter is dropped (the text keeps its
 *   soft breaks, which reply stripping copes with).
 * Both are looked for in the first 64 KB only: the headers, and in nearly
 * all mail the text parts, sit there, while scanning a 200 KB attachment
 * for them cost more than parsing a short reply. (A stray bare CR further
 * down is harmless: only line endings in the headers break the parse.)
 */
export function prepareRaw(raw: Buffer): Buffer {
  let out = withoutHeaderJunk(raw);
  const head = out.subarray(0, TRAP_SCAN_BYTES);
  if (hasBareCr(head)) {
    out = Buffer.from(out.toString('latin1').replace(/\r(?!\n)/g, '\r\n'), 'latin1');
  }
  if (mentionsFlowed(head)) {
    const cleaned = out
      .toString('latin1')
      .replace(CONTENT_TYPE_LINE, (header) =>
        header
          .replace(/;\s*format\s*=\s*"?flowed"?/gi, '')
          .replace(/;\s*delsp\s*=\s*"?yes"?/gi, ''),
      );
    out = Buffer.from(cleaned, 'latin1');
  }
  return out;
}

const TRAP_SCAN_BYTES = 64 * 1024;

// A Content-Type header line with its folded continuation lines, in any MIME part.
const CONTENT_TYPE_LINE = /^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;

function hasBareCr(raw: Buffer): boolean {
  let at = raw.indexOf(13);
  while (at !== -1) {
    if (raw[at + 1] !== 10) return true;
    at = raw.indexOf(13, at + 1);
  }
  return false;
}

/** A byte search first, so the common case costs no string conversion. */
function mentionsFlowed(raw: Buffer): boolean {
  return ['flowed', 'Flowed', 'FLOWED'].some((word) => raw.indexOf(word) !== -1);
}

/** Parses raw mail; throws BadInputError when mailparser cannot make sense of it. */
export async function parseMail(raw: Buffer, options: ParseOptions): Promise<MailMessage> {
  const prepared = prepareRaw(raw);
  let collected: Collected;
  try {
    collected = await collect(prepared);
  } catch (error) {
    throw new BadInputError(`the mail could not be parsed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return normalize(collected, prepared, options);
}

interface KeptPart {
  readonly contentType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly filename: string | undefined;
  readonly content: Buffer;
}

interface Collected {
  readonly headers: Map<string, unknown>;
  readonly headerLines: readonly { key: string; line: string }[];
  readonly text: string;
  readonly parts: readonly KeptPart[];
}

function collect(raw: Buffer): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({
      keepDeliveryStatus: true,
      // Nothing reads attachment checksums; md5 over a 200 KB attachment cost ~0.4 ms.
      checksumAlgo: false,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
    let headers = new Map<string, unknown>();
    let headerLines: { key: string; line: string }[] = [];
    let text = '';
    const parts: KeptPart[] = [];
    let failed = false;

    parser.on('headers', (h: Map<string, unknown>) => {
      headers = h;
    });
    parser.on('headerLines', (lines: { key: string; line: string }[]) => {
      headerLines = lines;
    });
    parser.on('error', (error: Error) => {
      failed = true;
      reject(error);
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = typeof data.text === 'string' ? data.text : '';
        if (text.trim() === '' && typeof data.html === 'string') text = textOfHtml(data.html);
        return;
      }
      keepOrDrain(data, parts);
    });
    parser.on('end', () => {
      if (!failed) resolve({ headers, headerLines, text, parts });
    });
    parser.end(raw);
  });
}

/** Reads the few parts kith uses; lets every other attachment flow past unread. */
function keepOrDrain(attachment: AttachmentStream, parts: KeptPart[]): void {
  const contentType = (attachment.contentType || '').toLowerCase();
  const filename = attachment.filename;
  // Typed as a plain Stream; mailparser hands a Readable.
  const content = attachment.content as Readable;
  const wanted = isCalendarPart(contentType, filename) || isDeliveryStatusPart(contentType);
  if (!wanted) {
    content.resume();
    attachment.release?.();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  content.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_KEPT_PART_BYTES) chunks.push(chunk);
  });
  content.on('end', () => {
    if (size <= MAX_KEPT_PART_BYTES) {
      const header = attachment.headers.get('content-type') as
        | { params?: Record<string, string> }
        | undefined;
      parts.push({
        contentType,
        params: header?.params ?? {},
        filename,
        content: Buffer.concat(chunks),
      });
    }
    attachment.release?.();
  });
}

function normalize(c: Collected, raw: Buffer, options: ParseOptions): MailMessage {
  const rawHeader = (name: string) => headerValue(c.headerLines, name);
  const parsedId = firstId(rawHeader('message-id'));
  const dateHeader = rawHeader('date');
  const date = (dateHeader && parseDateHeader(dateHeader)) || options.receivedAt;
  const contentType = rawHeader('content-type');
  const deliveryParts = c.parts.filter((p) => isDeliveryStatusPart(p.contentType));
  // Broken MIME (a boundary that never comes) leaves no text: read the raw body instead.
  const brokenMultipart =
    c.text.trim() === '' && c.parts.length === 0 && /multipart\//i.test(contentType ?? '');
  const text = brokenMultipart ? rawBodyText(raw) : c.text;
  const isReport =
    contentType !== undefined &&
    /multipart\/report/i.test(contentType) &&
    /report-type\s*=\s*"?delivery-status/i.test(contentType);

  return {
    messageId: parsedId ?? synthesizeMessageId(raw),
    hasMessageId: parsedId !== null,
    inReplyTo: firstId(rawHeader('in-reply-to')),
    references: allIds(rawHeader('references')),
    subject:
      typeof c.headers.get('subject') === 'string' ? (c.headers.get('subject') as string) : '',
    date: date.toISOString(),
    dateOffsetMinutes: dateHeader ? utcOffsetMinutes(dateHeader) : null,
    from: addresses(c.headers.get('from'))[0] ?? null,
    to: addresses(c.headers.get('to')),
    cc: addresses(c.headers.get('cc')),
    text,
    headers: pickHeaders(rawHeader),
    authenticationResults: headerValues(c.headerLines, 'authentication-results'),
    calendar: c.parts
      .filter((p) => isCalendarPart(p.contentType, p.filename))
      .map((p) => calendarPart(p)),
    deliveryStatus: deliveryStatusOf(deliveryParts, text, isReport),
  };
}

/**
 * The report's per-recipient blocks: from its delivery-status parts, else
 * from the text when a server wrote the fields into a plain part (or the
 * MIME was too broken for mailparser to find the part).
 */
function deliveryStatusOf(
  parts: readonly KeptPart[],
  text: string,
  isReport: boolean,
): DeliveryStatusRecipient[] | null {
  const fromParts = parts.flatMap((p) => parseDeliveryStatus(p.content.toString('utf8')));
  if (fromParts.length > 0) return fromParts;
  if (/^\s*final-recipient\s*:/im.test(text) && /^\s*action\s*:/im.test(text)) {
    const fromText = parseDeliveryStatus(text.replace(/^[ \t]+(?=[\w-]+:)/gm, ''));
    if (fromText.length > 0) return fromText;
  }
  return isReport || parts.length > 0 ? fromParts : null;
}

/**
 * The body as raw text, for mail whose MIME structure mailparser could not
 * follow (a wrong or missing boundary leaves it no text): better read the
 * bytes than lose what the mail says.
 */
function rawBodyText(raw: Buffer): string {
  const head = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('utf8');
  const end = head.search(/\r?\n\r?\n/);
  if (end === -1) return '';
  return head
    .slice(end)
    .replace(/^--[^\r\n]*$/gm, '')
    .replace(/^content-[\w-]+:[^\r\n]*$/gim, '')
    .replace(/=\r?\n/g, '')
    .trim();
}

function pickHeaders(get: (name: string) => string | undefined): MailMessage['headers'] {
  const entries: [keyof MailMessage['headers'], string | undefined][] = [
    ['autoSubmitted', get('auto-submitted')],
    ['precedence', get('precedence')],
    ['xAutoreply', get('x-autoreply')],
    ['xAutorespond', get('x-autorespond')],
    ['xAutoResponseSuppress', get('x-auto-response-suppress')],
    ['listId', get('list-id')],
    ['xFailedRecipients', get('x-failed-recipients')],
    ['contentType', get('content-type')],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as MailMessage['headers'];
}

/**
 * Mail without a Message-ID still needs a stable key, so that reading the
 * same bytes twice dedupes: a hash of the content under a reserved domain.
 */
export function synthesizeMessageId(raw: Buffer): string {
  return `missing-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@kith.invalid`;
}

interface ParsedAddress {
  address?: string;
  name?: string;
  group?: ParsedAddress[];
}

function addresses(header: unknown): MailAddress[] {
  const objects = Array.isArray(header) ? header : header ? [header] : [];
  const out: MailAddress[] = [];
  const visit = (list: ParsedAddress[]) => {
    for (const entry of list) {
      if (entry.group) visit(entry.group);
      else if (entry.address?.includes('@')) {
        out.push({ address: canonicalAddress(entry.address), name: (entry.name ?? '').trim() });
      }
    }
  };
  for (const object of objects as { value?: ParsedAddress[] }[]) visit(object.value ?? []);
  return out;
}

function calendarPart(part: KeptPart): CalendarPart {
  const ics = part.content.toString('utf8');
  const fromParam = part.params.method;
  const fromFile = /^METHOD:(.+)$/im.exec(ics)?.[1];
  const method = (fromParam ?? fromFile)?.trim().toUpperCase() || null;
  return { method, ics };
}

/**
 * Per-recipient blocks of a `message/delivery-status` body (RFC 3464): the
 * first block is about the message, each later one about a recipient.
 */
export function parseDeliveryStatus(body: string): DeliveryStatusRecipient[] {
  const blocks = body
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((b) => fieldsOf(b));
  const out: DeliveryStatusRecipient[] = [];
  for (const fields of blocks) {
    const recipient = fields.get('original-recipient') ?? fields.get('final-recipient');
    if (!recipient || !fields.has('action')) continue;
    out.push({
      action: (fields.get('action') ?? '').toLowerCase(),
      status: fields.get('status') ?? '',
      recipient: stripAddressType(recipient),
      diagnostic: fields.get('diagnostic-code') ?? null,
    });
  }
  return out;
}

function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  return fields;
}

/** `rfc822; Bob@Example.com` → `bob@example.com`; a pipe or path stays as it is, for classify to set aside. */
function stripAddressType(value: string): string {
  const semi = value.indexOf(';');
  return canonicalAddress(semi === -1 ? value : value.slice(semi + 1));
}
