import type { FetchMessageObject, MessageStructureObject } from 'imapflow';
import { isCalendarPart, isDeliveryStatusPart } from './mail-headers.js';

/**
 * Downloading only the parts of a relevant mail that kith reads. A reply
 * with a 5 MB PDF is read for its few lines of text; the PDF never needs to
 * leave the server. From the BODYSTRUCTURE, plan which sections to fetch
 * (the header, and the MIME header and body of every part kept), then put
 * them back together as one RFC 5322 message without the parts left out,
 * so the one ingest path parses it like any other mail. Pure functions.
 */

/** Mail below this size is fetched whole: little to save, and one round trip fewer. */
export const PART_FETCH_MIN_BYTES = 64 * 1024;
// Leaving out less than this is not worth the second FETCH.
const MIN_SKIPPED_BYTES = 32 * 1024;

export interface PartPlan {
  /** Sections for imapflow's `bodyParts` (the header comes with `headers: true`). */
  readonly sections: readonly string[];
  /** Encoded bytes of the parts left on the server. */
  readonly skippedBytes: number;
  /** Encoded bytes of the parts fetched (their MIME headers aside). */
  readonly keptBytes: number;
}

/**
 * A leaf kith reads: inline text (what mailparser turns into the text),
 * calendar objects, delivery reports, and encapsulated messages (a bounce's
 * returned mail, a forward), which mailparser reads into the text too.
 */
export function isReadPart(node: MessageStructureObject): boolean {
  const type = node.type.toLowerCase();
  const filename = node.dispositionParameters?.filename ?? node.parameters?.name;
  if (isCalendarPart(type, filename) || isDeliveryStatusPart(type)) return true;
  if (type.startsWith('message/') || type === 'text/rfc822-headers') return true;
  const attached = node.disposition?.toLowerCase() === 'attachment';
  return (type === 'text/plain' || type === 'text/html') && !attached;
}

function isMultipart(node: MessageStructureObject): boolean {
  return node.type.toLowerCase().startsWith('multipart/');
}

/**
 * The sections to fetch, or null when the mail is better fetched whole: not
 * multipart, a part the structure does not fully describe, or too little
 * to leave out.
 */
export function planPartFetch(
  structure: MessageStructureObject,
  minSkippedBytes = MIN_SKIPPED_BYTES,
): PartPlan | null {
  if (!isMultipart(structure)) return null;
  const sections: string[] = [];
  let skippedBytes = 0;
  let keptBytes = 0;
  const visit = (node: MessageStructureObject): boolean => {
    for (const child of node.childNodes ?? []) {
      if (!child.part) return false;
      if (isMultipart(child)) {
        if (!child.parameters?.boundary) return false;
        sections.push(`${child.part}.MIME`);
        if (!visit(child)) return false;
      } else if (isReadPart(child)) {
        sections.push(`${child.part}.MIME`, child.part);
        keptBytes += child.size ?? 0;
      } else {
        skippedBytes += child.size ?? 0;
      }
    }
    return true;
  };
  if (!structure.parameters?.boundary || !visit(structure)) return null;
  return skippedBytes >= minSkippedBytes ? { sections, skippedBytes, keptBytes } : null;
}

/**
 * The message rebuilt from its header and the fetched sections (keys as
 * imapflow returns them: lower-case, e.g. `1.mime`), with the boundaries
 * the structure names; the parts left out are not there at all. Undefined
 * when the server's answer lacks a section the plan asked for.
 */
export function assembleParts(
  structure: MessageStructureObject,
  header: Buffer,
  sections: ReadonlyMap<string, Buffer>,
): Buffer | undefined {
  const chunks: Buffer[] = [header];
  const writeMultipart = (node: MessageStructureObject): boolean => {
    const boundary = node.parameters?.boundary as string;
    for (const child of node.childNodes ?? []) {
      const multipart = isMultipart(child);
      if (!multipart && !isReadPart(child)) continue;
      const mime = sections.get(`${child.part}.mime`);
      if (!mime) return false;
      chunks.push(Buffer.from(`--${boundary}\r\n`), mime);
      if (multipart) {
        if (!writeMultipart(child)) return false;
      } else {
        const body = sections.get(child.part as string);
        if (!body) return false;
        chunks.push(body);
      }
      chunks.push(Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return true;
  };
  return writeMultipart(structure) ? Buffer.concat(chunks) : undefined;
}

/** The mail rebuilt from what a FETCH of the header and sections returned. */
export function assembleFetched(
  structure: MessageStructureObject,
  message: FetchMessageObject,
): Buffer | undefined {
  if (!message.headers || !message.bodyParts) return undefined;
  return assembleParts(structure, message.headers, message.bodyParts);
}

/** Mail to fetch as parts, by UID, with the structure the parts are rebuilt by. */
export type PartPlans = Map<number, { plan: PartPlan; structure: MessageStructureObject }>;

/** One FETCH command of a download group. */
export type FetchCommand =
  | { readonly kind: 'whole'; readonly uids: number[] }
  | { readonly kind: 'parts'; readonly uids: number[]; readonly sections: readonly string[] };

/**
 * The FETCHes that download a group: one for the mail fetched whole, and
 * one for each set of sections mail read in parts asks for (mail with the
 * same layout, a text and an attachment say, shares one). Each FETCH is a
 * round trip: one per mail read in parts made ingesting bench:ingest's
 * mail from Dovecot (a quarter with an attachment) a sixth slower. The
 * caller puts the answers back in UID order.
 */
export function fetchCommands(uids: readonly number[], plans: PartPlans): FetchCommand[] {
  const whole: number[] = [];
  const bySections = new Map<string, { uids: number[]; sections: readonly string[] }>();
  for (const uid of uids) {
    const planned = plans.get(uid);
    if (!planned) {
      whole.push(uid);
      continue;
    }
    const key = planned.plan.sections.join(' ');
    const same = bySections.get(key);
    if (same) same.uids.push(uid);
    else bySections.set(key, { uids: [uid], sections: planned.plan.sections });
  }
  const commands: FetchCommand[] = [];
  if (whole.length > 0) commands.push({ kind: 'whole', uids: whole });
  for (const { uids: same, sections } of bySections.values()) {
    commands.push({ kind: 'parts', uids: same, sections });
  }
  return commands;
}
