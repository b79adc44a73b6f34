import { findContactByEmail, findContactByLinkedin, normalizeAddress } from './contacts.js';
import { type Db, inTransaction } from './database.js';
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
