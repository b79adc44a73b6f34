import { applyStageEvent } from '../db/contacts.js';
import { type Db, inTransaction } from '../db/database.js';
import { createThread } from '../db/inbox-queries.js';
import { recordMessage } from '../db/messages.js';
import type { OutboxRow } from '../db/schema.js';
import { subjectKey } from '../pipeline/subject-key.js';
import { addressesIn } from './mime.js';

/**
 * An outreach kith sent is recorded on the contact the moment it leaves, as
 * the BCC copy would record it: a message row under the outbox row's own
 * Message-ID and the move to contacted (which starts the follow-up timer).
 * Without this the default setup (.eml files, no BCC copy ever arriving)
 * left the contact a prospect. The Message-ID makes it happen once: a BCC or
 * Sent copy read later is a known message and changes nothing, and one read
 * earlier leaves nothing for this to do.
 */
export async function recordSentOutreach(
  db: Db,
  row: OutboxRow,
  from: string,
  at: string,
): Promise<boolean> {
  if (row.kind !== 'outreach' || row.audience !== 'contact' || row.contact_id === null)
    return false;
  const contactId = row.contact_id;
  return inTransaction(db, async (trx) => {
    const contact = await trx
      .selectFrom('contacts')
      .select('id')
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!contact) return false;
    const known = await trx
      .selectFrom('messages')
      .select('id')
      .where('message_id', '=', row.message_id)
      .executeTakeFirst();
    if (known) return false;
    const key = subjectKey(row.subject);
    const thread =
      (
        await trx
          .selectFrom('threads')
          .select('id')
          .where('contact_id', '=', contactId)
          .where('subject_key', '=', key)
          .orderBy('id', 'desc')
          .executeTakeFirst()
      )?.id ?? (await createThread(trx, contactId, key, at)).id;
    await recordMessage(trx, {
      message_id: row.message_id,
      thread_id: thread,
      contact_id: contactId,
      direction: 'out',
      kind: 'outreach',
      from_address: from,
      to_addresses: addressesIn(row.to_address).join(', '),
      subject: row.subject,
      date: at,
      in_reply_to: row.in_reply_to,
      references: row.references,
      text: row.body_text,
      created_at: at,
    });
    await applyStageEvent(
      trx,
      contactId,
      { type: 'outreach_seen' },
      {
        at,
        cause: `outreach "${row.subject.slice(0, 160)}" sent through kith`,
        sourceMessageId: row.message_id,
      },
    );
    return true;
  });
}
