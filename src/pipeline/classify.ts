import { findAcceptance, looksLikeThanks } from './acceptance.js';
import { canonicalAddress } from './address.js';
import { type AutoReplyEvidence, detectAutoReply } from './auto-reply.js';
import { type BounceEvidence, detectBounce } from './bounce.js';
import type { CalendarEvent } from './calendar-event.js';
import { findDecline } from './decline.js';
import type { FailureReason, FailureSeverity } from './failure-kind.js';
import type { MailAddress, MailMessage } from './mail.js';
import { type OwnerReply, parseOwnerReply } from './owner-commands.js';
import type { ProposedTime } from './proposed-time.js';
import type { Stage } from './stages.js';
import { subjectKey } from './subject-key.js';

/**
 * What one mail means to kith — pure: no I/O, no clock, no packages. Over
 * 400 lines because about 200 are the context and result types, the
 * contract between the adapter and this decision; the text rules live in the
 * modules imported above, and this file only picks which one applies.
 *
 * Who does what:
 * - The ingest adapter (src/inbox/) prepares a `ClassifyContext` of plain
 *   data: it looks up the contacts for `addressesToLookUp(message, events)`,
 *   the thread by In-Reply-To/References among Message-IDs kith stored, and
 *   verifies a kith-signed Message-ID in In-Reply-To/References
 *   (verifySignedMessageId, then the outbox row for audience and approval).
 * - Extraction that needs a library runs in src/inbox/ before classify:
 *   the reply text (reply-text.ts, own rules), calendar events
 *   (calendar.ts, ical.js + luxon + windows-iana), proposed meeting times
 *   (proposed-times.ts, chrono-node + luxon) and the out-of-office return
 *   date (ooo-return-date.ts, chrono-node). The adapter may run them on every
 *   concerned mail; classify uses only what the kind needs.
 * - Everything that is rules on text and headers lives here in
 *   src/pipeline/: bounces (bounce.ts), auto-replies (auto-reply.ts),
 *   declines (decline.ts), acceptance and thanks (acceptance.ts), owner
 *   commands and notes (owner-commands.ts), subject keys (subject-key.ts).
 * - Deduplication is the adapter's job: the BCC'd copy and the Sent copy of
 *   one outreach share a Message-ID, so the second is skipped before it gets
 *   here. Whether an outreach seen only in Sent (no BCC) may create new
 *   contacts is the adapter's policy too.
 *
 * Order of checks, and why: kith's own mail is ignored; a bounce is checked
 * before an auto-reply (bounces carry Auto-Submitted too); a calendar object
 * before an auto-reply (Exchange's generated RSVPs are meaningful); an
 * auto-reply before any owner or contact rule (an out-of-office reply from
 * the owner's own mailbox must never pass for a note or outreach).
 */

/** A contact known for one address of the message. */
export interface KnownContact {
  readonly contactId: number;
  readonly stage: Stage;
  /** This address bounced before. */
  readonly dead: boolean;
}

/** The thread the adapter found for In-Reply-To / References among stored Message-IDs. */
export interface ThreadMatch {
  readonly contactId: number;
  readonly threadId: number;
  /** The thread's stored subject key (see subjectKey). */
  readonly subjectKey: string;
  readonly matchedBy: 'in-reply-to' | 'references';
}

/** A kith-signed Message-ID in In-Reply-To/References that verified with the instance secret. */
export interface KithReference {
  /** The reference inside the signed Message-ID. */
  readonly ref: string;
  /** The signed Message-ID this mail answers. */
  readonly messageId: string;
  /** Who that kith mail went to: the owner (brief, approval request, digest) or a contact. */
  readonly audience: 'owner' | 'contact';
  /** That mail asked the owner to approve a draft. */
  readonly awaitsApproval: boolean;
  /** The exact draft text that mail asked about, when it asked for approval. */
  readonly draftText?: string | null;
  /** The text of that kith mail, to cut a copy of it quoted without marks. */
  readonly answeredText?: string | null;
  /** The contact that mail was about, if any. */
  readonly contactId: number | null;
}

