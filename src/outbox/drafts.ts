import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { findContactById } from '../db/contacts.js';
import { type Db, inTransaction } from '../db/database.js';
import { approvalTextOf } from '../db/inbox-queries.js';
import {
  countApprovalRequests,
  findOpenDraft,
  findOutboxById,
  findOutboxByMessageId,
  insertOutboxRow,
  latestThreadMessage,
  liveAddressOf,
  moveOutboxRow,
  OPEN_DRAFT_STATES,
} from '../db/outbox-queries.js';
import type { OutboxRow, OutboxState } from '../db/schema.js';
import { BadInputError, KithError } from '../errors.js';
import type { Logger } from '../log.js';
import { approvalBlocker, countPlaces, placesToFill } from '../pipeline/draft-text.js';
import { type ApprovalRequestContext, KIND_LABELS } from '../templates/contexts.js';
import { loadTemplatesCached, type Templates } from '../templates/render.js';
import { describeCalendarIcs } from './invitation-ics.js';
import { makeSignedMessageId } from './message-id.js';
import { messageIdDomain, parseReferences } from './mime.js';
import { outboxChanged } from './signal.js';
import { formatAddress, ownerView, personView, readableRecipient, shortDate } from './views.js';
import { withdrawIfAnswered } from './withdraw.js';

/**
 * The outbox's public API: every mail kith sends is made here, and every
 * decision about a draft — by reply (the inbox), by button (the web UI) or by
 * schedule — goes through these functions, so all paths behave the same.
 *
 * Mail to a contact is a draft: it waits for the owner's approval (an
 * approval request is mailed to the owner at once). Mail to the owner is
 * approved on creation and leaves with the next send round. Message-IDs are
 * fixed here, at creation, never at send time.
 */

export interface OutboxContext {
  readonly db: Db;
  readonly config: Config;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Loaded templates; by default the built-ins plus KITH_TEMPLATES_DIR. */
  readonly templates?: Templates;
}

/** An instant as a Date or an ISO-8601 string. */
export type Instant = Date | string;

/** The answer to a command: `message` is one line the caller can show or mail to the owner. */
export interface CommandResult {
  readonly ok: boolean;
  readonly message: string;
  readonly draft?: OutboxRow;
}

export interface ContactDraftInput {
  /** outreach, follow_up, thank_you, keep_in_touch, referrer_update… */
  readonly kind: string;
  readonly contactId: number;
  readonly meetingId?: number | null;
  readonly subject: string;
  readonly text: string;
  readonly at: Instant;
  /**
   * false when the owner is deciding right now (the web UI's "send"): no
   * approval request is mailed, the draft just waits for that decision.
   */
  readonly askOwner?: boolean;
  /** An iTIP object to send as a text/calendar part beside the text (an invitation). */
  readonly calendarIcs?: string | null;
}

export interface CreatedDraft {
  readonly draft: OutboxRow;
  /** The approval request mailed to the owner; null when no owner address is set. */
  readonly approvalRequest: OutboxRow | null;
  /** False when an undecided draft of the same kind already existed (it is returned). */
  readonly created: boolean;
}

export interface OwnerMailInput {
  readonly kind: string;
  readonly contactId?: number | null;
  readonly meetingId?: number | null;
  readonly subject: string;
  readonly text: string;
  readonly at: Instant;
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

/** What a signed reference points at: `d<draft>-r<request>` or `o<outbox id>`. */
export type OwnerRef =
  | { readonly type: 'approval'; readonly draftId: number; readonly requestId: number }
  | { readonly type: 'owner_mail'; readonly outboxId: number };

export function toIso(at: Instant): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) throw new BadInputError(`"${String(at)}" is not a date`);
  return date.toISOString();
}

/** Parses the reference inside a verified signed Message-ID. */
export function parseOwnerRef(ref: string): OwnerRef | null {
  const approval = /^d(\d+)-r(\d+)$/.exec(ref);
  if (approval) {
    return { type: 'approval', draftId: Number(approval[1]), requestId: Number(approval[2]) };
  }
  const owner = /^o(\d+)$/.exec(ref);
  return owner ? { type: 'owner_mail', outboxId: Number(owner[1]) } : null;
}

