import type { ImapFlow, MessageStructureObject } from 'imapflow';
import type { Db } from '../db/database.js';
import { saveSyncState } from '../db/inbox-queries.js';
import { type Body, bodyGroups, downloadBodies } from './imap-bodies.js';
import { type SyncCursor, uidBatches, uidSet } from './imap-cursor.js';
import { PART_FETCH_MIN_BYTES, type PartPlans, planPartFetch } from './imap-parts.js';
import {
  allAddresses,
  HEADER_FIELDS,
  type HeaderSummary,
  lookupKeys,
  mayConcernKith,
  mayHideCalendarPart,
  type RelevanceIndex,
  summarizeHeaders,
  withStructure,
} from './imap-relevance.js';
import type { WatcherStats } from './imap-watcher.js';
import type { Ingester } from './ingest.js';

/**
 * One batch of new UIDs in a watched mailbox, read and handed to ingest: the
 * headers pass (what may concern kith), the BODYSTRUCTURE where an invite may
 * hide or attachments may be skipped, bounded body downloads, and a cursor
 * that only moves past what is handled. The connection's life (connect,
 * IDLE, heartbeat, reconnect) and which UIDs to read are imap-watcher.ts's.
 */

// Ingests in flight while downloading: parsing the next overlaps storing the previous.
const IN_FLIGHT = 8;

/** What a batch reader needs from the mailbox watch that owns it. */
export interface BatchReaderDeps {
  readonly db: Db;
  readonly ingester: Ingester;
  readonly maxMessageBytes: number;
  readonly stats: WatcherStats;
  readonly now: () => Date;
  /** The watched mailbox is the owner's Sent folder (known once connected). */
  readonly isSent: () => boolean;
  /** The watch was stopped: leave the batch where it is. */
  readonly stopped: () => boolean;
  /** A mail was stored (for the mailbox's "last message" status). */
  readonly onStored: () => void;
}

export class ImapBatchReader {
  constructor(private readonly deps: BatchReaderDeps) {}

  /**
   * Headers first; bodies only of what may concern kith; the cursor moves
   * as each is handled. `ahead.headers` are this batch's headers when the
   * batch before already asked for them; `ahead.next` is the batch after,
   * whose headers are asked for once this batch's last bodies are down, so
   * the server reads them while this batch is stored (returned as
   * `nextHeaders`). Which of them concern kith is only judged when their
   * turn comes, after everything before them is stored.
   */
  async read(
    client: ImapFlow,
    path: string,
    cursor: SyncCursor,
    batch: number[],
    ahead: { headers?: HeadersAhead; next?: readonly number[] } = {},
  ): Promise<{ cursor: SyncCursor; nextHeaders?: HeadersAhead }> {
    let nextHeaders: HeadersAhead | undefined;
    const askForNext = () => {
      if (!nextHeaders && ahead.next && !this.deps.stopped() && client.usable) {
        nextHeaders = this.fetchHeaders(client, ahead.next).then(
          (summaries) => ({ summaries }),
          (error: unknown) => ({ error }),
        );
      }
    };
    const relevant = await this.relevantAmong(
      client,
      ahead.headers ? unwrapHeaders(await ahead.headers) : await this.fetchHeaders(client, batch),
    );
    const plans = await this.partPlans(client, relevant);
    // What the download would be: the parts kith reads, or the whole mail.
    const bytesOf = (s: HeaderSummary) => plans.get(s.uid)?.plan.keptBytes ?? s.size;
    const cap = this.deps.maxMessageBytes;
    const tooLarge = relevant.filter((s) => bytesOf(s) > cap);
    const wanted = relevant.filter((s) => bytesOf(s) <= cap);
    const checkpoint = new Checkpoint(path, cursor, [...relevant.map((s) => s.uid)]);

    for (const s of tooLarge) {
      const what = plans.has(s.uid)
        ? `the parts kith reads come to ${bytesOf(s)} bytes`
        : `${s.size} bytes`;
      await this.deps.ingester.quarantine(
        {
          source: `imap:${path}:${s.uid}`,
          reason: `too large: ${what}, over KITH_MAX_MESSAGE_BYTES (${cap}); not downloaded`,
          messageId: s.messageId,
          subject: s.subject,
          size: s.size,
          from: s.from[0] ?? null,
        },
        checkpoint.saver(s.uid, this.deps.now),
      );
      this.deps.stats.quarantined += 1;
    }
    // One window of ingests for all of the batch's body FETCHes: the next FETCH
    // is on its way while the last messages of the one before are stored,
    // instead of the pipeline running dry at every group.
    const inFlight: InFlight = { pending: [] };
    let interrupted = false;
    const groups = bodyGroups(wanted, bytesOf);
    // The next group downloads while this one's mail is parsed and stored.
    // Settled at once into a value: a failed download is rethrown when its
    // turn comes, not left as a rejection nobody is waiting for yet.
    const downloadOf = (group: HeaderSummary[] | undefined) =>
      group && !this.deps.stopped() && client.usable
        ? downloadBodies(client, group, plans, this.deps.stats).then(
            (bodies) => ({ bodies }),
            (error: unknown) => ({ error }),
          )
        : null;
    let next = downloadOf(groups[0]);
    if (!next) askForNext();
    try {
      for (const [i, group] of groups.entries()) {
        if (!next) {
          interrupted = true;
          break;
        }
        const downloaded = await next;
        if ('error' in downloaded) throw downloaded.error;
        next = downloadOf(groups[i + 1]);
        if (!next) askForNext();
        await this.ingestGroup(path, group, downloaded.bodies, checkpoint, inFlight);
        if (inFlight.failure) break;
      }
    } finally {
      // A download started for a group that will not be read now: its mail stays on the server.
      await next;
      await Promise.all(inFlight.pending);
    }
    // A failure aborts the catch-up: the cursor stops before the message that failed.
    if (inFlight.failure) throw inFlight.failure.error;
    if (interrupted) return { cursor: checkpoint.cursor, nextHeaders };
    const last = batch[batch.length - 1];
    const after =
      last === undefined
        ? cursor
        : { uidValidity: cursor.uidValidity, lastUid: Math.max(cursor.lastUid, last) };
    await saveSyncState(this.deps.db, path, after, this.deps.now().toISOString());
    return { cursor: after, nextHeaders };
  }

