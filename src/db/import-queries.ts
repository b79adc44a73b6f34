import { findContactByEmail, findContactByLinkedin, normalizeAddress } from './contacts.js';
import { type Db, inTransaction } from './database.js';
import { sql } from './kysely.js';
import type { Contact, ContactUpdate } from './schema.js';

/** The fields an import can bring for one person (already validated). */
export interface ImportFields {
  readonly name: string | null;
  readonly emails: readonly string[];
  readonly company: string | null;
  readonly title: string | null;
  readonly linkedinUrl: string | null;
}

/**
 * The stored contact an imported person is: one with any of the person's
 * addresses, else one with the same LinkedIn URL. A person with neither can
 * only be recognised by name, and then only against a contact that has no
 * address and no URL either (an earlier import of the same name-only row),
 * so re-importing a file stays idempotent without guessing between namesakes.
 */
export async function findImportMatch(db: Db, person: ImportFields): Promise<Contact | undefined> {
  for (const address of person.emails) {
    const found = await findContactByEmail(db, address);
    if (found) return found;
  }
  if (person.linkedinUrl) return findContactByLinkedin(db, person.linkedinUrl);
  if (!person.name) return undefined;
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('name', '=', person.name)
    .where('linkedin_url', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('contact_emails')
            .select('contact_emails.id')
            .whereRef('contact_emails.contact_id', '=', 'contacts.id'),
        ),
      ),
    )
    .orderBy('id')
    .executeTakeFirst();
}

const isEmpty = (value: string | null): boolean => value === null || value.trim() === '';

/**
 * Merges an imported person into a stored contact: fills only empty fields,
 * adds addresses no contact has yet, and never touches the stage or source.
 */
export async function mergeIntoContact(
  db: Db,
  contact: Contact,
  person: ImportFields,
  at: string,
): Promise<void> {
  const update: ContactUpdate = {};
  if (isEmpty(contact.name) && person.name) update.name = person.name;
  if (isEmpty(contact.company) && person.company) update.company = person.company;
  if (isEmpty(contact.title) && person.title) update.title = person.title;
  const work = async (trx: Db) => {
    if (isEmpty(contact.linkedin_url) && person.linkedinUrl) {
      // A URL that already belongs to another contact stays there: two
      // contacts with one profile would be the doubling an import must avoid.
      const holder = await trx
        .selectFrom('contacts')
        .select('id')
        .where('linkedin_url', '=', person.linkedinUrl)
        .executeTakeFirst();
      if (!holder) update.linkedin_url = person.linkedinUrl;
    }
    let changed = Object.keys(update).length > 0;
    const known = await trx
      .selectFrom('contact_emails')
      .select(['address', 'is_primary'])
      .where('contact_id', '=', contact.id)
      .execute();
    let hasPrimary = known.some((e) => e.is_primary === 1);
    for (const address of person.emails.map(normalizeAddress)) {
      if (known.some((e) => e.address === address)) continue;
      const inserted = await trx
        .insertInto('contact_emails')
        .values({ contact_id: contact.id, address, is_primary: hasPrimary ? 0 : 1 })
        // An address another contact already has stays with that contact.
        .onConflict((oc) => oc.column('address').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
        hasPrimary = true;
        changed = true;
      }
    }
    if (changed) {
      await trx
        .updateTable('contacts')
        .set({ ...update, updated_at: at })
        .where('id', '=', contact.id)
        .execute();
    }
  };
  await inTransaction(db, work);
}

/** Records who referred a contact, unless a referrer is already known. */
export async function setReferrerIfEmpty(
  db: Db,
  contactId: number,
  referrerId: number,
  at: string,
): Promise<void> {
  if (contactId === referrerId) return;
  await db
    .updateTable('contacts')
    .set({ referred_by_id: referrerId, updated_at: at })
    .where('id', '=', contactId)
    .where('referred_by_id', 'is', null)
    .execute();
}

/** Which of these addresses some stored contact already has (batched lookups). */
export async function knownAddresses(db: Db, addresses: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set([...addresses].map(normalizeAddress))];
  const found = new Set<string>();
  // Batches keep each statement well under every database's parameter limit.
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await db
      .selectFrom('contact_emails')
      .select('address')
      .where('address', 'in', wanted.slice(i, i + 500))
      .execute();
    for (const row of rows) found.add(row.address);
  }
  return found;
}

/** Notes that an import created this contact (for undoImport). */
export async function recordImportCreated(
  db: Db,
  importId: string,
  contactId: number,
): Promise<void> {
  await db
    .insertInto('import_created')
    .values({ import_id: importId, contact_id: contactId })
    .execute();
}

/** Why a contact an import created is kept when the import is undone. */
export type KeptReason =
  | 'mail'
  | 'meetings'
  | 'notes'
  | 'stage'
  | 'drafts'
  | 'referrals'
  | 'edited';

export interface ImportCandidate {
  readonly contactId: number;
  /** Null when nothing has happened to the contact since the import created it. */
  readonly kept: KeptReason | null;
}

/**
 * Every contact the import created that still exists, with the first thing
 * that has happened to it since (mail, a meeting, a note or advice, a stage
 * change, a draft, someone else it referred, or an edit of its details by
 * hand or by a later import), or null. A page at a time, by contact id.
 */
export async function loadImportCandidates(
  db: Db,
  importId: string,
  page: { afterId: number; limit: number },
): Promise<ImportCandidate[]> {
  const result = await sql<{
    id: number;
    mail: number;
    meetings: number;
    notes: number;
    stage: number;
    drafts: number;
    referrals: number;
    edited: number;
  }>`
    SELECT c.id,
      EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = c.id) AS mail,
      EXISTS (SELECT 1 FROM meetings m WHERE m.contact_id = c.id) AS meetings,
      (EXISTS (SELECT 1 FROM notes n WHERE n.contact_id = c.id)
        OR EXISTS (SELECT 1 FROM advice a WHERE a.contact_id = c.id)) AS notes,
      (c.stage <> 'prospect'
        OR (SELECT COUNT(*) FROM stage_history h WHERE h.contact_id = c.id) > 1) AS stage,
      EXISTS (SELECT 1 FROM outbox o WHERE o.contact_id = c.id) AS drafts,
      EXISTS (SELECT 1 FROM contacts r WHERE r.referred_by_id = c.id AND NOT EXISTS (
        SELECT 1 FROM import_created ri WHERE ri.import_id = ic.import_id AND ri.contact_id = r.id
      )) AS referrals,
      (c.updated_at <> c.created_at) AS edited
    FROM import_created ic JOIN contacts c ON c.id = ic.contact_id
    WHERE ic.import_id = ${importId} AND ic.contact_id > ${page.afterId}
    ORDER BY ic.contact_id LIMIT ${page.limit}`.execute(db);
  const order: KeptReason[] = [
    'mail',
    'meetings',
    'notes',
    'stage',
    'drafts',
    'referrals',
    'edited',
  ];
  return result.rows.map((row) => ({
    contactId: row.id,
    kept: order.find((reason) => Number(row[reason]) === 1) ?? null,
  }));
}

/** Deletes contacts nothing has happened to (addresses and history go with them, by cascade). */
export async function deleteUntouchedContacts(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('contacts').where('id', 'in', ids).execute();
}