/** The owner mail a verified reference names (for notes by reply: its contact and meeting). */
export async function findOwnerMailByRef(db: Db, ref: string): Promise<OutboxRow | undefined> {
  const parsed = parseOwnerRef(ref);
  if (!parsed) return undefined;
  const id = parsed.type === 'approval' ? parsed.requestId : parsed.outboxId;
  const row = await findOutboxById(db, id);
  return row?.audience === 'owner' ? row : undefined;
}

function requireSecret(config: Config): string {
  if (!config.secret) {
    throw new KithError(
      'internal',
      'the instance secret is not loaded (ensureSecret was not called)',
    );
  }
  return config.secret;
}

function templatesOf(ctx: OutboxContext): Templates {
  return ctx.templates ?? loadTemplatesCached(ctx.config.templatesDir);
}

function labelOf(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? kind.replace(/_/g, ' ');
}

/** In-Reply-To/References answering the newest message with the contact, if any. */
async function threadHeaders(
  db: Db,
  contactId: number,
  kind: string,
): Promise<{ in_reply_to: string | null; references: string }> {
  // An outreach opens a new conversation; everything else continues the last one.
  if (kind === 'outreach') return { in_reply_to: null, references: '' };
  const last = await latestThreadMessage(db, contactId);
  if (!last) return { in_reply_to: null, references: '' };
  const chain = [...parseReferences(last.references), last.message_id];
  return { in_reply_to: last.message_id, references: [...new Set(chain)].join(' ') };
}

/**
 * Makes a draft to a contact and, when the owner's address is known, queues
 * the approval request to the owner in the same transaction. An undecided
 * draft of the same kind for the same contact and meeting is returned instead
 * of making a second one.
 */
export async function createContactDraft(
  ctx: OutboxContext,
  input: ContactDraftInput,
): Promise<CreatedDraft> {
  const at = toIso(input.at);
  const meetingId = input.meetingId ?? null;
  const contact = await findContactById(ctx.db, input.contactId);
  if (!contact) throw new BadInputError(`there is no contact #${input.contactId}`);
  const address = await liveAddressOf(ctx.db, input.contactId);
  if (!address) {
    throw new BadInputError(
      `${contact.name ?? `contact #${contact.id}`} has no working address: add one before drafting`,
    );
  }
  const domain = messageIdDomain(ctx.config);
  const result = await inTransaction(ctx.db, async (trx) => {
    const existing = await findOpenDraft(trx, input.kind, input.contactId, meetingId);
    if (existing) return { draft: existing, approvalRequest: null, created: false };
    const thread = await threadHeaders(trx, input.contactId, input.kind);
    const canAsk = ctx.config.owner.emails.length > 0 && input.askOwner !== false;
    const draft = await insertOutboxRow(
      trx,
      {
        kind: input.kind,
        contact_id: input.contactId,
        meeting_id: meetingId,
        audience: 'contact',
        to_address: formatAddress(contact.name, address),
        subject: input.subject,
        body_text: input.text,
        body_html: null,
        calendar_ics: input.calendarIcs ?? null,
        ...thread,
        state: canAsk ? 'awaiting_approval' : 'drafted',
        send_after: null,
        attempts: 0,
        last_error: null,
        draft_id: null,
        created_at: at,
        updated_at: at,
        sent_at: null,
      },
      () => `${randomUUID()}@${domain}`,
    );
    const approvalRequest = canAsk
      ? await insertApprovalRequest(ctx, trx, draft, at, 0, 'new')
      : null;
    return { draft, approvalRequest, created: true };
  });
  if (result.created) {
    ctx.logger.info('draft made', { draft: result.draft.id, kind: input.kind });
    outboxChanged();
  }
  return result;
}

