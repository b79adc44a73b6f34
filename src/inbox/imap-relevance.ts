import type { FetchMessageObject, MessageStructureObject } from 'imapflow';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import { headerTextWithoutJunk } from './header-junk.js';
import {
  allIds,
  headerLines,
  headerValue,
  isCalendarPart,
  isDeliveryStatusPart,
} from './mail-headers.js';

/**
 * Headers-first filtering: from a few header fields, decide whether a
 * message may concern kith. Only those are downloaded whole; the body of
 * everything else never leaves the server. Pure functions; the lookups come
 * in as an index.
 *
 * Header fields, not ENVELOPE and BODYSTRUCTURE: on a 10,000-message
 * backfill those two nested lists doubled the time imapflow spent reading
 * the answer (bench/ingest.ts). The structure is only asked for where it
 * can change the answer (see `mayHideCalendarPart`).
 */

/** The header fields kith asks for (lower-case). */
export const HEADER_FIELDS = [
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'message-id',
  'in-reply-to',
  'references',
  'subject',
  'content-type',
  'x-failed-recipients',
  'list-id',
  'list-unsubscribe',
  'precedence',
] as const;

/** What the headers of one message say, as plain data. */
export interface HeaderSummary {
  readonly uid: number;
  readonly size: number;
  readonly messageId: string | null;
  readonly subject: string;
  readonly from: readonly string[];
  /** To, Cc and Bcc (the Sent copy often keeps Bcc). */
  readonly recipients: readonly string[];
  /** Reply-To and Sender when they differ from From. */
  readonly others: readonly string[];
  /** Message-ID, In-Reply-To and References, without brackets. */
  readonly threadIds: readonly string[];
  readonly isDeliveryReport: boolean;
  readonly hasCalendarPart: boolean;
  /** multipart/*: a calendar part may be inside, which only the BODYSTRUCTURE shows. */
  readonly isMultipart: boolean;
  /** Mailing-list or bulk mail (List-Id, List-Unsubscribe, Precedence: bulk/list/junk). */
  readonly isBulk: boolean;
  /** The BODYSTRUCTURE, when it was asked for: kept so it is not asked for twice. */
  readonly structure?: MessageStructureObject;
}

/** Answers about what kith knows; built per batch from the database. */
export interface RelevanceIndex {
  isOwner(address: string): boolean;
  isServiceAddress(address: string): boolean;
  isKnownAddress(address: string): boolean;
  isKnownMessageId(id: string): boolean;
}