/** Everything classify needs besides the message: plain data prepared by the adapter. */
export interface ClassifyContext {
  /** The owner's addresses; `me+anything@` counts as `me@`. */
  readonly ownerAddresses: readonly string[];
  /** kith's own address (a mailbox or a plus-address of the owner's), null if none. */
  readonly serviceAddress: string | null;
  /** Known contacts by lower-cased address, for the addresses from addressesToLookUp. */
  readonly contacts: ReadonlyMap<string, KnownContact>;
  readonly thread: ThreadMatch | null;
  readonly kithReference: KithReference | null;
  /** The new part of the reply (extractReply(message.text).text). */
  readonly replyText: string;
  /** The sign-off cut from it (extractReply(...).signOff). */
  readonly replySignOff: string | null;
  /** The new part as written, sign-off kept (extractReply(...).letter): an owner's own version. */
  readonly replyLetter?: string;
  /** parseCalendarParts(message.calendar). */
  readonly calendarEvents: readonly CalendarEvent[];
  /** extractProposedTimes(replyText, …) with the Date header and the sender's offset. */
  readonly proposedTimes: readonly ProposedTime[];
  /** extractReturnDate(message.text, …): `YYYY-MM-DD`, or null. */
  readonly oooReturnDate: string | null;
}

interface BouncedRecipient {
  readonly address: string;
  readonly contactId: number | null;
  /** Only a hard failure marks the address dead; a soft one is told to the owner. */
  readonly severity: FailureSeverity;
  readonly reason: FailureReason;
  /** The server's words about this recipient, when the report has them. */
  readonly diagnostic: string | null;
}

interface OutreachRecipient {
  readonly address: string;
  readonly name: string;
  readonly contactId: number | null;
  /** A known contact who is `met`, and the text thanks them: this is the thank-you. */
  readonly thankYou: boolean;
}

export type CalendarAction = 'confirmed' | 'cancelled' | 'accepted' | 'declined' | 'tentative';

export interface CalendarItem {
  readonly action: CalendarAction;
  readonly event: CalendarEvent;
}

/** The meaning of one mail. */
export type Classification =
  | {
      readonly kind: 'bounce';
      readonly evidence: BounceEvidence;
      readonly recipients: readonly BouncedRecipient[];
      readonly diagnostic: string | null;
    }
  | {
      readonly kind: 'auto_reply';
      readonly evidence: AutoReplyEvidence;
      /** The contact it answers for, null when none is known (then nothing changes). */
      readonly contactId: number | null;
      readonly threadId: number | null;
      readonly returnDate: string | null;
    }
  | {
      readonly kind: 'calendar';
      readonly action: CalendarAction;
      readonly contactId: number;
      readonly fromOwner: boolean;
      /** The first event for this contact (action is its action). */
      readonly event: CalendarEvent;
      /** Every event of the mail for this contact, the first included: one file may hold several meetings. */
      readonly events: readonly CalendarItem[];
    }
  | {
      readonly kind: 'owner_outreach';
      readonly recipients: readonly OutreachRecipient[];
      readonly subjectKey: string;
      /** It answers some mail (e.g. the owner replying to an introduction), not a new thread. */
      readonly isReply: boolean;
    }
  | {
      readonly kind: 'owner_reply';
      readonly contactId: number;
      readonly threadId: number | null;
      /** The sentence that accepts a proposed time ("Thursday 2pm works great"), or null. */
      readonly acceptance: string | null;
      /** A time the owner's own reply names, when it accepts one. */
      readonly acceptedTime: ProposedTime | null;
      /** Every time the reply names: the meeting rules tell agreement from counter-proposal. */
      readonly proposedTimes: readonly ProposedTime[];
      /** The contact is `met` and the reply thanks them. */
      readonly thankYou: boolean;
    }
  | ({
      readonly kind: 'owner_note';
      readonly reference: KithReference;
      readonly contactId: number | null;
    } & OwnerReply)
  | { readonly kind: 'refused'; readonly reason: string }
  | {
      readonly kind: 'contact_reply';
      readonly contactId: number;
      readonly threadId: number | null;
      readonly matchedBy: 'in-reply-to' | 'references' | 'address' | 'kith-reference';
      /** The sentence that clearly declines, or null (an unclear reply stays a reply). */
      readonly decline: string | null;
      readonly proposedTimes: readonly ProposedTime[];
      /** The sentence agreeing to a time the owner proposed ("Friday 3pm works"), or null. */
      readonly acceptance: string | null;
    }
  | { readonly kind: 'unrelated'; readonly reason: string };

