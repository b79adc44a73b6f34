import type { Db } from './database.js';
import type { MessageTable } from './schema.js';

/**
 * The messages table is written here only: by the inbox's interpreter for
 * mail read (src/inbox/apply-inbound.ts) and by the outbox for an outreach
 * it sent itself (src/outbox/record-sent.ts). A row keeps the extracted new
 * text only, never the whole mail, and only for mail about a contact.
 */

export type MessageRecord = Omit<MessageTable, 'id'>;

export async function recordMessage(db: Db, row: MessageRecord): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}
