import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { findContactById } from '../db/contacts.js';
import { type Db, inTransaction } from '../db/database.js';
import {
  findDraftStillToSend,
  findOutboxById,
  findOutboxByMessageId,
  insertOutboxRow,
  latestThreadMessage,
  liveAddressOf,
  moveOutboxRow,
} from '../db/outbox-queries.js';
import type { OutboxRow } from '../db/schema.js';
import { BadInputError, KithError } from '../errors.js';
import type { Logger } from '../log.js';
import { countPlaces, placesToFill } from '../pipeline/draft-text.js';
import { firstState } from '../pipeline/outbox-lifecycle.js';
import { type ApprovalRequestContext, KIND_LABELS } from '../templates/contexts.js';
import { loadTemplatesCached, type Templates } from '../templates/render.js';
import { describeCalendarIcs } from './invitation-ics.js';
import { makeSignedMessageId } from './message-id.js';
import { messageIdDomain, parseReferences } from './mime.js';
import { outboxChanged } from './signal.js';
import { formatAddress, ownerView, personView, readableRecipient } from './views.js';

/**
 * Where every mail kith sends is made. Mail to a contact is a draft: it
 * waits for the owner's approval (an approval request is mailed to the owner
 * at once). Mail to the owner is approved on creation and leaves with the
 * next send round. Message-IDs are fixed here, at creation, never at send
 * time. What the owner then decides about a draft is ./draft-commands.ts;
 * where each row goes next is src/pipeline/outbox-lifecycle.ts.
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
  /** False when a draft of the same kind was still to be sent (it is returned). */
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

export function labelOf(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? kind.replace(/_/g, ' ');
}

/** In-Reply-To/References answering the newest message with the contact, if any. */
export async function threadHeaders(
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
    const existing = await findDraftStillToSend(trx, input.kind, input.contactId, meetingId);
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
        state: firstState('contact', canAsk),
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
export async function insertApprovalRequest(
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
      state: firstState('owner', true),
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
  const move = await moveOutboxRow(ctx.db, row.id, 'seen_in_sent', {
    sent_at: when,
    send_after: null,
    updated_at: when,
  });
  if (move.moved) {
    ctx.logger.info('outbox mail seen in Sent', { outbox: row.id });
    outboxChanged();
  }
  return move.moved;
}
