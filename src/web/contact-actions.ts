import {
  addressHolder,
  deleteContact,
  type MergeResult,
  makePrimary,
  mergeContacts,
  removeAddress,
} from '../db/contact-edits.js';
import {
  attachAddress,
  createContact,
  findContactById,
  findContactByLinkedin,
  normalizeAddress,
  recordInHistory,
  tidyName,
} from '../db/contacts.js';
import type { Db } from '../db/database.js';
import { addNote } from '../db/notes.js';
import { BadInputError, KithError } from '../errors.js';
import { isValidEmail, splitEmailList } from '../exchange/imported-person.js';
import { FIELD_LIMITS, limitedText, linkedinUrlField } from './field-limits.js';

/**
 * The owner's hand edits of people — add, addresses, who referred them,
 * delete, merge — for the pages and the JSON API alike. Every check throws
 * a BadInputError whose message can be shown beside what was typed.
 */

/** A new contact as a form or JSON gives it. */
export interface NewContactFields {
  readonly name?: string | null;
  readonly company?: string | null;
  readonly title?: string | null;
  readonly linkedinUrl?: string | null;
  /** One or more addresses, separated by commas, semicolons or new lines. */
  readonly addresses?: string | readonly string[] | null;
  /** How the owner knows them: kept as the contact's first note. */
  readonly how?: string | null;
  /** Who referred them: `#12`, an address, or a contact's exact name. */
  readonly referredBy?: string | null;
}

/** The contact, or a not-found error naming its id. */
export async function requireContact(db: Db, id: number) {
  const contact = await findContactById(db, id);
  if (!contact) throw new KithError('not_found', `There is no contact #${id}.`);
  return contact;
}

function text(value: string | null | undefined, max: number, what: string): string | null {
  return limitedText(tidyName(value ?? ''), max, what);
}

function whoHas(contact: { id: number; name: string | null }): string {
  return contact.name ?? `contact #${contact.id}`;
}

/** A typed address checked and in canonical form. */
function checkedAddress(raw: string): string {
  const address = raw.trim();
  if (address.length > FIELD_LIMITS.address || !isValidEmail(address))
    throw new BadInputError(`"${address.slice(0, 100)}" is not a mail address.`);
  return normalizeAddress(address);
}

async function freeAddress(db: Db, address: string, self?: number): Promise<void> {
  const holder = await addressHolder(db, address);
  if (holder === undefined || holder === self) return;
  const other = await findContactById(db, holder);
  throw new BadInputError(
    `${address} is already the address of ${whoHas({ id: holder, name: other?.name ?? null })}: merge the two instead.`,
  );
}

/** Finds the contact a "referred by" field names: `#12`, an address or an exact name. */
export async function resolveContactRef(db: Db, raw: string): Promise<number> {
  const typed = limitedText(raw.trim(), FIELD_LIMITS.contactRef, 'The contact named') ?? '';
  const byId = /^#?([1-9][0-9]{0,15})$/.exec(typed);
  if (byId) {
    const contact = await findContactById(db, Number(byId[1]));
    if (!contact) throw new BadInputError(`There is no contact #${byId[1]}.`);
    return contact.id;
  }
  const bracketed = /<([^>]+)>/.exec(typed)?.[1] ?? (typed.includes('@') ? typed : null);
  if (bracketed) {
    const holder = await addressHolder(db, bracketed);
    if (holder === undefined) throw new BadInputError(`No contact has the address ${bracketed}.`);
    return holder;
  }
  const name = tidyName(typed);
  const rows = await db
    .selectFrom('contacts')
    .select('id')
    .where('name', '=', name)
    .limit(2)
    .execute();
  if (rows.length === 0)
    throw new BadInputError(
      `No contact is called "${name.slice(0, 100)}": pick one from the list.`,
    );
  if (rows.length > 1)
    throw new BadInputError(
      `Several contacts are called "${name.slice(0, 100)}": give their address instead.`,
    );
  return (rows[0] as { id: number }).id;
}

