import type { FetchMessageObject, MessageStructureObject } from 'imapflow';
import { allIds, headerValue } from './mail-headers.js';

/**
 * Headers-first filtering: from the envelope, a few header lines and the
 * BODYSTRUCTURE, decide whether a message may concern kith. Only those are
 * downloaded whole; the body of everything else never leaves the server.
 * Pure functions; the lookups come in as an index.
 */

/** The header fields kith asks for besides the envelope (lower-case). */
export const HEADER_FIELDS = [
  'references',
  'auto-submitted',
  'content-type',
  'x-failed-recipients',
] as const;

/** What the headers of one message say, as plain data. */
export interface HeaderSummary {
  readonly uid: number;
  readonly size: number;
  readonly receivedAt: Date | null;
  readonly messageId: string | null;
  readonly subject: string;
  readonly from: readonly string[];
  /** To, Cc and Bcc (the Sent copy often keeps Bcc). */
  readonly recipients: readonly string[];
  /** Reply-To and Sender when they differ from From (IMAP's ENVELOPE fills them with From). */
  readonly others: readonly string[];
  /** Message-ID, In-Reply-To and References, without brackets. */
  readonly threadIds: readonly string[];
  readonly isDeliveryReport: boolean;
  readonly hasCalendarPart: boolean;
}

/** Answers about what kith knows; built per batch from the database. */
export interface RelevanceIndex {
  isOwner(address: string): boolean;
  isServiceAddress(address: string): boolean;
  isKnownAddress(address: string): boolean;
  isKnownMessageId(id: string): boolean;
}

function addressesOf(list: readonly { address?: string | undefined }[] | undefined): string[] {
  return (list ?? [])
    .map((a) => a.address?.trim().toLowerCase() ?? '')
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

/** Builds the summary from a headers-only FETCH result. */
export function summarizeHeaders(message: FetchMessageObject): HeaderSummary {
  const envelope = message.envelope ?? {};
  const headerText = message.headers?.toString('utf8') ?? '';
  const lines = headerLines(headerText);
  const contentType = (headerValue(lines, 'content-type') ?? '').toLowerCase();
  let hasCalendarPart = false;
  let hasDeliveryStatus = false;
  walk(message.bodyStructure, (node) => {
    const type = node.type.toLowerCase();
    const filename = node.dispositionParameters?.filename ?? node.parameters?.name ?? '';
    if (type === 'text/calendar' || type === 'application/ics' || /\.ics$/i.test(filename)) {
      hasCalendarPart = true;
    }
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      hasDeliveryStatus = true;
    }
  });
  const from = addressesOf(envelope.from);
  const messageId = allIds(envelope.messageId)[0] ?? null;
  return {
    uid: message.uid,
    size: message.size ?? 0,
    receivedAt: message.internalDate ? new Date(message.internalDate) : null,
    messageId,
    subject: envelope.subject ?? '',
    from,
    recipients: [
      ...addressesOf(envelope.to),
      ...addressesOf(envelope.cc),
      ...addressesOf(envelope.bcc),
    ],
    others: [...addressesOf(envelope.replyTo), ...addressesOf(envelope.sender)].filter(
      (a) => !from.includes(a),
    ),
    threadIds: [
      ...(messageId ? [messageId] : []),
      ...allIds(envelope.inReplyTo),
      ...allIds(headerValue(lines, 'references')),
    ],
    isDeliveryReport:
      hasDeliveryStatus ||
      (contentType.startsWith('multipart/report') && contentType.includes('delivery-status')) ||
      headerValue(lines, 'x-failed-recipients') !== undefined ||
      from.some(isMailerDaemon),
    hasCalendarPart,
  };
}

/** `Key: value` lines with continuations, in the shape parse.ts reads. */
function headerLines(text: string): { key: string; line: string }[] {
  return text
    .split(/\r?\n(?![ \t])/)
    .filter((line) => line.includes(':'))
    .map((line) => ({ key: line.slice(0, line.indexOf(':')).trim().toLowerCase(), line }));
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
