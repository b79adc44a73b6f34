import { inTransaction } from '../db/database.js';
import { approvalTextOf } from '../db/inbox-queries.js';
import { countApprovalRequests, findOutboxById, moveOutboxRow } from '../db/outbox-queries.js';
import type { OutboxRow } from '../db/schema.js';
import { approvalBlocker, placesToFill } from '../pipeline/draft-text.js';
import { type OutboxAction, outboxStep, ownerRefusal } from '../pipeline/outbox-lifecycle.js';
import {
  type Instant,
  insertApprovalRequest,
  labelOf,
  type OutboxContext,
  parseOwnerRef,
  threadHeaders,
  toIso,
} from './drafts.js';
import { outboxChanged } from './signal.js';
import { readableRecipient, shortDate } from './views.js';
import { withdrawIfAnswered } from './withdraw.js';

/**
 * The owner's decisions on a draft to a contact — approve, revise, skip,
 * snooze, or be asked again — whether they come by reply (the inbox, through
 * applyOwnerCommand), by button (the web UI) or by schedule: all paths share
 * these functions, so all behave the same. Each decision is an action of the
 * lifecycle table (src/pipeline/outbox-lifecycle.ts): a draft in a state the
 * action is refused from is answered with one line saying why, and nothing
 * changes. Drafts are made in ./drafts.ts.
 */

/** The answer to a command: `message` is one line the caller can show or mail to the owner. */
export interface CommandResult {
  readonly ok: boolean;
  readonly message: string;
  readonly draft?: OutboxRow;
}

/**
 * What the owner's reply asks of a draft (the inbox parses the words; see
 * src/outbox/inbox-port.ts). `draftId`, when the reply names one, must be
 * the draft the answered request is about.
 */
export type OwnerCommand =
  | { readonly type: 'approve'; readonly draftId?: number }
  /** The owner's own version: shown back for approval, never sent on this command. */
  | { readonly type: 'revise'; readonly text: string; readonly draftId?: number }
  | { readonly type: 'skip'; readonly draftId?: number }
  | { readonly type: 'snooze'; readonly until: string; readonly draftId?: number }
  /** Looked like a command but could not be carried out: answer, change nothing. */
  | { readonly type: 'unclear'; readonly reason: string };

/** Asks the owner again about an undecided draft (after a snooze, or as a reminder). */
export async function requestApprovalAgain(
  ctx: OutboxContext,
  draftId: number,
  at: Instant,
  reason: 'again' | 'changed' = 'again',
): Promise<CommandResult> {
  const when = toIso(at);
  const draft = await findOutboxById(ctx.db, draftId);
  if (draft?.audience !== 'contact') return noSuchDraft(draftId);
  if (!allows(draft, 'ask')) return refusal(ctx, draft);
  const request = await inTransaction(ctx.db, async (trx) => {
    const move = await moveOutboxRow(trx, draft.id, 'ask', { send_after: null, updated_at: when });
    if (!move.moved) return null;
    const asked = await countApprovalRequests(trx, draft.id);
    const current = (await findOutboxById(trx, draft.id)) ?? draft;
    return insertApprovalRequest(ctx, trx, current, when, asked, reason);
  });
  if (!request) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft);
  outboxChanged();
  return { ok: true, message: `Asked you again about the ${describe(draft)}.`, draft };
}

/** Whether the lifecycle table lets `action` act on the draft as it was read. */
function allows(draft: OutboxRow, action: OutboxAction): boolean {
  return outboxStep(draft.state, action).allowed;
}

function describe(draft: OutboxRow): string {
  return `${labelOf(draft.kind)} to ${readableRecipient(draft.to_address)}`;
}

function noSuchDraft(draftId: number): CommandResult {
  return { ok: false, message: `There is no draft #${draftId}; nothing changed.` };
}

/**
 * The one-line answer when a draft's state does not allow the command: the
 * lifecycle table decides whether and says why; this adds what the owner
 * needs to know (when it was sent or skipped, why it failed).
 */
