import type { Db } from '../db/database.js';
import { addressToLearn } from '../pipeline/address-learning.js';
import type { ClassifyContext } from '../pipeline/classify.js';
import type { MailMessage } from '../pipeline/mail.js';

/**
 * Remembers a contact's other address when their reply in a known thread
 * comes from it (pure rule: pipeline/address-learning.ts), so their next
 * new mail from it finds them instead of making a second contact. Runs in
 * the ingest transaction; returns a remark, or null when nothing was learned.
 */
export async function learnSenderAddress(
  db: Db,
  message: MailMessage,
  contactId: number,
  matchedBy: 'in-reply-to' | 'references' | 'address' | 'kith-reference',
  context: ClassifyContext,
  at: string,
): Promise<string | null> {
  const sender = message.from?.address.toLowerCase();
  if (!sender) return null;
  const contact = await db
    .selectFrom('contacts')
    .select(['name', 'stage'])
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!contact) return null;
  // The context only holds the addresses classify looked up; ask again so
  // an address another contact owns is never moved.
  const owner =
    context.contacts.get(sender)?.contactId ??
    (
      await db
        .selectFrom('contact_emails')
        .select('contact_id')
        .where('address', '=', sender)
        .executeTakeFirst()
    )?.contact_id ??
    null;
  const decision = addressToLearn({
    message,
    matchedBy,
    contactName: contact.name,
    senderOwnerId: owner,
  });
  if (!decision.learn) return null;
  const inserted = await db
    .insertInto('contact_emails')
    .values({
      contact_id: contactId,
      address: decision.address,
      is_primary: 0,
      learned_cause: decision.cause,
      learned_at: at,
    })
    .onConflict((oc) => oc.column('address').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return null;
  // A history row that is not a move: the stage stays, the cause is told.
  await db
    .insertInto('stage_history')
    .values({
      contact_id: contactId,
      from_stage: contact.stage,
      to_stage: contact.stage,
      at,
      cause: decision.cause,
      manual: 0,
      source_message_id: message.messageId,
    })
    .execute();
  return decision.cause;
}