// One address, bare or after a display name without quotes, commas,
// comments or groups: what most From, To and Cc headers hold. It is read
// directly; anything else goes through addressparser. On a 10,000-message
// backfill this took most of the ~100 ms addressparser cost.
const SINGLE_ADDRESS =
  /^\s*(?:[^"',;:<>()\\]*<([^<>\s"',;:()\\]+@[^<>\s"',;:()\\]+)>|([^<>\s"',;:()\\]+@[^<>\s"',;:()\\]+))\s*$/;

function addressesOf(value: string | undefined): string[] {
  if (!value) return [];
  const single = SINGLE_ADDRESS.exec(value);
  if (single) return [(single[1] ?? (single[2] as string)).toLowerCase()];
  return addressparser(value, { flatten: true })
    .map((a) => a.address.trim().toLowerCase())
    .filter((a) => a.includes('@'));
}

function walk(
  node: MessageStructureObject | undefined,
  visit: (n: MessageStructureObject) => void,
) {
  if (!node) return;
  visit(node);
  for (const child of node.childNodes ?? []) walk(child, visit);
}

/** Builds the summary from a FETCH of HEADER_FIELDS (and the BODYSTRUCTURE, when asked for). */
export function summarizeHeaders(message: FetchMessageObject): HeaderSummary {
  const lines = headerLines(headerTextWithoutJunk(message.headers?.toString('utf8') ?? ''));
  const field = (name: (typeof HEADER_FIELDS)[number]) => headerValue(lines, name);
  const contentType = (field('content-type') ?? '').toLowerCase();
  const from = addressesOf(field('from'));
  const messageId = allIds(field('message-id'))[0] ?? null;
  const summary: HeaderSummary = {
    uid: message.uid,
    size: message.size ?? 0,
    messageId,
    subject: decodeSubject(field('subject')),
    from,
    recipients: [
      ...addressesOf(field('to')),
      ...addressesOf(field('cc')),
      ...addressesOf(field('bcc')),
    ],
    others: [...addressesOf(field('reply-to')), ...addressesOf(field('sender'))].filter(
      (a) => !from.includes(a),
    ),
    threadIds: [
      ...(messageId ? [messageId] : []),
      ...allIds(field('in-reply-to')),
      ...allIds(field('references')),
    ],
    isDeliveryReport:
      (contentType.startsWith('multipart/report') && contentType.includes('delivery-status')) ||
      field('x-failed-recipients') !== undefined ||
      from.some(isMailerDaemon),
    hasCalendarPart: isCalendarPart(contentType.split(';')[0]?.trim() ?? '', undefined),
    isMultipart: contentType.startsWith('multipart/'),
    isBulk:
      field('list-id') !== undefined ||
      field('list-unsubscribe') !== undefined ||
      /^(bulk|list|junk)\b/i.test(field('precedence') ?? ''),
  };
  return message.bodyStructure ? withStructure(summary, message.bodyStructure) : summary;
}

/** The summary with what the BODYSTRUCTURE adds: calendar and delivery-status parts anywhere inside. */
export function withStructure(
  summary: HeaderSummary,
  structure: MessageStructureObject,
): HeaderSummary {
  let hasCalendarPart = summary.hasCalendarPart;
  let isDeliveryReport = summary.isDeliveryReport;
  walk(structure, (node) => {
    const type = node.type.toLowerCase();
    const filename = node.dispositionParameters?.filename ?? node.parameters?.name;
    if (isCalendarPart(type, filename)) hasCalendarPart = true;
    if (isDeliveryStatusPart(type)) isDeliveryReport = true;
  });
  return { ...summary, hasCalendarPart, isDeliveryReport, structure };
}

/**
 * True when only the BODYSTRUCTURE can tell whether the message carries an
 * invite: multipart mail that is not bulk. Invites (Google, Outlook, Apple)
 * are multipart/mixed or /alternative with a text/calendar part; mailing
 * lists and newsletters, most of a mailbox, are not where a contact's or
 * their assistant's invite comes from.
 */
export function mayHideCalendarPart(summary: HeaderSummary): boolean {
  return summary.isMultipart && !summary.isBulk && !summary.hasCalendarPart;
}

function decodeSubject(value: string | undefined): string {
  if (!value) return '';
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

function isMailerDaemon(address: string): boolean {
  return /^(mailer-daemon|postmaster)@/i.test(address);
}

/**
 * True when the message may concern kith: a delivery report or an invite,
 * a known contact among its addresses, a known thread, or mail from the
 * owner that is not just their everyday Sent mail (it reached a watched
 * non-Sent mailbox as a BCC copy, or it was sent to the service address).
 */
export function mayConcernKith(
  summary: HeaderSummary,
  index: RelevanceIndex,
  mailbox: { readonly isSent: boolean },
): boolean {
  if (summary.isDeliveryReport || summary.hasCalendarPart) return true;
  if (allAddresses(summary).some((a) => index.isKnownAddress(a))) return true;
  if (summary.threadIds.some((id) => index.isKnownMessageId(id))) return true;
  if (summary.from.some((a) => index.isOwner(a))) {
    if (!mailbox.isSent) return true;
    return summary.recipients.some((a) => index.isServiceAddress(a) || index.isOwner(a));
  }
  return false;
}

/** Every address a summary names. */
export function allAddresses(summary: HeaderSummary): string[] {
  return [...summary.from, ...summary.recipients, ...summary.others];
}

/** Every address and thread id a batch of summaries mentions, for one lookup each. */
export function lookupKeys(summaries: readonly HeaderSummary[]): {
  addresses: string[];
  ids: string[];
} {
  const addresses = new Set<string>();
  const ids = new Set<string>();
  for (const s of summaries) {
    for (const a of allAddresses(s)) addresses.add(a);
    for (const id of s.threadIds) ids.add(id);
  }
  return { addresses: [...addresses], ids: [...ids] };
}
