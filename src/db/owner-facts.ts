import { referrerToSet } from '../pipeline/referral-rule.js';
import { createContact, findContactByEmail } from './contacts.js';
import type { Db } from './database.js';

/**
 * What the owner tells kith about a contact — advice they gave, people they
 * referred — written the same way whether it came by mail or from the web.
 */

/** Keeps one piece of advice a contact gave; `sourceMessageId` is null when typed on the web. */
export async function addAdvice(
  db: Db,
  contactId: number,
  body: string,
  sourceMessageId: string | null,
  at: string,
): Promise<number> {
  const row = await db
    .insertInto('advice')
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

/** Records who introduced a contact (the caller decides it may: referral-rule.ts). */
export async function setReferrer(
  db: Db,
  contactId: number,
  referrerId: number,
  now: string,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ referred_by_id: referrerId, updated_at: now })
    .where('id', '=', contactId)
    .execute();
}

export type ReferralOutcome =
  | { readonly kind: 'known'; readonly id: number }
  | { readonly kind: 'created'; readonly id: number };

/**
 * A person `referrerId` referred the owner to, by address: a known contact
 * keeps any referrer it already has (the first introduction counts) and never
 * becomes its own; anyone else becomes a prospect referred by them.
 */
export async function recordReferral(
  db: Db,
  referrerId: number | null,
  person: { readonly name: string | null; readonly address: string },
  /** `at`: when the owner said so (a mail's date); `now`: when kith writes it. */
  when: { readonly at: string; readonly now: string },
): Promise<ReferralOutcome> {
  const known = await findContactByEmail(db, person.address);
  if (known) {
    const referrer = referrerToSet(
      { id: known.id, referredById: known.referred_by_id },
      referrerId,
    );
    if (referrer !== null) await setReferrer(db, known.id, referrer, when.now);
    return { kind: 'known', id: known.id };
  }
  const created = await createContact(
    db,
    { name: person.name, emails: [person.address], source: 'referral', referredById: referrerId },
    when.at,
  );
  return { kind: 'created', id: created.id };
}
