import { findContactById } from '../db/contacts.js';
import { BadInputError, KithError } from '../errors.js';
import {
  approveDraft,
  type CommandResult,
  skipDraft,
  snoozeDraft,
} from '../outbox/draft-commands.js';
import { createContactDraft, type OutboxContext } from '../outbox/drafts.js';
import { draftInvitation } from '../outbox/invitations.js';
import { snoozeEnd } from '../outbox/snooze-end.js';
import { ownerView, personView } from '../outbox/views.js';
import { howFoundSentence } from '../templates/how-found.js';
import { loadTemplatesCached } from '../templates/render.js';
import type { WebDeps } from './deps.js';

/**
 * The web UI's draft buttons call the very functions that approval by mail
 * calls (src/outbox/draft-commands.ts), so both paths behave the same.
 */

function outboxContext(deps: WebDeps): OutboxContext {
  return { db: deps.db, config: deps.config, logger: deps.logger, now: deps.now };
}

/** Approves a draft; when the text was changed, with the owner's text. */
export function approveFromWeb(
  deps: WebDeps,
  id: number,
  editedText: string | undefined,
): Promise<CommandResult> {
  return approveDraft(outboxContext(deps), id, {
    at: deps.now(),
    ...(editedText === undefined ? {} : { editedText }),
  });
}

export function skipFromWeb(deps: WebDeps, id: number): Promise<CommandResult> {
  return skipDraft(outboxContext(deps), id, { at: deps.now() });
}

/** The choices the drafts page offers (the API takes any 1–365). */
export const SNOOZE_DAYS = [1, 3, 7, 14, 30] as const;

export function snoozeFromWeb(deps: WebDeps, id: number, days: number): Promise<CommandResult> {
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new BadInputError('Snooze for 1 to 365 days.');
  }
  const now = deps.now().toISOString();
  const until = snoozeEnd(deps.config, { kind: 'for', minutes: days * 24 * 60, text: '' }, now);
  if (!until) throw new BadInputError('Snooze for 1 to 365 days.');
  return snoozeDraft(outboxContext(deps), id, { at: now, until });
}

/** The changed text, or undefined when the owner left the draft as it was. */
export function editedOrUndefined(
  original: string,
  submitted: string | undefined,
): string | undefined {
  if (submitted === undefined) return undefined;
  const norm = (s: string) => s.replace(/\r\n?/g, '\n').trim();
  return norm(submitted) === norm(original) ? undefined : submitted;
}

/** An outreach rendered from the template, ready to edit. */
export interface OutreachPreview {
  readonly contactId: number;
  /** The working address it would go to, or undefined when none is known. */
  readonly to: string | undefined;
  readonly bcc: string | undefined;
  readonly subject: string;
  readonly text: string;
}

/** Renders the outreach template for a contact (and who referred them). */
export async function previewOutreach(deps: WebDeps, contactId: number): Promise<OutreachPreview> {
  const contact = await findContactById(deps.db, contactId);
  if (!contact) throw new KithError('not_found', `There is no contact #${contactId}.`);
  const addressOf = async (id: number) =>
    (
      await deps.db
        .selectFrom('contact_emails')
        .select('address')
        .where('contact_id', '=', id)
        .where('dead_at', 'is', null)
        .orderBy('is_primary', 'desc')
        .orderBy('id')
        .executeTakeFirst()
    )?.address;
  const referrer = contact.referred_by_id
    ? await findContactById(deps.db, contact.referred_by_id)
    : undefined;
  const to = await addressOf(contactId);
  const rendered = loadTemplatesCached(deps.config.templatesDir).render('outreach', {
    owner: ownerView(deps.config),
    contact: personView(contact, to ?? null),
    referrer: referrer ? personView(referrer, (await addressOf(referrer.id)) ?? null) : null,
    howFound: howFoundSentence(contact.source),
  });
  return {
    contactId,
    to,
    bcc: deps.config.serviceAddress,
    subject: rendered.subject,
    text: rendered.text,
  };
}

/**
 * Sends an outreach the owner wrote (from the template) through the outbox:
 * a draft of kind outreach, approved at once — pressing Send is the approval.
 */
export async function sendOutreach(
  deps: WebDeps,
  contactId: number,
  subject: string,
  text: string,
): Promise<CommandResult> {
  const cleanSubject = subject.replace(/[\r\n]+/g, ' ').trim();
  if (cleanSubject === '') throw new BadInputError('The subject is empty.');
  if (text.trim() === '') throw new BadInputError('The text is empty.');
  const ctx = outboxContext(deps);
  const made = await createContactDraft(ctx, {
    kind: 'outreach',
    contactId,
    subject: cleanSubject.slice(0, 300),
    text,
    at: deps.now(),
    askOwner: false,
  });
  // An undecided outreach already existed: send this text rather than the older one.
  return approveDraft(ctx, made.draft.id, {
    at: deps.now(),
    ...(made.created ? {} : { editedText: text }),
  });
}

/** A mailto: link with To, Subject, body and kith's BCC filled in (RFC 6068). */
export function mailtoLink(preview: {
  to: string;
  bcc: string | undefined;
  subject: string;
  text: string;
}): string {
  const params = [
    ...(preview.bcc ? [`bcc=${encodeURIComponent(preview.bcc)}`] : []),
    `subject=${encodeURIComponent(preview.subject)}`,
    `body=${encodeURIComponent(preview.text.replace(/\r?\n/g, '\r\n'))}`,
  ];
  return `mailto:${encodeURIComponent(preview.to).replace(/%40/g, '@')}?${params.join('&')}`;
}

/**
 * A meeting changed on the web (moved or cancelled): draft the calendar
 * update or CANCEL its invitation needs, if kith invited the contact.
 */
export async function meetingChangedOnWeb(deps: WebDeps, meetingId: number): Promise<void> {
  await draftInvitation(outboxContext(deps), meetingId, deps.now().toISOString());
}