export type ClassificationKind = Classification['kind'];

// A Message-ID in kith's signed shape; whether the signature holds is the adapter's check.
const KITH_SHAPED_ID = /^<?kith\.[A-Za-z0-9-]+\.[A-Za-z0-9_-]+@/;

/** Classifies one message. Pure and total: it never throws. */
export function classify(message: MailMessage, context: ClassifyContext): Classification {
  const who = new Addresses(context);
  const sender = message.from?.address ?? '';
  if (sender !== '' && who.isService(sender)) return unrelated("kith's own mail");

  const bounce = detectBounce(message, who.own());
  if (bounce.type === 'failed') {
    return {
      kind: 'bounce',
      evidence: bounce.evidence,
      recipients: bounce.recipients.map((r) => ({
        ...r,
        contactId: context.contacts.get(r.address)?.contactId ?? null,
      })),
      diagnostic: bounce.diagnostic,
    };
  }
  if (bounce.type === 'notice')
    return unrelated(`delivery report (${bounce.action}), not a failure`);

  const calendar = classifyCalendar(message, context, who);
  if (calendar) return calendar;

  const auto = detectAutoReply(message);
  if (auto) {
    const match = who.isOwner(sender) ? null : contactFor(message, context);
    return {
      kind: 'auto_reply',
      evidence: auto,
      contactId: match?.contactId ?? null,
      threadId: match?.threadId ?? null,
      returnDate: context.oooReturnDate,
    };
  }

  if (sender !== '' && who.isOwner(sender)) return classifyOwnerMail(message, context, who);
  return classifyOtherMail(message, context);
}

/** The addresses whose contacts the adapter should look up before classify. */
export function addressesToLookUp(
  message: MailMessage,
  calendarEvents: readonly CalendarEvent[],
): string[] {
  const out = new Set<string>();
  const add = (a: string | null | undefined): void => {
    if (a?.includes('@')) out.add(canonicalAddress(a));
  };
  add(message.from?.address);
  for (const a of [...message.to, ...message.cc]) add(a.address);
  for (const r of message.deliveryStatus ?? []) add(r.recipient);
  for (const a of message.headers.xFailedRecipients?.split(/[\s,;]+/) ?? []) add(a);
  const bounce = detectBounce(message, new Set());
  if (bounce.type === 'failed') for (const r of bounce.recipients) add(r.address);
  for (const event of calendarEvents) {
    add(event.organizer);
    for (const attendee of event.attendees) add(attendee.address);
  }
  return [...out];
}

// ---------------------------------------------------------------- addresses

class Addresses {
  private readonly owners: Set<string>;
  private readonly service: string | null;

  constructor(context: ClassifyContext) {
    this.owners = new Set(context.ownerAddresses.map(canonicalAddress));
    this.service = context.serviceAddress ? canonicalAddress(context.serviceAddress) || null : null;
  }

  isService(address: string): boolean {
    return this.service !== null && canonicalAddress(address) === this.service;
  }

  /** An owner address, also with a `+tag` the owner added. */
  isOwner(address: string): boolean {
    const a = canonicalAddress(address);
    return this.owners.has(a) || this.owners.has(a.replace(/\+[^@]*@/, '@'));
  }

  /** Owner and service addresses: never a failed recipient or an outreach recipient. */
  own(): Set<string> {
    const set = new Set(this.owners);
    if (this.service) set.add(this.service);
    return set;
  }

  isOwnOrService(address: string): boolean {
    return this.isOwner(address) || this.isService(address);
  }
}

function unrelated(reason: string): Classification {
  return { kind: 'unrelated', reason };
}

// ---------------------------------------------------------------- threads and contacts

interface ContactMatch {
  readonly contactId: number;
  readonly threadId: number | null;
  readonly matchedBy: 'in-reply-to' | 'references' | 'address' | 'kith-reference';
}

/**
 * The thread, when it really is one: In-Reply-To alone is enough; a match
 * by References only also needs the same subject, because clients copy
 * long References chains into unrelated mail.
 */
function validThread(message: MailMessage, thread: ThreadMatch | null): ThreadMatch | null {
  if (!thread) return null;
  if (thread.matchedBy === 'in-reply-to') return thread;
  return subjectKey(message.subject) === thread.subjectKey ? thread : null;
}

