import { addressHolder } from '../db/contact-edits.js';
import { createContact, findContactById, normalizeAddress, tidyName } from '../db/contacts.js';
import type { Db } from '../db/database.js';
import { addNote } from '../db/notes.js';
import { addAdvice, recordReferral } from '../db/owner-facts.js';
import { BadInputError, KithError } from '../errors.js';
import { isValidEmail } from '../exchange/imported-person.js';
import { readKeyedLines } from '../pipeline/owner-commands.js';
import { requireContact, resolveContactRef, setReferrer } from './contact-actions.js';
import { FIELD_LIMITS, limitedText } from './field-limits.js';

/**
 * Advice and referrals by hand, and a web note read like the owner's mail:
 * its `advice:`, `referral:` and `cadence:` lines become the same rows a
 * reply to kith makes. Every refusal is a BadInputError to show beside
 * what was typed.
 */

function cleanAdvice(body: string | undefined): string {
  const text = (body ?? '').replace(/\r\n?/g, '\n').trim();
  if (text === '') throw new BadInputError('The advice is empty.');
  limitedText(text, FIELD_LIMITS.advice, 'The advice');
  return text;
}

/** What a web note turned into. */
export interface NoteOutcome {
  /** The note kept from the lines that were not keyed, if any. */
  readonly noteId: number | null;
  readonly advice: number;
  readonly referrals: number;
  readonly cadenceDays: number | null;
}

/**
 * A note typed on the contact page. Keyed lines kith cannot read refuse the
 * whole note (nothing is half kept), naming the lines.
 */
export async function addNoteByHand(
  db: Db,
  id: number,
  body: string,
  now: Date,
): Promise<NoteOutcome> {
  await requireContact(db, id);
  const text = body.replace(/\r\n?/g, '\n').trim();
  if (text === '') throw new BadInputError('The note is empty.');
  limitedText(text, FIELD_LIMITS.note, 'The note');
  const read = readKeyedLines(text);
  if (read.problems.length > 0) {
    throw new BadInputError(
      `kith could not read ${read.problems.map((p) => `"${p.slice(0, 80)}"`).join(', ')}: write "advice: what they advised", "referral: Name <address>" or "cadence: every 30 days".`,
    );
  }
  const at = now.toISOString();
  const rest = read.free
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const noteId = rest === '' ? null : await addNote(db, id, rest, at);
  for (const advice of read.advice) await addAdvice(db, id, advice, null, at);
  for (const person of read.referrals) await recordReferral(db, id, person, { at, now: at });
  if (read.cadenceDays !== null) {
    await db
      .updateTable('contacts')
      .set({ cadence_days: read.cadenceDays, updated_at: at })
      .where('id', '=', id)
      .execute();
  }
  return {
    noteId,
    advice: read.advice.length,
    referrals: read.referrals.length,
    cadenceDays: read.cadenceDays,
  };
}

export async function addAdviceByHand(
  db: Db,
  id: number,
  body: string | undefined,
  now: Date,
): Promise<number> {
  await requireContact(db, id);
  return addAdvice(db, id, cleanAdvice(body), null, now.toISOString());
}

async function requireAdvice(db: Db, contactId: number, adviceId: number): Promise<void> {
  const row = await db
    .selectFrom('advice')
    .select('id')
    .where('id', '=', adviceId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  if (!row) throw new KithError('not_found', 'That advice is no longer there.');
}

export async function editAdviceByHand(
  db: Db,
  contactId: number,
  adviceId: number,
  body: string | undefined,
): Promise<void> {
  await requireAdvice(db, contactId, adviceId);
  await db
    .updateTable('advice')
    .set({ body: cleanAdvice(body) })
    .where('id', '=', adviceId)
    .execute();
}

export async function removeAdviceByHand(
  db: Db,
  contactId: number,
  adviceId: number,
): Promise<void> {
  await requireAdvice(db, contactId, adviceId);
  await db.deleteFrom('advice').where('id', '=', adviceId).execute();
}

/** A referral as the form gives it: a contact picked, or a new person. */
export interface ReferralFields {
  /** A contact: `#12`, an address or an exact name (the pick list's values). */
  readonly pick?: string;
  readonly name?: string;
  readonly address?: string;
}

/**
 * Records that contact `id` referred the owner to someone: a picked contact
 * gets them as its referrer (never a circle); a new person becomes a
 * prospect referred by them, as a `referral:` line by mail makes one.
 * Returns the referred contact's id.
 */
export async function addReferralByHand(
  db: Db,
  id: number,
  fields: ReferralFields,
  now: Date,
): Promise<number> {
  await requireContact(db, id);
  const pick = (fields.pick ?? '').trim();
  const name = tidyName(fields.name ?? '');
  const rawAddress = (fields.address ?? '').trim();
  if (pick !== '') {
    if (name !== '' || rawAddress !== '')
      throw new BadInputError('Pick a contact or give a new person, not both.');
    const referred = await resolveContactRef(db, pick);
    await setReferrer(db, referred, `#${id}`, now);
    return referred;
  }
  if (name === '' && rawAddress === '')
    throw new BadInputError('Pick a contact, or give the new person’s name.');
  limitedText(name, FIELD_LIMITS.name, 'The name');
  const at = now.toISOString();
  if (rawAddress === '') {
    const created = await createContact(
      db,
      { name, emails: [], source: 'referral', referredById: id },
      at,
    );
    return created.id;
  }
  if (!isValidEmail(rawAddress))
    throw new BadInputError(`"${rawAddress.slice(0, 100)}" is not a mail address.`);
  const address = normalizeAddress(rawAddress);
  // By hand an address already known is a pick the owner did not mean to make silently.
  const holder = await addressHolder(db, address);
  if (holder !== undefined) {
    const other = await findContactById(db, holder);
    throw new BadInputError(
      `${address} is already the address of ${other?.name ?? `contact #${holder}`}: pick them from the list instead.`,
    );
  }
  const outcome = await recordReferral(
    db,
    id,
    { name: name === '' ? null : name, address },
    { at, now: at },
  );
  return outcome.id;
}

/** Takes `referredId` out of the people `id` referred; the person stays a contact. */
export async function removeReferralByHand(
  db: Db,
  id: number,
  referredId: number,
  now: Date,
): Promise<void> {
  const result = await db
    .updateTable('contacts')
    .set({ referred_by_id: null, updated_at: now.toISOString() })
    .where('id', '=', referredId)
    .where('referred_by_id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0)
    throw new BadInputError('That person is no longer among the people they referred you to.');
}
