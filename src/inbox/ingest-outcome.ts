import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import type { ClassificationKind } from '../pipeline/classify.js';
import type { StageChange, StoreResult } from './ingest-store.js';

/** What ingest did with one message, and the one line `kith ingest` and the logs say about it. */

export interface ContactView {
  readonly id: number;
  readonly name: string | null;
  readonly address: string | null;
}

export type IngestOutcome =
  | {
      readonly status: 'stored';
      readonly classification: ClassificationKind;
      /** The `messages.kind` written. */
      readonly kind: string;
      readonly messageId: string;
      readonly contacts: readonly ContactView[];
      readonly changes: readonly StageChange[];
      readonly remarks: readonly string[];
    }
  | { readonly status: 'duplicate'; readonly messageId: string }
  | { readonly status: 'unrelated'; readonly messageId: string; readonly reason: string }
  | { readonly status: 'refused'; readonly messageId: string; readonly reason: string }
  | { readonly status: 'quarantined'; readonly messageId: string | null; readonly reason: string };

/** Who the mail was about, from what the lookups and the store already know; a query only for the rest. */
export async function contactViews(
  db: Db,
  result: StoreResult,
  people: ReadonlyMap<number, { name: string | null; address: string }>,
): Promise<ContactView[]> {
  const known = new Map([...people, ...result.created]);
  const missing = result.contactIds.filter((id) => !known.has(id));
  if (missing.length > 0) {
    const rows = await db
      .selectFrom('contacts')
      .leftJoin('contact_emails', (join) =>
        join
          .onRef('contact_emails.contact_id', '=', 'contacts.id')
          .on('contact_emails.is_primary', '=', 1),
      )
      .select(['contacts.id', 'contacts.name', 'contact_emails.address'])
      .where('contacts.id', 'in', missing)
      .execute();
    for (const row of rows) known.set(row.id, { name: row.name, address: row.address ?? '' });
  }
  return result.contactIds.map((id) => {
    const view = known.get(id);
    return { id, name: view?.name ?? null, address: view?.address || null };
  });
}

/** Logs what a committed outcome means for the owner; returns it. */
export function reported(logger: Logger, label: string, outcome: IngestOutcome): IngestOutcome {
  if (outcome.status === 'stored') logger.info(`${label}: ${describeOutcome(outcome)}`);
  if (outcome.status === 'quarantined') logger.warn(`quarantined ${label}: ${outcome.reason}`);
  return outcome;
}

/** One line for `kith ingest` and logs: classification, contact, stage change. */
export function describeOutcome(outcome: IngestOutcome): string {
  switch (outcome.status) {
    case 'stored': {
      const who = outcome.contacts
        .map((c) => (c.name ? `${c.name} <${c.address ?? '?'}>` : (c.address ?? `contact ${c.id}`)))
        .join(', ');
      const moves = outcome.changes.map((m) => {
        const contact = outcome.contacts.find((c) => c.id === m.contactId);
        const label = outcome.contacts.length > 1 ? `${contact?.address ?? m.contactId}: ` : '';
        return `${label}${m.from} → ${m.to}`;
      });
      return [
        outcome.kind.replace(/_/g, ' '),
        who || 'no contact',
        moves.length > 0 ? moves.join(', ') : 'no stage change',
        ...outcome.remarks,
      ].join(' · ');
    }
    case 'duplicate':
      return `already seen (${outcome.messageId}) · nothing changed`;
    case 'unrelated':
      return `unrelated (${outcome.reason}) · not stored`;
    case 'refused':
      return `refused: ${outcome.reason} · nothing stored`;
    case 'quarantined':
      return `read, put in quarantine: ${outcome.reason}`;
  }
}
