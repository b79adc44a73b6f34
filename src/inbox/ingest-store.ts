import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import type { Classification, ClassifyContext } from '../pipeline/classify.js';
import { decideInbound } from '../pipeline/decide-inbound.js';
import type { MailMessage } from '../pipeline/mail.js';
import { applyInbound, type DraftCommandHandler, type StoreResult } from './apply-inbound.js';
import { loadInboundFacts } from './inbound-facts.js';

/**
 * Stores one classified mail inside the ingest transaction: load the facts
 * (inbound-facts.ts) → decide what the mail does (pure:
 * src/pipeline/decide-inbound.ts) → carry it out (apply-inbound.ts).
 * Never called for unrelated or refused mail.
 */

export type {
  DraftCommandHandler,
  DraftCommandRequest,
  OwnerNoticeRequest,
  StageChange,
  StoreResult,
} from './apply-inbound.js';

export interface StoreDeps {
  readonly ownerTimeZone: string;
  readonly drafts: DraftCommandHandler;
  readonly logger: Logger;
}

/** Stores `c` (never `unrelated` or `refused`); the caller owns the transaction. */
export async function storeClassification(
  db: Db,
  message: MailMessage,
  c: Exclude<Classification, { kind: 'unrelated' | 'refused' }>,
  context: ClassifyContext,
  deps: StoreDeps,
  now: Date,
): Promise<StoreResult> {
  // History is dated by the mail (a backfill replays the past), never in the future.
  const at = message.date < now.toISOString() ? message.date : now.toISOString();
  const facts = await loadInboundFacts(db, message, c, context);
  const effects = decideInbound({
    message,
    classification: c,
    context,
    facts,
    times: { at, ownerZone: deps.ownerTimeZone },
  });
  return applyInbound(db, message, effects, c.kind, { at, now: now.toISOString() }, deps);
}
