import { canonicalAddress } from '../pipeline/address.js';
import type { Db } from './database.js';

/**
 * Queries the inbox needs: thread and message lookups by Message-ID, the
 * IMAP sync cursor, quarantine, dead addresses and out-of-office dates.
 * Every function takes `db` first, which may be a transaction.
 */

// SQLite allows 32766 bound parameters; stay far below for any `IN (...)`.
const IN_CHUNK = 500;

async function inChunks<T>(values: readonly string[], query: (chunk: string[]) => Promise<T[]>) {
  const out: T[] = [];
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    out.push(...(await query(unique.slice(i, i + IN_CHUNK))));
  }
  return out;
}

/**
 * True when a message with this Message-ID was already stored, refused or
 * put aside — except quarantine rows whose reason starts with one of
 * `retryPrefixes` (a failure to store, or mail waiting for proof, which a
 * later read may settle).
 */
export async function isMessageKnown(
  db: Db,
  messageId: string,
  retryPrefixes: string | readonly string[] = [],
): Promise<boolean> {
  // Two plain lookups, not one UNION ALL … LIMIT 1: in-process SQLite has no
  // round trips to save, and the compound query measured 55-65 µs against
  // 14 µs for both of these, on every message read.
  const stored = await db
    .selectFrom('messages')
    .select('id')
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  if (stored) return true;
  const prefixes = typeof retryPrefixes === 'string' ? [retryPrefixes] : retryPrefixes;
  let query = db.selectFrom('quarantine').select('id').where('message_id', '=', messageId);
  for (const prefix of prefixes) query = query.where('reason', 'not like', `${prefix}%`);
  const row = await query.executeTakeFirst();
  return row !== undefined;
}

/** Which of `ids` wait in quarantine under a reason starting with `prefix`. */
export async function quarantinedIdsWith(
  db: Db,
  ids: readonly string[],
  prefix: string,
): Promise<Set<string>> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('quarantine')
      .select('message_id')
      .where('message_id', 'in', chunk)
      .where('reason', 'like', `${prefix}%`)
      .execute(),
  );
  return new Set(rows.map((r) => r.message_id as string));
}

/** Removes the quarantine rows of one Message-ID whose reason starts with `prefix` (settled since). */
export async function clearQuarantined(db: Db, messageId: string, prefix: string): Promise<void> {
  await db
    .deleteFrom('quarantine')
    .where('message_id', '=', messageId)
    .where('reason', 'like', `${prefix}%`)
    .execute();
}

/** Which of `ids` name mail kith stored or sent (messages and outbox). */
export async function knownMessageIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const stored = await inChunks(ids, (chunk) =>
    db.selectFrom('messages').select('message_id').where('message_id', 'in', chunk).execute(),
  );
  const sent = await inChunks(ids, (chunk) =>
    db.selectFrom('outbox').select('message_id').where('message_id', 'in', chunk).execute(),
  );
  return new Set([...stored, ...sent].map((r) => r.message_id));
}

/** Which of `addresses` (lower-case) belong to a contact. */
export async function knownAddresses(db: Db, addresses: readonly string[]): Promise<Set<string>> {
  const rows = await inChunks(addresses, (chunk) =>
    db.selectFrom('contact_emails').select('address').where('address', 'in', chunk).execute(),
  );
  return new Set(rows.map((r) => r.address));
}

/** A stored thread a set of Message-IDs points into. */
export interface StoredThread {
  readonly threadId: number;
  readonly contactId: number;
  readonly subjectKey: string;
  /** The referenced Message-ID that matched. */
  readonly messageId: string;
}

/**
 * Threads of stored messages whose Message-ID is among `ids`, most recent
 * message first; the caller decides which header may match which thread.
 */
export async function threadsByMessageIds(db: Db, ids: readonly string[]): Promise<StoredThread[]> {
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('messages')
      .innerJoin('threads', 'threads.id', 'messages.thread_id')
      .select([
        'threads.id as threadId',
        'threads.contact_id as contactId',
        'threads.subject_key as subjectKey',
        'messages.message_id as messageId',
        'messages.date as date',
      ])
      .where('messages.message_id', 'in', chunk)
      .execute(),
  );
  return rows
    .sort((a, b) => b.date.localeCompare(a.date))
    .map(({ threadId, contactId, subjectKey, messageId }) => ({
      threadId,
      contactId,
      subjectKey,
      messageId,
    }));
}