/** The contact a mail from someone other than the owner belongs to. */
function contactFor(message: MailMessage, context: ClassifyContext): ContactMatch | null {
  const thread = validThread(message, context.thread);
  if (thread) {
    return { contactId: thread.contactId, threadId: thread.threadId, matchedBy: thread.matchedBy };
  }
  const sender = message.from?.address;
  const known = sender ? context.contacts.get(sender) : undefined;
  if (known) return { contactId: known.contactId, threadId: null, matchedBy: 'address' };
  const ref = context.kithReference;
  if (ref?.audience === 'contact' && ref.contactId !== null) {
    return { contactId: ref.contactId, threadId: null, matchedBy: 'kith-reference' };
  }
  return null;
}

function fromContactItself(
  message: MailMessage,
  context: ClassifyContext,
  contactId: number,
): boolean {
  const sender = message.from?.address;
  return sender !== undefined && context.contacts.get(sender)?.contactId === contactId;
}

function stageOf(context: ClassifyContext, contactId: number): Stage | null {
  for (const known of context.contacts.values())
    if (known.contactId === contactId) return known.stage;
  return null;
}

// ---------------------------------------------------------------- contact and stranger mail

function classifyOtherMail(message: MailMessage, context: ClassifyContext): Classification {
  const match = contactFor(message, context);
  if (!match) return unrelated('not from a contact and not in a known thread');
  if (message.headers.listId && match.matchedBy !== 'in-reply-to') {
    return unrelated('mailing-list mail outside a known thread');
  }
  // Anyone can answer in a thread; only the contact's own address speaks for them.
  const itself = fromContactItself(message, context, match.contactId);
  const decline = itself ? findDecline(context.replyText, context.proposedTimes.length > 0) : null;
  return {
    kind: 'contact_reply',
    contactId: match.contactId,
    threadId: match.threadId,
    matchedBy: match.matchedBy,
    decline,
    proposedTimes: context.proposedTimes,
    acceptance: itself && decline === null ? findAcceptance(context.replyText) : null,
  };
}

// ---------------------------------------------------------------- owner mail

function classifyOwnerMail(
  message: MailMessage,
  context: ClassifyContext,
  who: Addresses,
): Classification {
  const ref = context.kithReference;
  if (ref?.audience === 'owner') {
    return {
      kind: 'owner_note',
      reference: ref,
      contactId: ref.contactId,
      ...parseOwnerReply(context.replyText, {
        signOff: context.replySignOff,
        letter: context.replyLetter ?? null,
        awaitsApproval: ref.awaitsApproval,
        draftText: ref.draftText ?? null,
        answeredText: ref.answeredText ?? null,
      }),
    };
  }
  const thread = validThread(message, context.thread);
  const threadContact = thread?.contactId ?? (ref?.audience === 'contact' ? ref.contactId : null);
  if (threadContact !== null && threadContact !== undefined) {
    return ownerReply(context, threadContact, thread?.threadId ?? null);
  }
  const refusal = refusalReason(message, who);
  if (refusal) return { kind: 'refused', reason: refusal };
  return ownerOutreach(message, context, who);
}

function ownerReply(
  context: ClassifyContext,
  contactId: number,
  threadId: number | null,
): Classification {
  const acceptance = findAcceptance(context.replyText);
  return {
    kind: 'owner_reply',
    contactId,
    threadId,
    acceptance,
    acceptedTime: acceptance ? (context.proposedTimes[0] ?? null) : null,
    proposedTimes: context.proposedTimes,
    thankYou: stageOf(context, contactId) === 'met' && looksLikeThanks(context.replyText),
  };
}

/**
 * Owner mail that talks to kith but answers no kith-signed mail: refused, so
 * a forged From can never approve, skip or add notes.
 */
function refusalReason(message: MailMessage, who: Addresses): string | null {
  const ids = [message.inReplyTo ?? '', ...message.references];
  if (ids.some((id) => KITH_SHAPED_ID.test(id))) {
    return 'it answers a kith Message-ID that this instance did not sign (or no longer knows)';
  }
  if (/\[kith\]/i.test(message.subject)) {
    return 'its subject names kith, but it answers no mail kith signed';
  }
  // The service may be the owner's plus-address, so it is checked before the owner rule.
  const others = recipientsOf(message).filter(
    (a) => who.isService(a.address) || !who.isOwner(a.address),
  );
  if (others.length > 0 && others.every((a) => who.isService(a.address))) {
    return 'it is addressed to kith only, but answers no mail kith signed';
  }
  return null;
}

