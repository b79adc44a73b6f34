import type { Db } from '../db/database.js';
import { approvalTextOf, outboxByMessageIds, threadsByMessageIds } from '../db/inbox-queries.js';
import { verifySignedMessageId } from '../outbox/message-id.js';
import { addressForms, canonicalAddress } from '../pipeline/address.js';
import {
  addressesToLookUp,
  type ClassifyContext,
  type KithReference,
  type KnownContact,
  type ThreadMatch,
} from '../pipeline/classify.js';
import type { MailMessage } from '../pipeline/mail.js';
import type { Stage } from '../pipeline/stages.js';
import type { Extracted } from './prepare.js';

/**
 * Builds the plain-data ClassifyContext: the lookups from the database, and
 * the extraction prepare.ts already did (off the main thread).
 */

export interface ContextSettings {
  readonly ownerAddresses: readonly string[];
  readonly serviceAddress: string | null;
  readonly secret: string;
}

export async function buildContext(
  db: Db,
  message: MailMessage,
  extracted: Extracted,
  settings: ContextSettings,
): Promise<{
  context: ClassifyContext;
  /** Name and matched address of each contact found, for reporting without another query. */
  people: Map<number, { name: string | null; address: string }>;
}> {
  const { contacts, people } = await contactsFor(
    db,
    addressesToLookUp(message, extracted.calendarEvents),
  );
  const context: ClassifyContext = {
    ownerAddresses: settings.ownerAddresses,
    serviceAddress: settings.serviceAddress,
    contacts,
    thread: await findThread(db, message, contacts),
    kithReference: await findKithReference(db, message, settings.secret),
    ...extracted,
  };
  return { context, people };
}

async function contactsFor(db: Db, addresses: readonly string[]) {
  const contacts = new Map<string, KnownContact>();
  const people = new Map<number, { name: string | null; address: string }>();
  if (addresses.length === 0) return { contacts, people };
  const rows = await db
    .selectFrom('contact_emails')
    .innerJoin('contacts', 'contacts.id', 'contact_emails.contact_id')
    .select([
      'contact_emails.address',
      'contacts.id',
      'contacts.name',
      'contacts.stage',
      'contact_emails.dead_at',
    ])
    .where('contact_emails.address', 'in', [...new Set(addresses.flatMap(addressForms))])
    .execute();
  for (const r of rows) {
    // Keyed by the canonical form classify looks up, whatever spelling the row has.
    contacts.set(canonicalAddress(r.address), {
      contactId: r.id,
      stage: r.stage as Stage,
      dead: r.dead_at !== null,
    });
    if (!people.has(r.id)) people.set(r.id, { name: r.name, address: r.address });
  }
  return { contacts, people };
}

/**
 * The stored thread this mail answers: In-Reply-To first, then the newest
 * References entry kith knows. One outreach to several people is stored as
 * one message in the first recipient's thread; when a known contact answers
 * it, their own thread with the same subject is the right one.
 */
async function findThread(
  db: Db,
  message: MailMessage,
  contacts: ReadonlyMap<string, KnownContact>,
): Promise<ThreadMatch | null> {
  const candidates: [string, ThreadMatch['matchedBy']][] = [];
  if (message.inReplyTo) candidates.push([message.inReplyTo, 'in-reply-to']);
  for (const id of [...message.references].reverse()) {
    if (id !== message.inReplyTo) candidates.push([id, 'references']);
  }
  if (candidates.length === 0) return null;
  const found = await threadsByMessageIds(
    db,
    candidates.map(([id]) => id),
  );
  for (const [id, matchedBy] of candidates) {
    const hit = found.find((t) => t.messageId === id);
    if (!hit) continue;
    const sender = message.from ? contacts.get(message.from.address) : undefined;
    if (sender && sender.contactId !== hit.contactId) {
      const own = await db
        .selectFrom('threads')
        .select(['id', 'contact_id', 'subject_key'])
        .where('contact_id', '=', sender.contactId)
        .where('subject_key', '=', hit.subjectKey)
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (own) {
        return {
          contactId: own.contact_id,
          threadId: own.id,
          subjectKey: own.subject_key,
          matchedBy,
        };
      }
    }
    return {
      contactId: hit.contactId,
      threadId: hit.threadId,
      subjectKey: hit.subjectKey,
      matchedBy,
    };
  }
  return null;
}

/** A Message-ID kith signed among In-Reply-To/References, with what kith knows of that mail. */
async function findKithReference(
  db: Db,
  message: MailMessage,
  secret: string,
): Promise<KithReference | null> {
  const ids = [...new Set([message.inReplyTo, ...[...message.references].reverse()])].filter(
    (id): id is string => typeof id === 'string',
  );
  for (const id of ids) {
    const ref = verifySignedMessageId(secret, id);
    if (ref === null) continue;
    const [row] = await outboxByMessageIds(db, [id]);
    const asked = row?.draft_id ? await approvalTextOf(db, row.id) : null;
    return {
      ref,
      messageId: id,
      // A verified signature with no outbox row left (deleted) can only have gone to the owner's
      // side channel; without a row there is no draft to approve and no contact to note on.
      audience: row?.audience ?? 'owner',
      awaitsApproval: row ? row.draft_id !== null : false,
      draftText: asked,
      answeredText: row?.body_text ?? null,
      contactId: row?.contact_id ?? null,
    };
  }
  return null;
}