/** Renders and queues the approval request for `draft` (inside the caller's transaction). */
async function insertApprovalRequest(
  ctx: OutboxContext,
  trx: Db,
  draft: OutboxRow,
  at: string,
  askedBefore: number,
  reason: ApprovalRequestContext['reason'],
): Promise<OutboxRow> {
  const contact = draft.contact_id ? await findContactById(trx, draft.contact_id) : undefined;
  const places = placesToFill(draft.body_text);
  const rendered = templatesOf(ctx).render('approval_request', {
    owner: ownerView(ctx.config),
    contact: personView(contact, draft.to_address),
    draft: {
      id: draft.id,
      kindLabel: labelOf(draft.kind),
      to: readableRecipient(draft.to_address),
      subject: draft.subject,
      text: draft.body_text,
      places,
      placesLabel: places.length > 0 ? countPlaces(places.length) : '',
      attachment: draft.calendar_ics ? describeCalendarIcs(draft.calendar_ics) : '',
    },
    askedBefore,
    reason,
  });
  return insertOwnerRow(ctx, trx, {
    kind: 'approval_request',
    contactId: draft.contact_id,
    meetingId: draft.meeting_id,
    subject: rendered.subject,
    text: rendered.text,
    approvalText: draft.body_text,
    at,
    draftId: draft.id,
  });
}

async function insertOwnerRow(
  ctx: OutboxContext,
  trx: Db,
  input: Omit<OwnerMailInput, 'at'> & {
    at: string;
    draftId?: number | null;
    approvalText?: string;
  },
): Promise<OutboxRow> {
  const to = ctx.config.owner.emails[0];
  if (!to) {
    throw new KithError(
      'config',
      'KITH_OWNER_EMAIL is not set, so kith cannot mail you. Set it in .env and restart.',
    );
  }
  const secret = requireSecret(ctx.config);
  const domain = messageIdDomain(ctx.config);
  const draftId = input.draftId ?? null;
  return insertOutboxRow(
    trx,
    {
      kind: input.kind,
      contact_id: input.contactId ?? null,
      meeting_id: input.meetingId ?? null,
      audience: 'owner',
      to_address: formatAddress(ctx.config.owner.name, to),
      subject: input.subject,
      body_text: input.text,
      body_html: null,
      in_reply_to: null,
      references: '',
      state: 'approved',
      send_after: input.at,
      attempts: 0,
      last_error: null,
      draft_id: draftId,
      approval_text: input.approvalText ?? null,
      created_at: input.at,
      updated_at: input.at,
      sent_at: null,
    },
    (id) => makeSignedMessageId(secret, draftId === null ? `o${id}` : `d${draftId}-r${id}`, domain),
  );
}

/**
 * Queues a mail to the owner (prep brief, prompt, digest, notice). It leaves
 * with the next send round, within OWNER_MAIL_PER_HOUR; its Message-ID is
 * signed so the owner's reply is trusted and maps back to it (`o<id>`).
 */
export async function queueOwnerMail(
  ctx: OutboxContext,
  input: OwnerMailInput,
): Promise<OutboxRow> {
  const at = toIso(input.at);
  const row = await inTransaction(ctx.db, (trx) => insertOwnerRow(ctx, trx, { ...input, at }));
  outboxChanged();
  return row;
}

/** A short notice to the owner (e.g. the answer to a command that changed nothing). */
export async function queueOwnerNotice(
  ctx: OutboxContext,
  input: { title: string; message: string; at: Instant; contactId?: number | null },
): Promise<OutboxRow> {
  const rendered = templatesOf(ctx).render('notice', {
    owner: ownerView(ctx.config),
    title: input.title,
    message: input.message,
  });
  return queueOwnerMail(ctx, {
    kind: 'notice',
    contactId: input.contactId ?? null,
    subject: rendered.subject,
    text: rendered.text,
    at: input.at,
  });
}

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
  if (!OPEN_DRAFT_STATES.includes(draft.state)) return refusal(ctx, draft, 'ask again about');
  const request = await inTransaction(ctx.db, async (trx) => {
    const moved = await moveOutboxRow(trx, draft.id, OPEN_DRAFT_STATES, {
      state: 'awaiting_approval',
      send_after: null,
      updated_at: when,
    });
    if (!moved) return null;
    const asked = await countApprovalRequests(trx, draft.id);
    const current = (await findOutboxById(trx, draft.id)) ?? draft;
    return insertApprovalRequest(ctx, trx, current, when, asked, reason);
  });
  if (!request)
    return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft, 'ask again about');
  outboxChanged();
  return { ok: true, message: `Asked you again about the ${describe(draft)}.`, draft };
}

