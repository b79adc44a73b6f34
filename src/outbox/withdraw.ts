import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import { latestHumanReply, moveOutboxRow } from '../db/outbox-queries.js';
import type { OutboxRow } from '../db/schema.js';
import { draftValidity } from '../pipeline/draft-validity.js';
import { recipientName } from './views.js';

export interface Withdrawal {
  /** One line for the owner: what was not sent, and why. */
  readonly message: string;
  /** Short, for a notice's subject. */
  readonly title: string;
}

/**
 * Withdraws `row` (to `skipped`) when the contact answered after it was
 * drafted (src/pipeline/draft-validity.ts decides). Null when it is still
 * valid, or when it is no longer open or approved (someone else moved it first).
 */
export async function withdrawIfAnswered(
  db: Parameters<typeof latestHumanReply>[0],
  config: Config,
  row: OutboxRow,
  at: string,
): Promise<Withdrawal | null> {
  if (row.audience !== 'contact' || row.contact_id === null) return null;
  const verdict = draftValidity(row, await latestHumanReply(db, row.contact_id));
  if (verdict.valid) return null;
  const name = recipientName(row.to_address);
  const day = DateTime.fromISO(verdict.answeredAt, { zone: config.timeZone });
  const when = day.isValid ? day.setLocale('en-GB').toFormat('ccc d LLL') : verdict.answeredAt;
  const move = await moveOutboxRow(db, row.id, 'withdraw', {
    send_after: null,
    last_error: `withdrawn: ${name} answered on ${when}, after this follow-up was drafted`,
    updated_at: at,
  });
  if (!move.moved) return null;
  return {
    title: `follow-up to ${name} withdrawn`,
    message: `Not sent: ${name} answered on ${when} before your follow-up left; kith withdrew it.`,
  };
}
