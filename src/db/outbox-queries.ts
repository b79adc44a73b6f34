import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import {
  allowedFrom,
  type OutboxAction,
  outboxStep,
  STILL_TO_SEND_STATES,
  targetOf,
} from '../pipeline/outbox-lifecycle.js';
import type { Db } from './database.js';
import type {
  Database,
  Message,
  NewOutboxRow,
  OutboxRow,
  OutboxState,
  OutboxTable,
} from './schema.js';

/** Queries on the `outbox` table: every mail kith sends passes through it. */

type Executor = Db | Transaction<Database>;

export async function findOutboxById(db: Executor, id: number): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** `messageId` with or without angle brackets. */
export async function findOutboxByMessageId(
  db: Executor,
  messageId: string,
): Promise<OutboxRow | undefined> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('message_id', '=', stripBrackets(messageId))
    .executeTakeFirst();
}

export function stripBrackets(messageId: string): string {
  return messageId.trim().replace(/^<|>$/g, '');
}

/**
 * Inserts a row whose Message-ID depends on its own id (signed references
 * such as `o17`): a unique placeholder first, then the real id, in one
 * transaction so nobody ever sees the placeholder.
 */
export async function insertOutboxRow(
  trx: Executor,
  values: Omit<NewOutboxRow, 'message_id'>,
  messageIdFor: (id: number) => string,
): Promise<OutboxRow> {
  const inserted = await trx
    .insertInto('outbox')
    .values({ ...values, message_id: `pending.${randomUUID()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return trx
    .updateTable('outbox')
    .set({ message_id: messageIdFor(inserted.id) })
    .where('id', '=', inserted.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A draft of this kind for this contact (and meeting) that is still to be sent, if any. */
export async function findDraftStillToSend(
  db: Executor,
  kind: string,
  contactId: number,
  meetingId: number | null,
): Promise<OutboxRow | undefined> {
  let query = db
    .selectFrom('outbox')
    .selectAll()
    .where('audience', '=', 'contact')
    .where('kind', '=', kind)
    .where('contact_id', '=', contactId)
    .where('state', 'in', STILL_TO_SEND_STATES);
  query =
    meetingId === null
      ? query.where('meeting_id', 'is', null)
      : query.where('meeting_id', '=', meetingId);
  return query.orderBy('id', 'desc').executeTakeFirst();
}

/** What moveOutboxRow did: the row moved, or why it did not (src/pipeline/outbox-lifecycle.ts). */
export type OutboxMove =
  | { readonly moved: true }
  | { readonly moved: false; readonly reason: string };

/**
 * Carries out `action` on a row with `changes`, atomically: the row moves
 * only from a state the lifecycle table allows the action from (someone
 * else may have acted first), and a refusal says why, in the table's words.
 */
export async function moveOutboxRow(
  db: Executor,
  id: number,
  action: OutboxAction,
  changes: Partial<Omit<OutboxTable, 'id' | 'message_id' | 'state'>> & { updated_at: string },
): Promise<OutboxMove> {
  const result = await db
    .updateTable('outbox')
    .set({ ...changes, state: targetOf(action) })
    .where('id', '=', id)
    .where('state', 'in', allowedFrom(action))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return { moved: true };
  // Refusals are rare: only then is the row read again to name its state.
  const row = await db.selectFrom('outbox').select('state').where('id', '=', id).executeTakeFirst();
  if (!row) return { moved: false, reason: `there is no outbox row #${id}` };
  const step = outboxStep(row.state, action);
  return { moved: false, reason: step.allowed ? 'it changed meanwhile' : step.reason };
}

/**
 * Approved mail for one audience whose time has come, oldest first. The send
 * loop asks per audience so that owner mail held by the hourly cap can never
 * fill the batch and starve approved mail to contacts.
 */
export async function dueForSending(
  db: Executor,
  now: string,
  audience: OutboxRow['audience'],
  limit: number,
): Promise<OutboxRow[]> {
  if (limit <= 0) return [];
  return dueQuery(db, now, audience)
    .selectAll()
    .orderBy('send_after')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** How many approved mails for one audience are due (what the hourly cap holds back). */
export async function countDue(
  db: Executor,
  now: string,
  audience: OutboxRow['audience'],
): Promise<number> {
  const row = await dueQuery(db, now, audience)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function dueQuery(db: Executor, now: string, audience: OutboxRow['audience']) {
  return db
    .selectFrom('outbox')
    .where('state', '=', 'approved')
    .where('audience', '=', audience)
    .where((eb) => eb.or([eb('send_after', 'is', null), eb('send_after', '<=', now)]));
}

/** Snoozed drafts whose snooze is over. */
export async function snoozeOver(db: Executor, now: string): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('state', '=', 'snoozed')
    .where('send_after', '<=', now)
    .orderBy('id')
    .execute();
}

export async function rowsInState(
  db: Executor,
  states: readonly OutboxState[],
): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('state', 'in', [...states])
    .orderBy('id')
    .execute();
}

/** Records that `id` now has a copy in the IMAP Drafts folder. */
export async function markDraftsCopy(db: Executor, id: number, at: string): Promise<void> {
  await db.updateTable('outbox').set({ drafts_copy_at: at }).where('id', '=', id).execute();
}

/** Records that `id`'s copy in the IMAP Drafts folder is gone. */
export async function clearDraftsCopy(db: Executor, id: number): Promise<void> {
  await db.updateTable('outbox').set({ drafts_copy_at: null }).where('id', '=', id).execute();
}

/** Rows with a copy in the IMAP Drafts folder. */
export async function rowsWithDraftsCopy(db: Executor): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('drafts_copy_at', 'is not', null)
    .orderBy('id')
    .execute();
}

/** Owner mail sent (or being sent) since `since`: what the hourly cap counts. */
export async function countOwnerMailSince(db: Executor, since: string): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('audience', '=', 'owner')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'sent'), eb('sent_at', '>=', since)]),
        eb('state', '=', 'sending'),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many approval requests were already made for a draft. */
export async function countApprovalRequests(db: Executor, draftId: number): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'approval_request')
    .where('draft_id', '=', draftId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The contact's live address to write to: primary first, never a dead one. */
export async function liveAddressOf(db: Executor, contactId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('contact_emails')
    .select('address')
    .where('contact_id', '=', contactId)
    .where('dead_at', 'is', null)
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .executeTakeFirst();
  return row?.address;
}

/**
 * The newest human message with the contact: the one a new mail should answer.
 * The owner's replies to kith (notes, approve/skip) are stored under the contact
 * but are private: threading on one would put kith's and the owner's own
 * Message-IDs into mail to the contact and break their thread.
 */
export async function latestThreadMessage(
  db: Executor,
  contactId: number,
): Promise<Message | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('kind', 'not in', ['bounce', 'auto_reply', 'owner_note', 'owner_command'])
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * The contact's newest mail written by a person (not an auto-reply or a
 * bounce), newest by whichever is later: when it was written or when kith
 * recorded it.
 */
export async function latestHumanReply(
  db: Executor,
  contactId: number,
): Promise<{ date: string; recordedAt: string } | undefined> {
  return db
    .selectFrom('messages')
    .select(['date', 'created_at as recordedAt'])
    .where('contact_id', '=', contactId)
    .where('direction', '=', 'in')
    .where('kind', 'not in', ['auto_reply', 'bounce'])
    .orderBy(sql`max(date, created_at)`, 'desc')
    .executeTakeFirst();
}
