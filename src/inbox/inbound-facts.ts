import {
  findAddresslessByName,
  findContactByLinkedin,
  linkedinProfilesIn,
} from '../db/contacts.js';
import type { Db } from '../db/database.js';
import { meetingsOfContacts } from '../db/meetings.js';
import { addressForms, canonicalAddress } from '../pipeline/address.js';
import type { Classification, ClassifyContext } from '../pipeline/classify.js';
import { tidyKey } from '../pipeline/decide-inbound.js';
import type { InboundFacts, KnownPerson, StoredAddress } from '../pipeline/inbound-effects.js';
import type { MailMessage } from '../pipeline/mail.js';
import type { Stage } from '../pipeline/stages.js';
import { subjectKey } from '../pipeline/subject-key.js';

/**
 * Loads what decideInbound (src/pipeline/decide-inbound.ts) reads, for the
 * contacts and addresses this one mail names, inside the ingest
 * transaction: a handful of queries, whatever the kind.
 */
export async function loadInboundFacts(
  db: Db,
  message: MailMessage,
  c: Exclude<Classification, { kind: 'unrelated' | 'refused' }>,
  context: ClassifyContext,
): Promise<InboundFacts> {
  const ids = new Set<number>();
  const lookups: string[] = [];
  let profileMatch: number | null = null;
  const names: string[] = [];
  switch (c.kind) {
    case 'owner_outreach':
      for (const p of c.recipients) {
        if (p.contactId !== null) ids.add(p.contactId);
        else {
          lookups.push(p.address);
          if (p.name) names.push(p.name);
        }
      }
      if (c.recipients.length === 1 && c.recipients[0]?.contactId === null) {
        for (const url of linkedinProfilesIn(context.replyText)) {
          const found = await findContactByLinkedin(db, url);
          if (found) {
            profileMatch = found.id;
            ids.add(found.id);
            break;
          }
        }
      }
      break;
    case 'contact_reply':
      ids.add(c.contactId);
      if (message.from?.address) lookups.push(message.from.address);
      break;
    case 'owner_reply':
    case 'calendar':
      ids.add(c.contactId);
      break;
    case 'auto_reply':
      if (c.contactId !== null) ids.add(c.contactId);
      break;
    case 'bounce':
      for (const r of c.recipients) lookups.push(r.address);
      break;
    case 'owner_note':
      if (c.contactId !== null) ids.add(c.contactId);
      for (const r of c.referrals) lookups.push(r.address);
      break;
  }
  const addresses = await storedAddresses(db, lookups);
  for (const row of addresses.values()) ids.add(row.contactId);
  const addresslessByName = new Map<string, number>();
  for (const name of names) {
    const found = await findAddresslessByName(db, name);
    if (found) {
      addresslessByName.set(tidyKey(name), found.id);
      ids.add(found.id);
    }
  }
  const contactIds = [...ids];
  return {
    contacts: await people(db, contactIds),
    addresses,
    liveAddresses:
      c.kind === 'bounce'
        ? await liveAddressCounts(db, [...new Set([...addresses.values()].map((a) => a.contactId))])
        : new Map(),
    profileMatch,
    addresslessByName,
    threads: await threadsWithSubject(db, contactIds, subjectKey(message.subject)),
    meetings: await meetingsOfContacts(db, contactIds),
  };
}

/** Stored address rows by the canonical form of each looked-up address, found by any of its forms. */
async function storedAddresses(
  db: Db,
  lookups: readonly string[],
): Promise<Map<string, StoredAddress>> {
  const out = new Map<string, StoredAddress>();
  const canonicalOf = new Map<string, string>();
  for (const a of lookups)
    for (const form of addressForms(a)) canonicalOf.set(form, canonicalAddress(a));
  if (canonicalOf.size === 0) return out;
  const rows = await db
    .selectFrom('contact_emails')
    .select(['contact_id', 'address', 'dead_at'])
    .where('address', 'in', [...canonicalOf.keys()])
    .execute();
  for (const row of rows) {
    const key = canonicalOf.get(row.address);
    if (key === undefined || out.has(key)) continue;
    out.set(key, { contactId: row.contact_id, address: row.address, dead: row.dead_at !== null });
  }
  return out;
}

async function people(db: Db, ids: readonly number[]): Promise<Map<number, KnownPerson>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('contacts')
    .select([
      'id',
      'name',
      'stage',
      'source',
      'time_zone',
      'time_zone_source',
      'referred_by_id',
      'away_until',
    ])
    .where('id', 'in', ids)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        stage: r.stage as Stage,
        source: r.source,
        timeZone: r.time_zone,
        timeZoneSource: r.time_zone_source,
        referredById: r.referred_by_id,
        awayUntil: r.away_until,
      },
    ]),
  );
}

async function liveAddressCounts(db: Db, ids: readonly number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('contact_emails')
    .select(['contact_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('contact_id', 'in', ids)
    .where('dead_at', 'is', null)
    .groupBy('contact_id')
    .execute();
  return new Map(rows.map((r) => [r.contact_id, Number(r.n)]));
}

/** Per contact, the newest thread with this subject key. */
async function threadsWithSubject(
  db: Db,
  ids: readonly number[],
  key: string,
): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('threads')
    .select(['id', 'contact_id'])
    .where('contact_id', 'in', ids)
    .where('subject_key', '=', key)
    .orderBy('id', 'desc')
    .execute();
  const out = new Map<number, number>();
  for (const r of rows) if (!out.has(r.contact_id)) out.set(r.contact_id, r.id);
  return out;
}