function refusal(ctx: OutboxContext, draft: OutboxRow): CommandResult {
  const on = shortDate(
    (draft.state === 'sent' ? draft.sent_at : null) ?? draft.updated_at,
    ctx.config.timeZone,
  );
  const message = ownerRefusal(`Your ${describe(draft)}`, draft.state, {
    on,
    error: draft.last_error ?? 'unknown error',
  });
  return { ok: false, message, draft };
}

/**
 * Approves a draft: it is sent with the next round. `editedText` is the
 * owner's own text, approved as they see it (the web form); `approvedText`
 * is the text an approval request showed (by mail): if the draft no longer
 * reads exactly so, nothing is approved and the owner is asked about the
 * current text. A text with a `[place]` left is never approved.
 */
export async function approveDraft(
  ctx: OutboxContext,
  draftId: number,
  options: { at: Instant; editedText?: string; approvedText?: string | null },
): Promise<CommandResult> {
  const at = toIso(options.at);
  const draft = await findOutboxById(ctx.db, draftId);
  if (draft?.audience !== 'contact') return noSuchDraft(draftId);
  const edited = options.editedText?.replace(/\r\n?/g, '\n').trim();
  if (options.editedText !== undefined && !edited) {
    return { ok: false, message: 'The new text is empty; nothing changed.', draft };
  }
  if (!allows(draft, 'approve')) return refusal(ctx, draft);
  // No separate notice: every caller shows or mails this answer to the owner already.
  const withdrawn = await withdrawIfAnswered(ctx.db, ctx.config, draft, at);
  if (withdrawn) {
    ctx.logger.info('follow-up withdrawn at approval: the contact answered', { draft: draft.id });
    outboxChanged();
    return { ok: false, message: withdrawn.message, draft: await findOutboxById(ctx.db, draftId) };
  }
  if (options.approvedText !== undefined && options.approvedText !== draft.body_text) {
    await requestApprovalAgain(ctx, draft.id, at, 'changed');
    return {
      ok: false,
      message: `The ${describe(draft)} changed after the request you answered, so it was not sent. kith mailed you the text as it stands now: approve that one to send it.`,
      draft,
    };
  }
  const blocker = approvalBlocker(edited ?? draft.body_text);
  if (blocker) {
    return {
      ok: false,
      message: `The ${describe(draft)} was not sent: ${blocker}. ${
        placesToFill(edited ?? draft.body_text).length === 1 ? 'Fill it in' : 'Fill them in'
      }, then approve.`,
      draft,
    };
  }
  // Answer the newest message: the contact may have written since the draft was made.
  const thread = draft.contact_id
    ? await threadHeaders(ctx.db, draft.contact_id, draft.kind)
    : { in_reply_to: draft.in_reply_to, references: draft.references };
  const move = await moveOutboxRow(ctx.db, draft.id, 'approve', {
    send_after: at,
    ...(edited ? { body_text: `${edited}\n` } : {}),
    ...thread,
    last_error: null,
    updated_at: at,
  });
  if (!move.moved) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft);
  ctx.logger.info('draft approved', { draft: draft.id, edited: Boolean(edited) });
  outboxChanged();
  return {
    ok: true,
    message: edited
      ? `Approved with your changes: the ${describe(draft)} is on its way.`
      : `Approved: the ${describe(draft)} is on its way.`,
    draft: await findOutboxById(ctx.db, draftId),
  };
}

/**
 * Takes the owner's own version of a draft, written in a reply: it becomes
 * the draft's text and goes back to the owner, word for word, to approve.
 * Nothing is sent on the strength of the reply that carried it.
 */
export async function reviseDraft(
  ctx: OutboxContext,
  draftId: number,
  options: { at: Instant; text: string },
): Promise<CommandResult> {
  const at = toIso(options.at);
  const draft = await findOutboxById(ctx.db, draftId);
  if (draft?.audience !== 'contact') return noSuchDraft(draftId);
  const text = options.text.replace(/\r\n?/g, '\n').trim();
  if (text === '') return { ok: false, message: 'Your version is empty; nothing changed.', draft };
  if (!allows(draft, 'revise')) return refusal(ctx, draft);
  const request = await inTransaction(ctx.db, async (trx) => {
    const move = await moveOutboxRow(trx, draft.id, 'revise', {
      body_text: `${text}\n`,
      send_after: null,
      updated_at: at,
    });
    if (!move.moved) return null;
    const revised = (await findOutboxById(trx, draft.id)) ?? draft;
    return insertApprovalRequest(ctx, trx, revised, at, 0, 'revision');
  });
  if (!request) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft);
  ctx.logger.info('draft revised by the owner; asked to approve the new text', { draft: draft.id });
  outboxChanged();
  return {
    ok: true,
    message: `Nothing sent yet: kith mailed you your version of the ${describe(draft)} to approve word for word.`,
    draft: await findOutboxById(ctx.db, draftId),
  };
}