function recipientsOf(message: MailMessage): MailAddress[] {
  return [...message.to, ...message.cc];
}

function ownerOutreach(
  message: MailMessage,
  context: ClassifyContext,
  who: Addresses,
): Classification {
  const seen = new Set<string>();
  const recipients: OutreachRecipient[] = [];
  const thanks = looksLikeThanks(context.replyText);
  for (const r of recipientsOf(message)) {
    const address = canonicalAddress(r.address);
    if (!address.includes('@') || who.isOwnOrService(address) || seen.has(address)) continue;
    seen.add(address);
    const known = context.contacts.get(address);
    recipients.push({
      address,
      name: r.name,
      contactId: known?.contactId ?? null,
      thankYou: known?.stage === 'met' && thanks,
    });
  }
  if (recipients.length === 0) return unrelated('owner mail to no one but the owner');
  return {
    kind: 'owner_outreach',
    recipients,
    subjectKey: subjectKey(message.subject),
    isReply: message.inReplyTo !== null,
  };
}

// ---------------------------------------------------------------- calendar

function classifyCalendar(
  message: MailMessage,
  context: ClassifyContext,
  who: Addresses,
): Classification | null {
  const sender = message.from?.address ?? '';
  const fromOwner = sender !== '' && who.isOwner(sender);
  let sawEvent = false;
  let first: { action: CalendarAction; event: CalendarEvent; contactId: number } | null = null;
  const items: CalendarItem[] = [];
  const uids = new Set<string>();
  for (const event of context.calendarEvents) {
    const action = calendarAction(event, sender, who);
    if (!action) continue;
    sawEvent = true;
    // Exceptions of a series share the master's UID and come after it: the master speaks for them.
    if (uids.has(event.uid)) continue;
    const contactId = calendarContact(event, message, context, who, fromOwner);
    if (contactId === null || (first && contactId !== first.contactId)) continue;
    uids.add(event.uid);
    first ??= { action, event, contactId };
    items.push({ action, event });
  }
  if (first) {
    return {
      kind: 'calendar',
      action: first.action,
      contactId: first.contactId,
      fromOwner,
      event: first.event,
      events: items,
    };
  }
  return sawEvent ? unrelated('calendar event with no known contact') : null;
}

function calendarAction(
  event: CalendarEvent,
  sender: string,
  who: Addresses,
): CalendarAction | null {
  const method = event.method ?? 'PUBLISH';
  if (method === 'CANCEL' || event.status === 'CANCELLED') return 'cancelled';
  if (method === 'REQUEST' || method === 'PUBLISH' || method === 'ADD') return 'confirmed';
  if (method !== 'REPLY') return null;
  // The replying attendee: the sender's own entry, else the only non-owner one.
  const replying =
    event.attendees.find((a) => a.address === canonicalAddress(sender)) ??
    (event.attendees.length === 1 ? event.attendees[0] : undefined) ??
    event.attendees.find((a) => !who.isOwner(a.address));
  switch (replying?.partstat) {
    case 'ACCEPTED':
      return 'accepted';
    case 'DECLINED':
      return 'declined';
    case 'TENTATIVE':
      return 'tentative';
    default:
      return null;
  }
}

function calendarContact(
  event: CalendarEvent,
  message: MailMessage,
  context: ClassifyContext,
  who: Addresses,
  fromOwner: boolean,
): number | null {
  const known = (address: string | null): number | null =>
    address && !who.isOwnOrService(address)
      ? (context.contacts.get(address)?.contactId ?? null)
      : null;
  const people = [...event.attendees.map((a) => a.address), event.organizer];
  if (fromOwner) {
    for (const address of people) {
      const id = known(address);
      if (id !== null) return id;
    }
    return validThread(message, context.thread)?.contactId ?? null;
  }
  const match = contactFor(message, context);
  if (match) return match.contactId;
  for (const address of [event.organizer, ...event.attendees.map((a) => a.address)]) {
    const id = known(address);
    if (id !== null) return id;
  }
  return null;
}
