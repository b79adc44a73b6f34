import { canonicalAddress } from './address.js';
import { addressToLearn } from './address-learning.js';
import { laterReturnDate } from './away.js';
import { softBounceNotice } from './bounce-notice.js';
import type { Classification, ClassifyContext } from './classify.js';
import { MeetingBook } from './decide-meetings.js';
import { ownerNoteEffects } from './decide-owner-note.js';
import type {
  ContactRef,
  InboundEffect,
  InboundFacts,
  InboundTimes,
  ThreadRef,
} from './inbound-effects.js';
import type { MailMessage } from './mail.js';
import { quoted } from './quoted.js';
import { subjectKey } from './subject-key.js';
import { transition } from './transitions.js';
import { zoneFromMail } from './zone-learning.js';

/**
 * What an inbound mail does — pure: classify() (classify.ts) says what the
 * mail is, this file says what kith does about it, as a list of effects
 * (inbound-effects.ts). src/inbox/inbound-facts.ts loads the facts first;
 * src/inbox/apply-inbound.ts carries the effects out in the ingest
 * transaction; src/inbox/ingest-store.ts is the three in a row.
 *
 * What each kind does:
 * - owner_outreach: each recipient is the contact with that address, else
 *   a prospect the owner already has (by a LinkedIn profile the mail links
 *   to, else by exact name among contacts with no address; the address is
 *   attached and the match told in the history), else a new contact. Each
 *   moves to contacted, or, when the classifier saw thanks to a `met`
 *   contact, counts as the thank-you. Times in a first mail to one person
 *   are the owner's proposals.
 * - contact_reply: recorded in the contact's thread; a clear decline moves
 *   them to declined, anything else is a reply; the meeting rules
 *   (meeting-rules.ts) confirm the proposal it agrees to and close the
 *   others, or record its times as (counter-)proposals; the zone their mail
 *   shows is learned (zone-learning.ts), and a new address of theirs
 *   replying in the thread (address-learning.ts).
 * - owner_reply: the owner's answer in a contact's thread: its times go
 *   through the same meeting rules from the owner's side; thanks to a `met`
 *   contact is the thank-you.
 * - calendar: each event of the file, by UID and SEQUENCE (see
 *   decide-meetings.ts); a CANCEL or a declined REPLY cancels the meeting
 *   and moves the contact back to replied only when no other meeting lies
 *   ahead (cancelMovesBack, the rule the web uses too).
 * - auto_reply: see below; from a stranger it is not kept.
 * - bounce: a hard failure marks the address dead (an address already dead
 *   keeps its first reason), and the contact counts as bounced only when
 *   that was their last live address; a soft failure
 *   keeps the address and asks the outbox to tell the owner.
 * - owner_note: the owner's reply to a kith mail: note, advice, cadence
 *   and referrals become data; an approve / skip / snooze / revision is a
 *   draft command handed to the outbox, which says what it did
 *   (decide-owner-note.ts).
 *
 * Where an out-of-office is detected and what it changes: auto-reply.ts
 * tells an automatic reply by its headers and wording (classify.ts checks it
 * after bounces and calendar objects, before any owner or contact rule), and
 * the adapter reads its return date (src/inbox/ooo-return-date.ts) into the
 * classify context; classify() returns `auto_reply` with that date; here it
 * becomes an `away_until` effect unless the contact already has a later
 * date (away.ts), which src/inbox/apply-inbound.ts stores as
 * contacts.away_until (setAwayUntil in src/db/inbox-queries.ts); the
 * scheduler loads it (src/db/scheduler-contact-queries.ts)
 * and src/pipeline/schedule-contacts.ts plans the contact's next follow-up
 * no earlier than that day. Nothing else changes: no stage move, and an
 * auto-reply never passes for a human reply.
 */

export interface InboundDecisionInput {
  readonly message: MailMessage;
  readonly classification: Exclude<Classification, { kind: 'unrelated' | 'refused' }>;
  readonly context: ClassifyContext;
  readonly facts: InboundFacts;
  readonly times: InboundTimes;
}