/** Drops a draft; it is never sent. */
export async function skipDraft(
  ctx: OutboxContext,
  draftId: number,
  options: { at: Instant },
): Promise<CommandResult> {
  const at = toIso(options.at);
  const draft = await findOutboxById(ctx.db, draftId);
  if (draft?.audience !== 'contact') return noSuchDraft(draftId);
  if (!allows(draft, 'skip')) return refusal(ctx, draft);
  const move = await moveOutboxRow(ctx.db, draft.id, 'skip', { send_after: null, updated_at: at });
  if (!move.moved) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft);
  outboxChanged();
  return { ok: true, message: `Skipped: the ${describe(draft)} will not be sent.`, draft };
}

/** Puts a draft aside until `until`; then the owner is asked again. */
export async function snoozeDraft(
  ctx: OutboxContext,
  draftId: number,
  options: { until: Instant; at: Instant },
): Promise<CommandResult> {
  const at = toIso(options.at);
  const until = toIso(options.until);
  const draft = await findOutboxById(ctx.db, draftId);
  if (draft?.audience !== 'contact') return noSuchDraft(draftId);
  if (until <= at) {
    return { ok: false, message: 'A snooze must end in the future; nothing changed.', draft };
  }
  if (!allows(draft, 'snooze')) return refusal(ctx, draft);
  const move = await moveOutboxRow(ctx.db, draft.id, 'snooze', {
    send_after: until,
    updated_at: at,
  });
  if (!move.moved) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft);
  outboxChanged();
  return {
    ok: true,
    message: `Snoozed: kith will ask you again about the ${describe(draft)} on ${shortDate(until, ctx.config.timeZone)}.`,
    draft,
  };
}

/**
 * Carries out the owner's reply to an approval request. `ref` must come from
 * verifySignedMessageId on the Message-ID the reply answers: a reference that
 * is not an approval request, or names another draft than the command does,
 * is refused and changes nothing.
 */
export async function applyOwnerCommand(
  ctx: OutboxContext,
  ref: string,
  command: OwnerCommand,
  at: Instant,
): Promise<CommandResult> {
  const parsed = parseOwnerRef(ref);
  if (parsed?.type !== 'approval') {
    return {
      ok: false,
      message:
        'That reply does not answer an approval request, so nothing was approved, skipped or snoozed.',
    };
  }
  if ('draftId' in command && command.draftId !== undefined && command.draftId !== parsed.draftId) {
    return {
      ok: false,
      message: `Your reply names draft #${command.draftId}, but it answers the request about draft #${parsed.draftId}; nothing changed.`,
    };
  }
  const request = await findOutboxById(ctx.db, parsed.requestId);
  if (request?.kind !== 'approval_request' || request.draft_id !== parsed.draftId) {
    return { ok: false, message: 'kith has no record of that approval request; nothing changed.' };
  }
  switch (command.type) {
    case 'approve':
      // Exactly the text that request showed: a draft changed since is not approved.
      return approveDraft(ctx, parsed.draftId, {
        at,
        approvedText: await approvalTextOf(ctx.db, parsed.requestId),
      });
    case 'revise':
      return reviseDraft(ctx, parsed.draftId, { at, text: command.text });
    case 'skip':
      return skipDraft(ctx, parsed.draftId, { at });
    case 'snooze':
      return snoozeDraft(ctx, parsed.draftId, { until: command.until, at });
    case 'unclear':
      return { ok: false, message: `${command.reason}; nothing changed.` };
  }
}
