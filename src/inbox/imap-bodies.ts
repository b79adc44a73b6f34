import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { uidSet } from './imap-cursor.js';
import { assembleFetched, type FetchCommand, fetchCommands, type PartPlans } from './imap-parts.js';
import type { HeaderSummary } from './imap-relevance.js';
import type { WatcherStats } from './imap-watcher.js';

/**
 * Downloading the bodies of a batch's relevant mail (imap-batch.ts reads
 * the batch): cut into groups bounded in count and bytes, each group in as
 * few FETCHes as its layouts allow (imap-parts.ts).
 */

// A group's bodies are held until they are ingested, and the next group's
// download while they are: two groups at most in memory.
const BODY_BATCH_COUNT = 25;
const BODY_BATCH_BYTES = 16 * 1024 * 1024;

/** A downloaded body: the raw mail (whole, or rebuilt from its parts) and its FETCH answer. */
export interface Body {
  readonly raw: Buffer;
  readonly message: FetchMessageObject;
}

/**
 * Downloads a group's bodies: the mail fetched whole in one FETCH, the
 * mail read in parts in one FETCH per layout (imap-parts.ts). Big mail
 * whose structure shows parts kith does not read (attachments) is
 * fetched as the parts it does read. A group is bounded in count and
 * bytes, so holding its bodies until they are ingested in order is too.
 */
export async function downloadBodies(
  client: ImapFlow,
  group: readonly HeaderSummary[],
  plans: PartPlans,
  stats: Pick<WatcherStats, 'bodiesInParts'>,
): Promise<Map<number, Body>> {
  const bodies = new Map<number, Body>();
  const rebuildFailed: number[] = [];
  for (const command of fetchCommands(
    group.map((s) => s.uid),
    plans,
  )) {
    for await (const body of fetchBodies(client, command, plans, stats)) {
      if (body.raw) bodies.set(body.uid, { raw: body.raw, message: body.message });
      else rebuildFailed.push(body.uid);
    }
  }
  // The server left out a section the structure named: read that mail whole.
  if (rebuildFailed.length > 0) {
    for await (const body of fetchBodies(
      client,
      { kind: 'whole', uids: rebuildFailed },
      plans,
      stats,
    )) {
      if (body.raw) bodies.set(body.uid, { raw: body.raw, message: body.message });
    }
  }
  return bodies;
}

/** One FETCH's answers as they arrive; `raw` is undefined where parts could not be put together. */
async function* fetchBodies(
  client: ImapFlow,
  command: FetchCommand,
  plans: PartPlans,
  stats: Pick<WatcherStats, 'bodiesInParts'>,
): AsyncGenerator<{ uid: number; raw: Buffer | undefined; message: FetchMessageObject }> {
  if (command.kind === 'whole') {
    for await (const message of client.fetch(
      uidSet(command.uids),
      { uid: true, source: true, internalDate: true },
      { uid: true },
    )) {
      if (message.source) yield { uid: message.uid, raw: message.source, message };
    }
    return;
  }
  for await (const message of client.fetch(
    uidSet(command.uids),
    { uid: true, headers: true, bodyParts: [...command.sections], internalDate: true },
    { uid: true },
  )) {
    const planned = plans.get(message.uid);
    const raw = planned ? assembleFetched(planned.structure, message) : undefined;
    if (raw) stats.bodiesInParts += 1;
    yield { uid: message.uid, raw, message };
  }
}

/** The relevant mail cut into download groups, in UID order. */
export function bodyGroups(
  summaries: readonly HeaderSummary[],
  bytesOf: (s: HeaderSummary) => number,
): HeaderSummary[][] {
  const groups: HeaderSummary[][] = [];
  let current: HeaderSummary[] = [];
  let bytes = 0;
  for (const s of summaries) {
    if (
      current.length > 0 &&
      (current.length >= BODY_BATCH_COUNT || bytes + bytesOf(s) > BODY_BATCH_BYTES)
    ) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(s);
    bytes += bytesOf(s);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