/** The effects of one mail, in the order they are to be carried out. Empty: nothing kept. */
export function decideInbound(input: InboundDecisionInput): InboundEffect[] {
  const d = new Decision(input);
  const c = input.classification;
  switch (c.kind) {
    case 'owner_outreach':
      d.outreach(c);
      break;
    case 'contact_reply':
      d.contactReply(c);
      break;
    case 'owner_reply':
      d.ownerReply(c);
      break;
    case 'calendar':
      d.calendar(c);
      break;
    case 'auto_reply':
      d.autoReply(c);
      break;
    case 'bounce':
      d.bounce(c);
      break;
    case 'owner_note':
      d.ownerNote(c);
      break;
  }
  return d.effects;
}

type Of<K extends Classification['kind']> = Extract<Classification, { kind: K }>;

class Decision {
  readonly effects: InboundEffect[] = [];
  private readonly meetings: MeetingBook;
  private readonly message: MailMessage;
  private readonly context: ClassifyContext;
  private readonly facts: InboundFacts;
  private readonly opened = new Set<string>();
  private readonly at: string;

  constructor(input: InboundDecisionInput) {
    this.message = input.message;
    this.context = input.context;
    this.facts = input.facts;
    this.at = input.times.at;
    this.meetings = new MeetingBook(
      input.facts,
      this.effects,
      input.message,
      input.times.at,
      input.times.ownerZone,
    );
  }

  private push(effect: InboundEffect): void {
    this.effects.push(effect);
  }

  private remark(text: string): void {
    this.push({ type: 'remark', text });
  }

  /** The contact's thread for this mail: the matched one, else one with the same subject, else a new one. */
  private thread(contact: ContactRef, matched: number | null): ThreadRef {
    if (matched !== null) return matched;
    const stored = typeof contact === 'number' ? this.facts.threads.get(contact) : undefined;
    if (stored !== undefined) return stored;
    const key = typeof contact === 'number' ? `#${contact}` : contact.new;
    if (!this.opened.has(key)) {
      this.opened.add(key);
      this.push({ type: 'open_thread', contact, subjectKey: subjectKey(this.message.subject) });
    }
    return { openedFor: contact };
  }

  outreach(c: Of<'owner_outreach'>): void {
    const subject = quoted(this.message.subject);
    const allThanks = c.recipients.every((p) => p.thankYou);
    // Contacts this mail created or gave an address, by that address.
    const here = new Map<string, ContactRef>();
    const matchedProspects = new Set<number>();
    let first: { contact: ContactRef; thread: ThreadRef } | null = null;
    for (const person of c.recipients) {
      const address = canonicalAddress(person.address);
      let contact: ContactRef | undefined =
        person.contactId ?? this.facts.addresses.get(address)?.contactId ?? here.get(address);
      let matched: string | null = null;
      if (contact === undefined) {
        const prospect = this.prospectFor(person.name, matchedProspects);
        if (prospect) {
          contact = prospect.id;
          matchedProspects.add(prospect.id);
          this.push({ type: 'attach_address', contact, address: person.address });
          const imported = prospect.source.startsWith('import:') ? 'imported ' : '';
          matched = `matched to the ${imported}prospect by ${prospect.by}; ${person.address} added`;
          this.remark(`${person.address} ${matched.replace(/; .*$/, '')}`);
        }
      }
      if (contact === undefined) {
        contact = { new: address };
        this.push({
          type: 'create_contact',
          address: person.address,
          name: person.name || null,
          source: 'outreach',
          referredBy: null,
        });
      }
      here.set(address, contact);
      const thread = this.thread(contact, null);
      first ??= { contact, thread };
      const also = matched ? ` (${matched})` : '';
      const event = person.thankYou
        ? ({ type: 'thank_you_sent' } as const)
        : ({ type: 'outreach_seen' } as const);
      const what = person.thankYou ? 'thank-you' : 'outreach';
      this.push({ type: 'stage_event', contact, event, cause: `${what} ${subject}${also}` });
      // The match is said in the history even when the stage stays.
      const stage = typeof contact === 'number' ? this.facts.contacts.get(contact)?.stage : null;
      if (matched && stage && !transition(stage, event).moved)
        this.push({ type: 'history', contact, cause: `outreach ${subject}${also}` });
    }
    this.push({
      type: 'record_message',
      kind: allThanks ? 'thank_you' : 'outreach',
      direction: 'out',
      contact: first?.contact ?? null,
      thread: first?.thread ?? null,
      text: this.context.replyText,
    });
    // Times in a first mail to one person are the owner's proposals: "works great" confirms one.
    if (first && c.recipients.length === 1 && !allThanks && this.context.proposedTimes.length > 0)
      this.meetings.fromText(first.contact, 'owner', this.context.proposedTimes, null);
  }

