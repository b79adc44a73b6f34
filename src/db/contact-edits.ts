import { laterReturnDate } from '../pipeline/away.js';
import { isStillAhead } from '../pipeline/meeting-rules.js';
import { STOPPABLE_STATES } from '../pipeline/outbox-lifecycle.js';
import { JOURNEY, STAGE_LABELS, type Stage } from '../pipeline/stages.js';
import { normalizeAddress, primaryAddress } from './contacts.js';
import { type Db, inTransaction } from './database.js';
import type { Contact } from './schema.js';

/**
 * The owner's edits of whole contacts: addresses, delete and merge. Each
 * runs in one transaction, so a contact is never left half merged.
 */

/** Which contact holds an address (canonical form), if any. */
export async function addressHolder(db: Db, address: string): Promise<number | undefined> {
  return (
    await db
      .selectFrom('contact_emails')
      .select('contact_id')
      .where('address', '=', normalizeAddress(address))
      .executeTakeFirst()
  )?.contact_id;
}

/** Removes one of the contact's addresses; when it was primary, the oldest working one takes over. */
export async function removeAddress(db: Db, contactId: number, address: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .deleteFrom('contact_emails')
      .where('contact_id', '=', contactId)
      .where('address', '=', normalizeAddress(address))
      .returning('is_primary')
      .executeTakeFirst();
    if (!row) return false;
    if (row.is_primary) await pickPrimary(trx, contactId);
    return true;
  });
}

/** Makes one of the contact's addresses its primary (the one kith writes to first). */
export async function makePrimary(db: Db, contactId: number, address: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('contact_emails')
      .select('id')
      .where('contact_id', '=', contactId)
      .where('address', '=', normalizeAddress(address))
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable('contact_emails')
      .set({ is_primary: 0 })
      .where('contact_id', '=', contactId)
      .execute();
    await trx
      .updateTable('contact_emails')
      .set({ is_primary: 1 })
      .where('id', '=', row.id)
      .execute();
    return true;
  });
}

async function pickPrimary(db: Db, contactId: number): Promise<void> {
  const next = await db
    .selectFrom('contact_emails')
    .select('id')
    .where('contact_id', '=', contactId)
    .orderBy((eb) => eb.case().when('dead_at', 'is', null).then(0).else(1).end())
    .orderBy('id')
    .executeTakeFirst();
  if (next)
    await db
      .updateTable('contact_emails')
      .set({ is_primary: 1 })
      .where('id', '=', next.id)
      .execute();
}

/** What deleting a contact removes, for the confirmation page. */
export interface DeletionPreview {
  readonly messages: number;
  readonly meetings: number;
  readonly upcomingMeetings: number;
  readonly notes: number;
  readonly undecidedDrafts: number;
  readonly referrals: number;
}

async function countOf(
  db: Db,
  table: 'messages' | 'meetings' | 'notes' | 'advice',
  contactId: number,
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_id', '=', contactId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function previewDeletion(
  db: Db,
  contactId: number,
  now: string,
): Promise<DeletionPreview> {
  const meetings = await db
    .selectFrom('meetings')
    .select(['status', 'ends_at'])
    .where('contact_id', '=', contactId)
    .execute();
  const upcoming = meetings.filter((m) =>
    isStillAhead({ status: m.status, end: m.ends_at }, now),
  ).length;
  const drafts = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_id', '=', contactId)
    .where('audience', '=', 'contact')
    .where('state', 'in', STOPPABLE_STATES)
    .executeTakeFirstOrThrow();
  const referrals = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('referred_by_id', '=', contactId)
    .executeTakeFirstOrThrow();
  return {
    messages: await countOf(db, 'messages', contactId),
    meetings: await countOf(db, 'meetings', contactId),
    upcomingMeetings: upcoming,
    notes: (await countOf(db, 'notes', contactId)) + (await countOf(db, 'advice', contactId)),
    undecidedDrafts: Number(drafts.n),
    referrals: Number(referrals.n),
  };
}

/**
 * Deletes a contact with its addresses, meetings, notes, advice, threads and
 * history. Its messages stay as bare tombstones (Message-ID, kind, date; no
 * contact, subject or text): the Message-ID must stay known, or the next
 * resync or backfill would read the same mail again and bring the person
 * back. Undecided drafts to them are skipped; the outbox keeps its log with
 * no contact. People they referred stay, referred by nobody.
 */