/** Adds a contact by hand (a prospect); returns its id. */
export async function addContactByHand(
  db: Db,
  fields: NewContactFields,
  now: Date,
): Promise<number> {
  const name = text(fields.name, FIELD_LIMITS.name, 'The name');
  const company = text(fields.company, FIELD_LIMITS.company, 'The company');
  const title = text(fields.title, FIELD_LIMITS.title, 'The title');
  const linkedinUrl = linkedinUrlField(fields.linkedinUrl);
  const how = limitedText((fields.how ?? '').trim(), FIELD_LIMITS.how, '"How you know them"') ?? '';
  const typed =
    typeof fields.addresses === 'string'
      ? splitEmailList(fields.addresses.replace(/\s+/g, ','))
      : [...(fields.addresses ?? [])];
  const emails = [...new Set(typed.map(checkedAddress))];
  if (emails.length > FIELD_LIMITS.addressesAtOnce)
    throw new BadInputError(`At most ${FIELD_LIMITS.addressesAtOnce} addresses at once.`);
  if (!name && emails.length === 0 && !linkedinUrl)
    throw new BadInputError('Give at least a name, an address or a LinkedIn URL.');
  for (const address of emails) await freeAddress(db, address);
  if (linkedinUrl) {
    const same = await findContactByLinkedin(db, linkedinUrl);
    if (same)
      throw new BadInputError(
        `That LinkedIn profile is already ${whoHas(same)}'s: open their page instead.`,
      );
  }
  const referredById = fields.referredBy?.trim()
    ? await resolveContactRef(db, fields.referredBy)
    : null;
  const at = now.toISOString();
  const contact = await createContact(
    db,
    {
      name,
      company,
      title,
      linkedinUrl,
      emails,
      source: referredById ? 'referral' : 'manual',
      referredById,
    },
    at,
  );
  if (how) await addNote(db, contact.id, `How I know them: ${how}`, at);
  return contact.id;
}

/** Sets or clears who referred a contact (never themselves, never in a circle). */
export async function setReferrer(
  db: Db,
  id: number,
  referredBy: string | null | undefined,
  now: Date,
): Promise<void> {
  const contact = await requireContact(db, id);
  const referrer = referredBy?.trim() ? await resolveContactRef(db, referredBy) : null;
  if (referrer === contact.referred_by_id) return;
  if (referrer === id) throw new BadInputError('Nobody refers themselves.');
  // Walk up from the new referrer: meeting this contact would make a circle.
  for (let at = referrer, hops = 0; at !== null && hops < 1000; hops += 1) {
    if (at === id)
      throw new BadInputError(
        'That would make a circle: this contact referred them, directly or not.',
      );
    at =
      (
        await db
          .selectFrom('contacts')
          .select('referred_by_id')
          .where('id', '=', at)
          .executeTakeFirst()
      )?.referred_by_id ?? null;
  }
  await db
    .updateTable('contacts')
    .set({ referred_by_id: referrer, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

export async function addAddressByHand(
  db: Db,
  id: number,
  raw: string,
  options: { primary?: boolean },
  now: Date,
): Promise<string> {
  await requireContact(db, id);
  const address = checkedAddress(raw);
  await freeAddress(db, address, id);
  await attachAddress(db, id, address);
  if (options.primary) await makePrimary(db, id, address);
  await recordInHistory(db, id, `address ${address} added by hand`, {
    at: now.toISOString(),
    manual: true,
  });
  return address;
}

export async function removeAddressByHand(
  db: Db,
  id: number,
  raw: string,
  now: Date,
): Promise<void> {
  await requireContact(db, id);
  const address = normalizeAddress(raw);
  if (!(await removeAddress(db, id, address)))
    throw new BadInputError(`${address.slice(0, 200)} is not one of this contact's addresses.`);
  await recordInHistory(db, id, `address ${address} removed by hand`, {
    at: now.toISOString(),
    manual: true,
  });
}

export async function makePrimaryByHand(db: Db, id: number, raw: string): Promise<void> {
  await requireContact(db, id);
  const address = normalizeAddress(raw);
  if (!(await makePrimary(db, id, address)))
    throw new BadInputError(`${address.slice(0, 200)} is not one of this contact's addresses.`);
}

/** Deletes a contact (see deleteContact for what is kept and why). */
export async function deleteContactByHand(db: Db, id: number, now: Date): Promise<void> {
  await requireContact(db, id);
  await deleteContact(db, id, now.toISOString());
}

/** Merges contact `goneId` into `keptId`; the merge is in the kept contact's history. */
export async function mergeByHand(
  db: Db,
  keptId: number,
  goneId: number,
  now: Date,
): Promise<MergeResult> {
  await requireContact(db, keptId);
  if (goneId === keptId) throw new BadInputError('A contact cannot be merged with itself.');
  await requireContact(db, goneId);
  const result = await mergeContacts(db, keptId, goneId, now.toISOString());
  if (!result) throw new KithError('not_found', 'One of the two contacts is gone.');
  return result;
}