  /**
   * A contact the owner already has for a recipient whose address kith does
   * not know: by a LinkedIn profile the mail links to, else by exact name
   * among contacts with no address yet (most LinkedIn exports have none).
   */
  private prospectFor(
    name: string,
    taken: ReadonlySet<number>,
  ): { id: number; source: string; by: string } | null {
    const byProfile = this.facts.profileMatch;
    const byName = name ? this.facts.addresslessByName.get(tidyKey(name)) : undefined;
    const candidates: [number | null | undefined, string][] = [
      [byProfile, 'LinkedIn profile'],
      [byName !== undefined && !taken.has(byName) ? byName : undefined, 'name'],
    ];
    for (const [id, by] of candidates) {
      const person = id == null ? undefined : this.facts.contacts.get(id);
      if (person) return { id: person.id, source: person.source, by };
    }
    return null;
  }

  contactReply(c: Of<'contact_reply'>): void {
    const contact = c.contactId;
    this.push({
      type: 'record_message',
      kind: c.decline ? 'decline' : 'reply',
      direction: 'in',
      contact,
      thread: this.thread(contact, c.threadId),
      text: this.context.replyText,
    });
    if (c.decline) {
      const cause = `declined: ${quoted(c.decline, 300)}`;
      this.push({ type: 'stage_event', contact, event: { type: 'decline' }, cause });
    } else {
      const cause = `reply ${quoted(this.message.subject)}`;
      this.push({ type: 'stage_event', contact, event: { type: 'human_reply' }, cause });
    }
    this.meetings.fromText(contact, 'contact', c.proposedTimes, c.acceptance);
    const zone = zoneFromMail(this.message, c.proposedTimes);
    if (zone) this.meetings.learnZone(contact, zone.zone, zone.source);
    this.learnSender(contact, c.matchedBy);
  }

  private learnSender(contact: number, matchedBy: Of<'contact_reply'>['matchedBy']): void {
    const sender = this.message.from?.address.toLowerCase();
    const person = this.facts.contacts.get(contact);
    if (!sender || !person) return;
    const owner =
      this.context.contacts.get(sender)?.contactId ??
      this.facts.addresses.get(canonicalAddress(sender))?.contactId ??
      null;
    const learning = addressToLearn({
      message: this.message,
      matchedBy,
      contactName: person.name,
      senderOwnerId: owner,
    });
    if (learning.learn)
      this.push({
        type: 'learn_address',
        contact,
        address: learning.address,
        cause: learning.cause,
      });
  }

  ownerReply(c: Of<'owner_reply'>): void {
    const contact = c.contactId;
    this.push({
      type: 'record_message',
      kind: c.thankYou ? 'thank_you' : 'owner_reply',
      direction: 'out',
      contact,
      thread: this.thread(contact, c.threadId),
      text: this.context.replyText,
    });
    this.meetings.fromText(contact, 'owner', c.proposedTimes, c.acceptance);
    if (c.thankYou) {
      const cause = `thank-you ${quoted(this.message.subject)}`;
      this.push({ type: 'stage_event', contact, event: { type: 'thank_you_sent' }, cause });
    }
  }

