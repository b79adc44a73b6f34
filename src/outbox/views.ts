import { DateTime } from 'luxon';
import addressparser from 'nodemailer/lib/addressparser';
import type { Config } from '../config.js';
import type { Contact } from '../db/schema.js';
import type { OwnerView, PersonView } from '../templates/contexts.js';
import { firstNameOf } from '../templates/helpers.js';

/** Template views of the owner and of contacts, built from settings and rows. */

export function ownerView(config: Config): OwnerView {
  const email = config.owner.emails[0] ?? '';
  const name = config.owner.name ?? email.split('@')[0] ?? '';
  return {
    name,
    firstName: firstNameOf(name),
    email,
    timeZone: config.timeZone,
    intro: config.owner.intro ?? null,
  };
}

export function personView(contact: Contact | undefined, email: string | null): PersonView {
  return {
    name: contact?.name ?? null,
    firstName: firstNameOf(contact?.name),
    email,
    company: contact?.company ?? null,
    title: contact?.title ?? null,
  };
}

/** `"Ana Souza" <ana@x.com>`, or the bare address when there is no name. */
export function formatAddress(name: string | null | undefined, address: string): string {
  const clean = (name ?? '').replace(/[\r\n]+/g, ' ').trim();
  if (clean === '') return address;
  return `"${clean.replace(/["\\]/g, '\\$&')}" <${address}>`;
}

/** "Tue 1 Dec, 14:00" in the owner's zone, for one-line answers. */
export function shortDate(iso: string, timeZone: string): string {
  const dt = DateTime.fromISO(iso, { zone: timeZone });
  return dt.isValid ? dt.setLocale('en-GB').toFormat('ccc d LLL, HH:mm') : iso;
}

/** `"Ana Souza" <ana@x.com>` → `Ana Souza <ana@x.com>`: for text a person reads. */
export function readableRecipient(toAddress: string): string {
  const [first] = addressparser(toAddress, { flatten: true });
  if (!first) return toAddress;
  return first.name ? `${first.name} <${first.address}>` : first.address;
}

/** `"Ana Souza" <ana@x.com>` → `Ana Souza` (the address when there is no name): for subjects. */
export function recipientName(toAddress: string): string {
  const [first] = addressparser(toAddress, { flatten: true });
  return first?.name || first?.address || toAddress;
}