  /** One FETCH of a batch's headers, as summaries in UID order (nothing is judged yet). */
  private async fetchHeaders(client: ImapFlow, batch: readonly number[]): Promise<HeaderSummary[]> {
    const fetched: HeaderSummary[] = [];
    for await (const message of client.fetch(
      uidSet(batch),
      { uid: true, size: true, headers: [...HEADER_FIELDS] },
      { uid: true },
    )) {
      fetched.push(summarizeHeaders(message));
    }
    this.deps.stats.headersFetched += fetched.length;
    return fetched.sort((a, b) => a.uid - b.uid);
  }

  /**
   * The headers pass over one batch: what may concern kith, in UID order.
   * A method of its own so the batch's lookups are garbage as soon as it
   * returns, not kept (and promoted to V8's old space) for as long as the
   * bodies take.
   */
  private async relevantAmong(
    client: ImapFlow,
    fetched: readonly HeaderSummary[],
  ): Promise<HeaderSummary[]> {
    const keys = lookupKeys(fetched);
    const index = await this.deps.ingester.relevanceIndex(keys.addresses, keys.ids);
    const summaries = await this.addStructure(client, fetched, index);
    return this.selectRelevant(summaries, index);
  }

  /**
   * Relevance in UID order, remembering what earlier relevant mail in the
   * batch mentions: a reply right after the BCC copy of its outreach is
   * relevant although the outreach is not stored yet.
   */
  private selectRelevant(
    summaries: readonly HeaderSummary[],
    index: RelevanceIndex,
  ): HeaderSummary[] {
    const pendingAddresses = new Set<string>();
    const pendingIds = new Set<string>();
    const widened: RelevanceIndex = {
      isOwner: index.isOwner,
      isServiceAddress: index.isServiceAddress,
      isKnownAddress: (a) => index.isKnownAddress(a) || pendingAddresses.has(a),
      isKnownMessageId: (id) => index.isKnownMessageId(id) || pendingIds.has(id),
    };
    const out: HeaderSummary[] = [];
    for (const s of summaries) {
      if (!mayConcernKith(s, widened, { isSent: this.deps.isSent() })) continue;
      out.push(s);
      for (const a of allAddresses(s)) {
        if (!index.isOwner(a) && !index.isServiceAddress(a)) pendingAddresses.add(a);
      }
      for (const id of s.threadIds) pendingIds.add(id);
    }
    return out;
  }

  /**
   * A second, narrow FETCH of the BODYSTRUCTURE for mail the headers leave
   * open: not relevant by address or thread, but multipart and not bulk, so
   * it may carry an invite (from a contact's assistant, say).
   */
  private async addStructure(
    client: ImapFlow,
    summaries: readonly HeaderSummary[],
    index: RelevanceIndex,
  ): Promise<readonly HeaderSummary[]> {
    const mailbox = { isSent: this.deps.isSent() };
    const open = summaries.filter(
      (s) => mayHideCalendarPart(s) && !mayConcernKith(s, index, mailbox),
    );
    if (open.length === 0) return summaries;
    const byUid = new Map(summaries.map((s) => [s.uid, s]));
    for await (const { uid, structure } of structuresOf(
      client,
      open.map((s) => s.uid),
    )) {
      const summary = byUid.get(uid);
      if (summary) byUid.set(uid, withStructure(summary, structure));
    }
    this.deps.stats.structuresFetched += open.length;
    return summaries.map((s) => byUid.get(s.uid) ?? s);
  }