export async function deleteContact(db: Db, contactId: number, at: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const exists = await trx
      .selectFrom('contacts')
      .select('id')
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!exists) return false;
    await trx
      .updateTable('messages')
      .set({ contact_id: null, thread_id: null, subject: '', text: '' })
      .where('contact_id', '=', contactId)
      .execute();
    // The lifecycle's skip, for all of the contact's mail at once: none of it ever goes out.
    await trx
      .updateTable('outbox')
      .set({
        state: 'skipped',
        send_after: null,
        last_error: 'the contact was deleted',
        updated_at: at,
      })
      .where('contact_id', '=', contactId)
      .where('audience', '=', 'contact')
      .where('state', 'in', STOPPABLE_STATES)
      .execute();
    await trx
      .updateTable('outbox')
      .set({ contact_id: null, meeting_id: null })
      .where('contact_id', '=', contactId)
      .execute();
    await trx.deleteFrom('contacts').where('id', '=', contactId).execute();
    return true;
  });
}

/** Further along the main road wins; a side exit only over a prospect. */
function mergedStage(kept: Contact, gone: Contact): { stage: Stage; since: string } {
  const rank = (s: string) => JOURNEY.indexOf(s as Stage);
  const a = rank(kept.stage);
  const b = rank(gone.stage);
  const takeGone = (b > a && b > 0) || (a === 0 && b < 0);
  return takeGone
    ? { stage: gone.stage as Stage, since: gone.stage_changed_at }
    : { stage: kept.stage as Stage, since: kept.stage_changed_at };
}

export interface MergeResult {
  readonly keptId: number;
  readonly goneName: string;
  readonly stage: Stage;
}

/**
 * Merges `goneId` into `keptId`: addresses, threads, messages, meetings,
 * notes, advice, drafts and history move to the kept contact, its empty
 * details are filled from the other, people either referred now point to
 * it, and a history row records the merge. The other contact is then gone.
 */
export async function mergeContacts(
  db: Db,
  keptId: number,
  goneId: number,
  at: string,
): Promise<MergeResult | undefined> {
  return inTransaction(db, async (trx) => {
    const load = (id: number) =>
      trx.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    const kept = await load(keptId);
    const gone = await load(goneId);
    if (!kept || !gone || keptId === goneId) return undefined;
    const keptHasPrimary = await trx
      .selectFrom('contact_emails')
      .select('id')
      .where('contact_id', '=', keptId)
      .where('is_primary', '=', 1)
      .executeTakeFirst();
    await trx
      .updateTable('contact_emails')
      .set(keptHasPrimary ? { contact_id: keptId, is_primary: 0 } : { contact_id: keptId })
      .where('contact_id', '=', goneId)
      .execute();
    for (const table of [
      'threads',
      'messages',
      'meetings',
      'notes',
      'advice',
      'outbox',
      'stage_history',
    ] as const) {
      await trx
        .updateTable(table)
        .set({ contact_id: keptId })
        .where('contact_id', '=', goneId)
        .execute();
    }
    await trx
      .updateTable('contacts')
      .set({ referred_by_id: keptId })
      .where('referred_by_id', '=', goneId)
      .where('id', '!=', keptId)
      .execute();
    const referrer = kept.referred_by_id ?? gone.referred_by_id;
    const { stage, since } = mergedStage(kept, gone);
    const zone = kept.time_zone
      ? {}
      : { time_zone: gone.time_zone, time_zone_source: gone.time_zone_source };
    await trx
      .updateTable('contacts')
      .set({
        name: kept.name ?? gone.name,
        company: kept.company ?? gone.company,
        title: kept.title ?? gone.title,
        linkedin_url: kept.linkedin_url ?? gone.linkedin_url,
        cadence_days: kept.cadence_days ?? gone.cadence_days,
        away_until: laterReturnDate(kept.away_until, gone.away_until),
        referred_by_id: referrer === keptId || referrer === goneId ? null : referrer,
        ...zone,
        stage,
        stage_changed_at: stage === kept.stage ? kept.stage_changed_at : since,
        updated_at: at,
      })
      .where('id', '=', keptId)
      .execute();
    const goneName = gone.name ?? `contact #${gone.id}`;
    await trx
      .insertInto('stage_history')
      .values({
        contact_id: keptId,
        from_stage: kept.stage,
        to_stage: stage,
        at,
        cause: `merged with ${goneName} (${STAGE_LABELS[gone.stage as Stage] ?? gone.stage}, from ${gone.source}): their addresses, mail, meetings, notes, advice and history are here now`,
        manual: 1,
        source_message_id: null,
      })
      .execute();
    await trx.deleteFrom('contacts').where('id', '=', goneId).execute();
    return { keptId, goneName, stage };
  });
}

/** Contacts to offer in a pick list, most recently changed first, with a working address. */
export async function contactChoices(
  db: Db,
  limit: number,
): Promise<{ id: number; name: string | null; email: string | null }[]> {
  return db
    .selectFrom('contacts as c')
    .select(['c.id', 'c.name', primaryAddress('c.id').as('email')])
    .orderBy('c.updated_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}