/** Outbox mail (kith's own) with one of these Message-IDs, e.g. what an owner replied to. */
export async function outboxByMessageIds(db: Db, ids: readonly string[]) {
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('outbox')
      .select([
        'id',
        'message_id',
        'kind',
        'audience',
        'contact_id',
        'meeting_id',
        'draft_id',
        'state',
        'body_text',
      ])
      .where('message_id', 'in', chunk)
      .execute(),
  );
}

export async function createThread(db: Db, contactId: number, subjectKey: string, at: string) {
  return db
    .insertInto('threads')
    .values({ contact_id: contactId, subject_key: subjectKey, created_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

// --- IMAP sync cursor -------------------------------------------------------

export async function getSyncState(db: Db, mailbox: string) {
  return db.selectFrom('sync_state').selectAll().where('mailbox', '=', mailbox).executeTakeFirst();
}

/**
 * Stores the cursor; moving it backwards within one UIDVALIDITY is refused.
 * One statement, because it runs inside every message's transaction.
 */
export async function saveSyncState(
  db: Db,
  mailbox: string,
  cursor: { readonly uidValidity: string; readonly lastUid: number },
  at: string,
): Promise<void> {
  await db
    .insertInto('sync_state')
    .values({
      mailbox,
      uid_validity: cursor.uidValidity,
      last_uid: cursor.lastUid,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc
        .column('mailbox')
        .doUpdateSet((eb) => ({
          uid_validity: eb.ref('excluded.uid_validity'),
          last_uid: eb.ref('excluded.last_uid'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where((eb) =>
          eb.or([
            eb('sync_state.uid_validity', '!=', eb.ref('excluded.uid_validity')),
            eb('sync_state.last_uid', '<', eb.ref('excluded.last_uid')),
          ]),
        ),
    )
    .execute();
}

// --- quarantine -------------------------------------------------------------

export interface QuarantineInput {
  /** Where it came from: imap:INBOX:123, maildir:<file>, file:<path>. */
  readonly source: string;
  /** Why; refused (forged) owner mail starts with `refused:`. */
  readonly reason: string;
  readonly messageId?: string | null;
  readonly subject?: string | null;
  readonly size?: number | null;
  /** The sender's address, so mail from a known contact can be shown to the owner. */
  readonly from?: string | null;
}

export async function addToQuarantine(db: Db, input: QuarantineInput, at: string): Promise<void> {
  await db
    .insertInto('quarantine')
    .values({
      source: input.source,
      reason: input.reason,
      message_id: input.messageId ?? null,
      subject: input.subject ? input.subject.slice(0, 500) : null,
      size: input.size ?? null,
      from_address: input.from ? canonicalAddress(input.from) : null,
      created_at: at,
    })
    .execute();
}

// --- dead addresses ---------------------------------------------------------

/** Marks a stored address (as stored) dead, with the bounce's reason. Whether it should be is decide-inbound.ts's. */
export async function markAddressDead(db: Db, address: string, reason: string, at: string) {
  await db
    .updateTable('contact_emails')
    .set({ dead_at: at, dead_reason: reason.slice(0, 500) })
    .where('address', '=', address)
    .execute();
}

// --- out-of-office return dates --------------------------------------------

/*
 * contacts.away_until; the scheduler reads it before planning a follow-up
 * (src/db/scheduler-contact-queries.ts).
 */

/** Keeps a contact's out-of-office return date. Which date to keep is src/pipeline/away.ts's. */
export async function setAwayUntil(db: Db, contactId: number, until: string) {
  await db.updateTable('contacts').set({ away_until: until }).where('id', '=', contactId).execute();
}

/**
 * The exact draft text an approval request showed the owner. Requests made
 * before kith stored it count only while the draft's text still stands
 * word for word in the request's mail.
 */
export async function approvalTextOf(db: Db, requestId: number): Promise<string | null> {
  const request = await db
    .selectFrom('outbox')
    .select(['approval_text', 'body_text', 'draft_id'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!request || request.draft_id === null) return null;
  if (request.approval_text !== null) return request.approval_text;
  const draft = await db
    .selectFrom('outbox')
    .select('body_text')
    .where('id', '=', request.draft_id)
    .executeTakeFirst();
  return draft && request.body_text.includes(draft.body_text.trim()) ? draft.body_text : null;
}