function describe(draft: OutboxRow): string {
  return `${labelOf(draft.kind)} to ${readableRecipient(draft.to_address)}`;
}

function noSuchDraft(draftId: number): CommandResult {
  return { ok: false, message: `There is no draft #${draftId}; nothing changed.` };
}

/** The one-line answer when a draft's state does not allow the command. */
function refusal(ctx: OutboxContext, draft: OutboxRow, verb: string): CommandResult {
  const what = `Your ${describe(draft)}`;
  const when = (iso: string | null) => shortDate(iso ?? draft.updated_at, ctx.config.timeZone);
  const messages: Partial<Record<OutboxState, string>> = {
    sent: `${what} was already sent on ${when(draft.sent_at)}; nothing changed.`,
    skipped: `${what} was skipped on ${when(draft.updated_at)} and not sent; nothing changed.`,
    approved: `${what} is already approved and about to be sent; nothing changed.`,
    sending: `${what} is being sent right now; nothing changed.`,
    failed: `${what} could not be sent (${draft.last_error ?? 'unknown error'}); nothing changed.`,
  };
  return {
    ok: false,
    message:
      messages[draft.state] ?? `Cannot ${verb} your ${describe(draft)} now; nothing changed.`,
    draft,
  };
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
  if (!OPEN_DRAFT_STATES.includes(draft.state)) return refusal(ctx, draft, 'approve');
  // No separate notice: every caller shows or mails this answer to the owner already.
  const withdrawn = await withdrawIfAnswered(ctx.db, ctx.config, draft, OPEN_DRAFT_STATES, at);
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
  const moved = await moveOutboxRow(ctx.db, draft.id, OPEN_DRAFT_STATES, {
    state: 'approved',
    send_after: at,
    ...(edited ? { body_text: `${edited}\n` } : {}),
    ...thread,
    last_error: null,
    updated_at: at,
  });
  if (!moved) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft, 'approve');
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
  if (!OPEN_DRAFT_STATES.includes(draft.state)) return refusal(ctx, draft, 'change');
  const request = await inTransaction(ctx.db, async (trx) => {
    const moved = await moveOutboxRow(trx, draft.id, OPEN_DRAFT_STATES, {
      state: 'awaiting_approval',
      body_text: `${text}\n`,
      send_after: null,
      updated_at: at,
    });
    if (!moved) return null;
    const revised = (await findOutboxById(trx, draft.id)) ?? draft;
    return insertApprovalRequest(ctx, trx, revised, at, 0, 'revision');
  });
  if (!request) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft, 'change');
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
  const from: OutboxState[] = [...OPEN_DRAFT_STATES, 'approved', 'failed'];
  if (!from.includes(draft.state)) return refusal(ctx, draft, 'skip');
  const moved = await moveOutboxRow(ctx.db, draft.id, from, {
    state: 'skipped',
    send_after: null,
    updated_at: at,
  });
  if (!moved) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft, 'skip');
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
  if (!OPEN_DRAFT_STATES.includes(draft.state)) return refusal(ctx, draft, 'snooze');
  const moved = await moveOutboxRow(ctx.db, draft.id, OPEN_DRAFT_STATES, {
    state: 'snoozed',
    send_after: until,
    updated_at: at,
  });
  if (!moved) return refusal(ctx, (await findOutboxById(ctx.db, draftId)) ?? draft, 'snooze');
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

/**
 * Records that a mail with this Message-ID was sent by other means — the
 * owner sent the draft from their Drafts folder and ingest saw it in Sent.
 * True when a row changed; the send loop will then never send it.
 */
export async function markSentByMessageId(
  ctx: OutboxContext,
  messageId: string,
  at: Instant,
): Promise<boolean> {
  const row = await findOutboxByMessageId(ctx.db, messageId);
  if (!row || row.state === 'sent') return false;
  const when = toIso(at);
  const moved = await moveOutboxRow(
    ctx.db,
    row.id,
    ['drafted', 'awaiting_approval', 'snoozed', 'approved', 'sending', 'failed', 'skipped'],
    { state: 'sent', sent_at: when, send_after: null, updated_at: when },
  );
  if (moved) {
    ctx.logger.info('outbox mail seen in Sent', { outbox: row.id });
    outboxChanged();
  }
  return moved;
}
