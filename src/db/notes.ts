import type { Db } from './database.js';

/** Adds a note: written in the web UI, or in the owner's mail (`sourceMessageId`). */
export async function addNote(
  db: Db,
  contactId: number,
  body: string,
  at: string,
  sourceMessageId: string | null = null,
): Promise<number> {
  const row = await db
    .insertInto('notes')
    .values({
      contact_id: contactId,
      meeting_id: null,
      body,
      source_message_id: sourceMessageId,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
