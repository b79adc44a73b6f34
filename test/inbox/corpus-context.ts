import type { Extracted } from '../../src/inbox/prepare.js';
import { prepareMail } from '../../src/inbox/prepare.js';
import { canonicalAddress } from '../../src/pipeline/address.js';
import {
  addressesToLookUp,
  type Classification,
  type ClassifyContext,
  classify,
  type KnownContact,
} from '../../src/pipeline/classify.js';

/**
 * The people and the owner behind kith's own mail corpora (bounces,
 * auto-replies, invites), and one mail through the path `kith ingest`
 * takes: prepareMail (parse, extract), the contacts for
 * addressesToLookUp, classify.
 */

export const OWNER = 'sam.owner@example.org';
export const SERVICE = 'sam.owner+kith@example.org';
// The older fixtures in test/fixtures/ics/ invite this address of the owner's.
const OWNER_ALIAS = 'sam@example.org';
const RECEIVED_AT = new Date('2026-12-01T12:00:00Z');

/** Contacts as kith stores them: Unicode domains, lower case. */
const STORED = [
  'ana.silva@acme.com',
  'bob.jones@globex.com',
  'juergen@bücher.de',
  'chen.li@example.cn',
  'm.oneil@tara.example.ie',
  'elif@şirket.com.tr',
  'dara.kim@sub.mail.example.co.uk',
  'lena+jobs@example.se',
  'femi.ade@initrode.example',
  'anna@acme.com',
  'anke@voorbeeld.nl',
  'jon@parkdesign.com',
  'anne@exemple.fr',
];

export const CONTACTS: ReadonlyMap<string, KnownContact> = new Map(
  STORED.map((a, i) => [
    canonicalAddress(a),
    { contactId: i + 1, stage: 'contacted', dead: false } satisfies KnownContact,
  ]),
);

export interface Understood {
  readonly classification: Classification;
  readonly extracted: Extracted;
}

export async function understand(raw: Buffer): Promise<Understood> {
  const { message, extracted } = await prepareMail(raw, RECEIVED_AT);
  const contacts = new Map<string, KnownContact>();
  for (const a of addressesToLookUp(message, extracted.calendarEvents)) {
    const known = CONTACTS.get(a);
    if (known) contacts.set(a, known);
  }
  const context: ClassifyContext = {
    ownerAddresses: [OWNER, OWNER_ALIAS],
    serviceAddress: SERVICE,
    contacts,
    thread: null,
    kithReference: null,
    ...extracted,
  };
  return { classification: classify(message, context), extracted };
}