  calendar(c: Of<'calendar'>): void {
    this.push({
      type: 'record_message',
      kind: 'invite',
      direction: c.fromOwner ? 'out' : 'in',
      contact: c.contactId,
      thread: this.thread(c.contactId, null),
      text: c.event.summary ?? '',
    });
    // One file may carry several events (two sessions, a series and a one-off): each is a meeting.
    for (const item of c.events) this.meetings.fromCalendar(c.contactId, c.fromOwner, item);
  }

  autoReply(c: Of<'auto_reply'>): void {
    if (c.contactId === null) return;
    this.push({
      type: 'record_message',
      kind: 'auto_reply',
      direction: 'in',
      contact: c.contactId,
      thread: this.thread(c.contactId, c.threadId),
      text: this.context.replyText,
    });
    if (!c.returnDate) return;
    const kept = this.facts.contacts.get(c.contactId)?.awayUntil ?? null;
    if (kept === c.returnDate) {
      this.remark(`away until ${kept}, as kith already knew`);
      return;
    }
    if (laterReturnDate(kept, c.returnDate) === kept) {
      this.remark(`says away until ${c.returnDate}; kith keeps the later ${kept}`);
      return;
    }
    this.push({ type: 'away_until', contact: c.contactId, date: c.returnDate });
    this.remark(`away until ${c.returnDate}; follow-up postponed`);
  }

  bounce(c: Of<'bounce'>): void {
    const fallback = c.diagnostic ?? `bounced (${c.evidence})`;
    const live = new Map(this.facts.liveAddresses);
    const deadHere = new Set<string>();
    let first: number | null = null;
    const history: string[] = [];
    for (const recipient of c.recipients) {
      const reason = recipient.diagnostic ?? fallback;
      const row = this.facts.addresses.get(canonicalAddress(recipient.address));
      if (!row) continue;
      const contact = row.contactId;
      first ??= contact;
      // A soft failure (spam block, full mailbox, given up) says nothing against the address.
      if (recipient.severity === 'soft') {
        history.push(
          `${recipient.address} not delivered (${recipient.reason}), address kept: ${reason}`,
        );
        this.remark(`${recipient.address} kept: ${recipient.reason}`);
        const notice = softBounceNotice({
          name: this.facts.contacts.get(contact)?.name ?? null,
          address: recipient.address,
          reason: recipient.reason,
          diagnostic: recipient.diagnostic ?? c.diagnostic,
        });
        this.push({ type: 'owner_notice', contact, ...notice });
        continue;
      }
      history.push(`${recipient.address} bounced (${recipient.reason}): ${reason}`);
      // The first hard bounce's reason is the one kept: a later bounce of a dead address changes nothing.
      if (row.dead || deadHere.has(row.address)) {
        this.remark(`${recipient.address} was already marked dead`);
      } else {
        this.push({ type: 'mark_dead', contact, address: row.address, reason });
        deadHere.add(row.address);
        live.set(contact, (live.get(contact) ?? 1) - 1);
        this.remark(`${recipient.address} marked dead`);
      }
      // Only the last live address makes the contact unreachable.
      if ((live.get(contact) ?? 0) === 0) {
        const cause = `bounced: ${recipient.address} (${reason})`;
        this.push({ type: 'stage_event', contact, event: { type: 'bounce' }, cause });
      }
    }
    // A bounce of mail to nobody kith knows is not kith's business.
    if (first === null) return;
    this.push({
      type: 'record_message',
      kind: 'bounce',
      direction: 'in',
      contact: first,
      thread: null,
      text: history.join('\n'),
    });
  }

  ownerNote(c: Of<'owner_note'>): void {
    this.effects.push(...ownerNoteEffects(c, this.message, this.context, this.facts, this.at));
  }
}

/** The form addresslessByName is keyed by: one space between words, lower-case. */
export function tidyKey(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}
