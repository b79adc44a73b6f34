import { OPEN_STATES } from '../pipeline/outbox-lifecycle.js';
import { type Db, inTransaction } from './database.js';

/** Drafts the scheduler makes because of a stage: what a move may have planned. */
const PLANNED_KINDS = ['follow_up', 'thank_you', 'keep_in_touch', 'referrer_update'];

/** The newest manual move of each contact, as history row ids: what an undo button names. */
export async function latestManualMoves(db: Db, contactIds: readonly number[]): Promise<number[]> {
  if (contactIds.length === 0) return [];
  const rows = await db
    .selectFrom('stage_history')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('contact_id', 'in', [...new Set(contactIds)])
    .where('manual', '=', 1)
    .groupBy('contact_id')
    .execute();
  return rows.map((r) => Number(r.id));
}

/**
 * Takes back moves by hand, named by their history rows: each contact goes
 * back to the stage it left (with that stage's original start, so its
 * clocks run as before), the undo is recorded in the history, and what the
 * move planned is removed — undecided drafts made since, and the scheduler's
 * records of jobs run since for the contact, so they are planned afresh when
 * they really fall due. A move that anything happened after (another move,
 * a mail that moved the contact) is left alone. Returns how many were undone.
 */
export async function undoManualMoves(
  db: Db,
  historyIds: readonly number[],
  now: Date,
): Promise<number> {
  let undone = 0;
  for (const historyId of new Set(historyIds)) {
    const ok = await inTransaction(db, async (trx) => {
      const move = await trx
        .selectFrom('stage_history')
        .selectAll()
        .where('id', '=', historyId)
        .executeTakeFirst();
      if (move?.manual !== 1 || move.from_stage === null) return false;
      const newest = await trx
        .selectFrom('stage_history')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('contact_id', '=', move.contact_id)
        .executeTakeFirst();
      if (Number(newest?.id) !== move.id) return false;
      const contact = await trx
        .selectFrom('contacts')
        .select(['stage', 'referred_by_id'])
        .where('id', '=', move.contact_id)
        .executeTakeFirst();
      if (!contact || contact.stage !== move.to_stage) return false;
      const before = await trx
        .selectFrom('stage_history')
        .select('at')
        .where('contact_id', '=', move.contact_id)
        .where('id', '<', move.id)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const at = now.toISOString();
      await trx
        .updateTable('contacts')
        .set({ stage: move.from_stage, stage_changed_at: before?.at ?? move.at, updated_at: at })
        .where('id', '=', move.contact_id)
        .execute();
      await trx
        .insertInto('stage_history')
        .values({
          contact_id: move.contact_id,
          from_stage: move.to_stage,
          to_stage: move.from_stage,
          at,
          cause: `undo: the move by hand to ${move.to_stage.replace(/_/g, ' ')} is taken back`,
          manual: 1,
          source_message_id: null,
        })
        .execute();
      const concerned =
        contact.referred_by_id === null
          ? [move.contact_id]
          : [move.contact_id, contact.referred_by_id];
      await trx
        .deleteFrom('outbox')
        .where('contact_id', 'in', concerned)
        .where('kind', 'in', PLANNED_KINDS)
        // Open only: taking back what the owner has not decided loses nothing sent.
        .where('state', 'in', OPEN_STATES)
        .where('created_at', '>=', move.at)
        .where((eb) => eb('contact_id', '=', move.contact_id).or('kind', '=', 'referrer_update'))
        .execute();
      await trx
        .deleteFrom('jobs')
        .where('ran_at', '>=', move.at)
        .where((eb) =>
          eb('subject_key', '=', `contact:${move.contact_id}`).or(
            eb('kind', '=', 'referrer_update').and(
              'occurrence',
              '=',
              `referral:${move.contact_id}`,
            ),
          ),
        )
        .execute();
      return true;
    });
    if (ok) undone += 1;
  }
  return undone;
}
