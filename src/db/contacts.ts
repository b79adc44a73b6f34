import { addressForms, canonicalAddress } from '../pipeline/address.js';
import type { Stage } from '../pipeline/stages.js';
import { type StageEvent, type TransitionResult, transition } from '../pipeline/transitions.js';
import type { ZoneSource } from '../pipeline/zone-learning.js';
import { type Db, inTransaction } from './database.js';
import { sql } from './kysely.js';
import type { Contact, ContactEmail } from './schema.js';

/** The canonical form (see canonicalAddress), so lookups are exact. */
export function normalizeAddress(address: string): string {
  return canonicalAddress(address);
}

export async function findContactById(db: Db, id: number): Promise<Contact | undefined> {
  return db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findContactByEmail(db: Db, address: string): Promise<Contact | undefined> {
  return db
    .selectFrom('contacts')
    .innerJoin('contact_emails', 'contact_emails.contact_id', 'contacts.id')
    .selectAll('contacts')
    .where('contact_emails.address', 'in', addressForms(address))
    .executeTakeFirst();
}

export async function findContactByLinkedin(db: Db, url: string): Promise<Contact | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('linkedin_url', '=', normalizeLinkedinUrl(url))
    .executeTakeFirst();
}

/** LinkedIn URLs differ in scheme, host prefix, case and trailing slash. */
export function normalizeLinkedinUrl(url: string): string {
  return url
    .trim()
    .replace(/^(https?:\/\/)?([a-z]{2,3}\.|www\.)?linkedin\.com/i, 'https://www.linkedin.com')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** LinkedIn profile addresses written in a text (an outreach naming where it found someone). */
export function linkedinProfilesIn(text: string): string[] {
  const found =
    text.match(/(https?:\/\/)?([a-z]{2,3}\.|www\.)?linkedin\.com\/in\/[^\s<>"')\]]+/gi) ?? [];
  return [...new Set(found.map(normalizeLinkedinUrl))];
}

export async function emailsOf(db: Db, contactId: number): Promise<ContactEmail[]> {
  return db
    .selectFrom('contact_emails')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .execute();
}

export interface NewContactInput {
  readonly name?: string | null;
  readonly emails?: readonly string[];
  readonly company?: string | null;
  readonly title?: string | null;
  readonly linkedinUrl?: string | null;
  readonly source: string;
  readonly referredById?: number | null;
  readonly stage?: Stage;
}

/** Inserts a contact with its addresses and its first history row. */
export async function createContact(db: Db, input: NewContactInput, at: string): Promise<Contact> {
  return inTransaction(db, async (trx) => {
    const stage = input.stage ?? 'prospect';
    const contact = await trx
      .insertInto('contacts')
      .values({
        name: input.name ?? null,
        company: input.company ?? null,
        title: input.title ?? null,
        linkedin_url: input.linkedinUrl ? normalizeLinkedinUrl(input.linkedinUrl) : null,
        source: input.source,
        referred_by_id: input.referredById ?? null,
        stage,
        stage_changed_at: at,
        cadence_days: null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const emails = [...new Set((input.emails ?? []).map(normalizeAddress).filter(Boolean))];
    for (const [i, address] of emails.entries()) {
      await trx
        .insertInto('contact_emails')
        .values({ contact_id: contact.id, address, is_primary: i === 0 ? 1 : 0 })
        .execute();
    }
    await trx
      .insertInto('stage_history')
      .values({
        contact_id: contact.id,
        from_stage: null,
        to_stage: stage,
        at,
        cause: `created (${input.source})`,
        manual: 0,
        source_message_id: null,
      })
      .execute();
    return contact;
  });
}

export interface StageMoveContext {
  readonly at: string;
  readonly cause: string;
  readonly sourceMessageId?: string | null;
}

/**
 * Applies a pipeline event to a stored contact: asks the pure table, and on a
 * move writes the new stage and a history row in one transaction.
 */
export async function applyStageEvent(
  db: Db,
  contactId: number,
  event: StageEvent,
  context: StageMoveContext,
): Promise<TransitionResult> {
  return inTransaction(db, async (trx) => {
    const contact = await trx
      .selectFrom('contacts')
      .select(['stage'])
      .where('id', '=', contactId)
      .executeTakeFirstOrThrow();
    const result = transition(contact.stage as Stage, event);
    if (!result.moved) return result;
    await trx
      .updateTable('contacts')
      .set({ stage: result.to, stage_changed_at: context.at, updated_at: context.at })
      .where('id', '=', contactId)
      .execute();
    await trx
      .insertInto('stage_history')
      .values({
        contact_id: contactId,
        from_stage: result.from,
        to_stage: result.to,
        at: context.at,
        cause: context.cause,
        manual: event.type === 'manual_move' ? 1 : 0,
        source_message_id: context.sourceMessageId ?? null,
      })
      .execute();
    return result;
  });
}

/**
 * Adds an address to a contact, primary when it has none yet. False when
 * some contact already has it (addresses are unique across contacts).
 */
export async function attachAddress(db: Db, contactId: number, address: string): Promise<boolean> {
  const canonical = normalizeAddress(address);
  const has = await db
    .selectFrom('contact_emails')
    .select('id')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  const inserted = await db
    .insertInto('contact_emails')
    .values({ contact_id: contactId, address: canonical, is_primary: has ? 0 : 1 })
    .onConflict((oc) => oc.column('address').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** One whitespace between words and none around: the form a name is compared in. */
export function tidyName(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * The one contact with this exact name (letter case aside) and no address
 * yet — an imported prospect, say, since most LinkedIn exports have none.
 * Undefined when there is none or more than one: a namesake is never guessed.
 */
export async function findAddresslessByName(db: Db, name: string): Promise<Contact | undefined> {
  const wanted = tidyName(name);
  if (wanted === '') return undefined;
  const rows = await db
    .selectFrom('contacts')
    .selectAll()
    .where(sql<boolean>`name = ${wanted} COLLATE NOCASE`)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('contact_emails')
            .select('contact_emails.id')
            .whereRef('contact_emails.contact_id', '=', 'contacts.id'),
        ),
      ),
    )
    .limit(2)
    .execute();
  const same = rows.filter((c) => tidyName(c.name ?? '').toLowerCase() === wanted.toLowerCase());
  return same.length === 1 ? same[0] : undefined;
}

/**
 * A history row that records a fact without a move (a match, a merge): the
 * stage stays, the cause says what happened.
 */
export async function recordInHistory(
  db: Db,
  contactId: number,
  cause: string,
  context: { at: string; manual: boolean; sourceMessageId?: string | null },
): Promise<void> {
  const { stage } = await db
    .selectFrom('contacts')
    .select('stage')
    .where('id', '=', contactId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('stage_history')
    .values({
      contact_id: contactId,
      from_stage: stage,
      to_stage: stage,
      at: context.at,
      cause,
      manual: context.manual ? 1 : 0,
      source_message_id: context.sourceMessageId ?? null,
    })
    .execute();
}

/**
 * A contact's first address (primary first, then oldest) as a subquery on
 * `contactId` (a column such as `c.id`), for lists that show one address.
 */
export function primaryAddress(contactId: string) {
  return sql<
    string | null
  >`(SELECT pe.address FROM contact_emails pe WHERE pe.contact_id = ${sql.ref(
    contactId,
  )} ORDER BY pe.is_primary DESC, pe.id LIMIT 1)`;
}

export interface ContactDetailsInput {
  readonly name: string | null;
  readonly company: string | null;
  readonly title: string | null;
  readonly linkedinUrl: string | null;
  readonly cadenceDays: number | null;
  /** The contact's IANA zone as the owner set it (null clears it); absent leaves it as it is. */
  readonly timeZone?: string | null;
}

/** Saves the editable details of a contact; false when it does not exist. */
export async function updateContactDetails(
  db: Db,
  id: number,
  input: ContactDetailsInput,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('contacts')
    .set({
      name: input.name,
      company: input.company,
      title: input.title,
      linkedin_url: input.linkedinUrl,
      cadence_days: input.cadenceDays,
      ...(input.timeZone === undefined
        ? {}
        : {
            time_zone: input.timeZone,
            time_zone_source: input.timeZone === null ? null : 'owner',
          }),
      updated_at: at,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** How often to keep in touch with the contact, as the owner said in mail. */
export async function setCadence(db: Db, id: number, days: number, at: string): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ cadence_days: days, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** The contact's zone as kith learned it, and from what (the core decides whether it may replace). */
export async function setContactZone(
  db: Db,
  id: number,
  zone: string,
  source: ZoneSource,
  at: string,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ time_zone: zone, time_zone_source: source, updated_at: at })
    .where('id', '=', id)
    .execute();
}