  /** Starts the ingests of a downloaded group, in UID order, within the window of IN_FLIGHT. */
  private async ingestGroup(
    path: string,
    group: readonly HeaderSummary[],
    bodies: ReadonlyMap<number, Body>,
    checkpoint: Checkpoint,
    inFlight: InFlight,
  ): Promise<void> {
    for (const { uid } of group) {
      const body = bodies.get(uid);
      // Expunged between the headers and the bodies: gone, so nothing is left to handle.
      if (!body) {
        checkpoint.handled(uid);
        continue;
      }
      const { raw, message } = body;
      this.deps.stats.bodiesFetched += 1;
      this.deps.stats.bodyBytes += raw.length;
      const receivedAt = message.internalDate ? new Date(message.internalDate) : this.deps.now();
      const outcome = this.deps.ingester.ingest(raw, {
        label: `imap:${path}:${uid}`,
        receivedAt,
        // Only the owner's own client files mail in \Sent; INBOX takes anyone's.
        origin: this.deps.isSent() ? 'sent' : 'mailbox',
        checkpoint: checkpoint.saver(uid, this.deps.now),
      });
      inFlight.pending.push(
        outcome.then(
          (result) => {
            this.deps.stats.handled += 1;
            if (result.status === 'quarantined') this.deps.stats.quarantined += 1;
            if (result.status === 'stored') this.deps.onStored();
          },
          (error: unknown) => {
            inFlight.failure ??= { error };
            checkpoint.freeze();
          },
        ),
      );
      if (inFlight.pending.length >= IN_FLIGHT) await inFlight.pending.shift();
      if (inFlight.failure) return;
    }
  }

  /**
   * Which of the big relevant messages to fetch as parts, from their
   * BODYSTRUCTURE: the one the headers pass already has, else one FETCH.
   */
  private async partPlans(
    client: ImapFlow,
    relevant: readonly HeaderSummary[],
  ): Promise<PartPlans> {
    const big = relevant.filter((s) => s.size >= PART_FETCH_MIN_BYTES);
    const structures = new Map<number, MessageStructureObject>();
    for (const s of big) if (s.structure) structures.set(s.uid, s.structure);
    const missing = big.filter((s) => !s.structure).map((s) => s.uid);
    for await (const { uid, structure } of structuresOf(client, missing)) {
      structures.set(uid, structure);
    }
    const plans: PartPlans = new Map();
    for (const [uid, structure] of structures) {
      const plan = planPartFetch(structure);
      if (plan) plans.set(uid, { plan, structure });
    }
    return plans;
  }
}

/** The BODYSTRUCTURE of each of `uids`, in FETCHes whose UID sets fit a command line. */
async function* structuresOf(
  client: ImapFlow,
  uids: readonly number[],
): AsyncGenerator<{ uid: number; structure: MessageStructureObject }> {
  for (const part of uidBatches(uids)) {
    for await (const message of client.fetch(
      uidSet(part),
      { uid: true, bodyStructure: true },
      { uid: true },
    )) {
      if (message.bodyStructure) yield { uid: message.uid, structure: message.bodyStructure };
    }
  }
}

/**
 * A batch's headers asked for ahead, settled into a value at once: a failed
 * FETCH is rethrown when the batch's turn comes, not left as a rejection
 * nobody is waiting for yet.
 */
export type HeadersAhead = Promise<{ summaries: HeaderSummary[] } | { error: unknown }>;

function unwrapHeaders(settled: { summaries: HeaderSummary[] } | { error: unknown }) {
  if ('error' in settled) throw settled.error;
  return settled.summaries;
}

/** Ingests started by a batch's body FETCHes and not yet settled; the first failure. */
interface InFlight {
  readonly pending: Promise<void>[];
  failure?: { error: unknown };
}

/**
 * Tracks which relevant UIDs of a batch are handled so the stored cursor
 * only moves past a UID once every relevant UID below it is done — also if
 * the server answers a FETCH out of order.
 */
class Checkpoint {
  private readonly pending: number[];
  constructor(
    private readonly path: string,
    public cursor: SyncCursor,
    relevant: number[],
  ) {
    this.pending = [...relevant].sort((a, b) => a - b);
  }

  // After a failed ingest, a later commit must not carry the cursor past the failed UID.
  private frozen = false;

  freeze(): void {
    this.frozen = true;
  }

  handled(uid: number): SyncCursor {
    const at = this.pending.indexOf(uid);
    if (at !== -1) this.pending.splice(at, 1);
    const lowestOpen = this.pending[0];
    const safe = lowestOpen === undefined ? uid : Math.min(uid, lowestOpen - 1);
    if (safe > this.cursor.lastUid)
      this.cursor = { uidValidity: this.cursor.uidValidity, lastUid: safe };
    return this.cursor;
  }

  /** Saves the cursor inside the ingest transaction of `uid`. */
  saver(uid: number, now: () => Date): (trx: Db) => Promise<void> {
    return async (trx) => {
      if (this.frozen) return;
      const next = this.handled(uid);
      await saveSyncState(trx, this.path, next, now().toISOString());
    };
  }
}
