import {
  applyStageEvent,
  attachAddress,
  createContact,
  findAddresslessByName,
  findContactByEmail,
  findContactByLinkedin,
  linkedinProfilesIn,
  recordInHistory,
} from '../db/contacts.js';
import type { Db } from '../db/database.js';
import { createThread, markAddressDead, setOooReturnDate } from '../db/inbox-queries.js';
import { addAdvice, recordReferral } from '../db/owner-facts.js';
import type { Contact } from '../db/schema.js';
import type { Logger } from '../log.js';
import { softBounceNotice } from '../pipeline/bounce-notice.js';
import type { CalendarEvent } from '../pipeline/calendar-event.js';
import type {
  CalendarItem,
  Classification,
  ClassifyContext,
  KithReference,
} from '../pipeline/classify.js';
import type { MailMessage } from '../pipeline/mail.js';
import {
  decideMeeting,
  type MeetingDecision,
  type OpenProposal,
  type PlacedTime,
  type Side,
} from '../pipeline/meeting-rules.js';
import type { DraftCommand } from '../pipeline/owner-commands.js';
import { returnDateInstant } from '../pipeline/owner-time.js';
import type { ProposedTime } from '../pipeline/proposed-time.js';
import type { Stage } from '../pipeline/stages.js';
import { subjectKey } from '../pipeline/subject-key.js';
import type { StageEvent } from '../pipeline/transitions.js';
import { learnContactZone, learnZoneFromMail } from './contact-zone.js';
import { recordInvitationAnswer } from './invitation-answer.js';
import { learnSenderAddress } from './learn-address.js';

/**
 * Carries out one classification inside the ingest transaction: contacts,
 * threads, the message row (extracted text only), meetings, notes, stage
 * moves. Never called for unrelated mail.
 */

/** What the owner's trusted reply asks of a draft, handed to the outbox. */
export interface DraftCommandRequest {
  /** The kith mail the owner answered (its signed Message-ID and outbox facts). */
  readonly reference: KithReference;
  readonly command: DraftCommand | null;
  /** The owner's own version of the draft: shown back for approval, never sent on this reply. */
  readonly revision: string | null;
  /** Lines kith could not read, so the outbox can tell the owner. */
  readonly problems: readonly string[];
  /** Why a reply to an approval request changed nothing although it said something. */
  readonly notUnderstood: string | null;
  /** Message-ID of the owner's reply. */
  readonly messageId: string;
  /** When the owner wrote it (ISO) and their UTC offset then, for "snooze until monday". */
  readonly at: string;
  readonly offsetMinutes: number | null;
}

/** Port to the outbox: approve, skip, snooze or replace a draft. Runs in the ingest transaction. */
export interface DraftCommandHandler {
  /** Carries out the request; returns a short description for logs and `kith ingest`. */
  handle(db: Db, request: DraftCommandRequest): Promise<string>;
  /** A meeting was agreed by text: draft the calendar invitation; a remark, or null. */
  meetingAgreed?(db: Db, meetingId: number, at: string): Promise<string | null>;
  /** Queues a notice to the owner (a mail blocked as spam, say); without it, only a remark. */
  notifyOwner?(db: Db, notice: OwnerNoticeRequest): Promise<void>;
}

/** A notice the inbox asks the outbox to send the owner. */
export interface OwnerNoticeRequest {
  readonly title: string;
  readonly message: string;
  readonly at: string;
  readonly contactId: number | null;
}

export interface StoreDeps {
  readonly ownerTimeZone: string;
  readonly drafts: DraftCommandHandler | undefined;
  readonly logger: Logger;
}

export interface StageChange {
  readonly contactId: number;
  readonly from: Stage;
  readonly to: Stage;
}

export interface StoreResult {
  /** The message row was written (false: nothing kept, e.g. an auto-reply from a stranger). */
  readonly stored: boolean;
  /** The `messages.kind` written. */
  readonly kind: string;
  readonly contactIds: readonly number[];
  /** Contacts this mail created, with the name and address they were created with. */
  readonly created: ReadonlyMap<number, { name: string | null; address: string }>;
  readonly changes: readonly StageChange[];
  /** Short remarks for `kith ingest` and logs ("meeting proposed for …"). */
  readonly remarks: readonly string[];
}

class Recorder {
  readonly contactIds: number[] = [];
  readonly created = new Map<number, { name: string | null; address: string }>();
  readonly changes: StageChange[] = [];
  readonly remarks: string[] = [];

  constructor(
    readonly db: Db,
    readonly message: MailMessage,
    readonly at: string,
    readonly now: string,
  ) {}

  touch(contactId: number): void {
    if (!this.contactIds.includes(contactId)) this.contactIds.push(contactId);
  }

  /** Applies the event; true when the contact moved. */
  async move(contactId: number, event: StageEvent, cause: string): Promise<boolean> {
    this.touch(contactId);
    const result = await applyStageEvent(this.db, contactId, event, {
      at: this.at,
      cause,
      sourceMessageId: this.message.messageId,
    });
    if (result.moved) this.changes.push({ contactId, from: result.from, to: result.to });
    return result.moved;
  }

  result(stored: boolean, kind: string): StoreResult {
    return {
      stored,
      kind,
      contactIds: this.contactIds,
      created: this.created,
      changes: this.changes,
      remarks: this.remarks,
    };
  }
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
  const r = new Recorder(db, message, at, now.toISOString());
  switch (c.kind) {
    case 'owner_outreach':
      return outreach(r, c, context, deps);
    case 'contact_reply':
      return contactReply(r, c, context, deps);
    case 'owner_reply':
      return ownerReply(r, c, context, deps);
    case 'calendar':
      return calendar(r, c, deps);
    case 'auto_reply':
      return autoReply(r, c, context);
    case 'bounce':
      return bounce(r, c, deps);
    case 'owner_note':
      return ownerNote(r, c, context, deps);
  }
}

// ---------------------------------------------------------------- rows

function addressList(message: MailMessage): string {
  return [...message.to, ...message.cc].map((a) => a.address).join(', ');
}

async function insertMessage(
  r: Recorder,
  row: {
    kind: string;
    direction: 'in' | 'out';
    contactId: number | null;
    threadId: number | null;
    text: string;
  },
): Promise<void> {
  const m = r.message;
  await r.db
    .insertInto('messages')
    .values({
      message_id: m.messageId,
      thread_id: row.threadId,
      contact_id: row.contactId,
      direction: row.direction,
      kind: row.kind,
      from_address: m.from?.address ?? '',
      to_addresses: addressList(m),
      subject: m.subject,
      date: m.date,
      in_reply_to: m.inReplyTo,
      references: m.references.join(' '),
      text: row.text,
      created_at: r.now,
    })
    .execute();
}

/** The contact's thread for this mail: the matched one, else one with the same subject, else a new one. */
async function threadFor(r: Recorder, contactId: number, matched: number | null): Promise<number> {
  if (matched !== null) return matched;
  const key = subjectKey(r.message.subject);
  const existing = await r.db
    .selectFrom('threads')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('subject_key', '=', key)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (existing) return existing.id;
  return (await createThread(r.db, contactId, key, r.now)).id;
}

function quoted(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}

// ---------------------------------------------------------------- outreach and replies

async function outreach(
  r: Recorder,
  c: Extract<Classification, { kind: 'owner_outreach' }>,
  context: ClassifyContext,
  deps: StoreDeps,
): Promise<StoreResult> {
  let first: { contactId: number; threadId: number } | null = null;
  const allThanks = c.recipients.every((p) => p.thankYou);
  // A profile link in a mail to one person names that person.
  const profiles = c.recipients.length === 1 ? linkedinProfilesIn(context.replyText) : [];
  for (const person of c.recipients) {
    let contactId = person.contactId ?? (await findContactByEmail(r.db, person.address))?.id;
    let matched: string | null = null;
    if (contactId === undefined) {
      const prospect = await knownWithoutThisAddress(r.db, person.name, profiles);
      if (prospect) {
        contactId = prospect.contact.id;
        await attachAddress(r.db, contactId, person.address);
        matched = `matched to the ${prospect.contact.source.startsWith('import:') ? 'imported ' : ''}prospect by ${prospect.by}; ${person.address} added`;
        r.remarks.push(`${person.address} ${matched.replace(/; .*$/, '')}`);
      }
    }
    if (contactId === undefined) {
      const name = person.name || null;
      contactId = (
        await createContact(r.db, { name, emails: [person.address], source: 'outreach' }, r.at)
      ).id;
      r.created.set(contactId, { name, address: person.address });
    }
    const threadId = await threadFor(r, contactId, null);
    first ??= { contactId, threadId };
    const also = matched ? ` (${matched})` : '';
    const moved = person.thankYou
      ? await r.move(
          contactId,
          { type: 'thank_you_sent' },
          `thank-you ${quoted(r.message.subject)}${also}`,
        )
      : await r.move(
          contactId,
          { type: 'outreach_seen' },
          `outreach ${quoted(r.message.subject)}${also}`,
        );
    // The match is said in the history even when the stage stays.
    if (matched && !moved)
      await recordInHistory(r.db, contactId, `outreach ${quoted(r.message.subject)}${also}`, {
        at: r.at,
        manual: false,
        sourceMessageId: r.message.messageId,
      });
  }
  const kind = allThanks ? 'thank_you' : 'outreach';
  await insertMessage(r, {
    kind,
    direction: 'out',
    contactId: first?.contactId ?? null,
    threadId: first?.threadId ?? null,
    text: context.replyText,
  });
  // Times in a first mail to one person are the owner's proposals: "works great" confirms one.
  if (first && c.recipients.length === 1 && !allThanks && context.proposedTimes.length > 0)
    await carryOutMeetingRules(r, first.contactId, 'owner', context.proposedTimes, null, deps);
  return r.result(true, kind);
}

/**
 * A contact the owner already has for a recipient whose address kith does
 * not know: by a LinkedIn profile the mail links to, else by exact name
 * among contacts with no address yet (most LinkedIn exports have none).
 */
async function knownWithoutThisAddress(
  db: Db,
  name: string | null,
  profiles: readonly string[],
): Promise<{ contact: Contact; by: string } | undefined> {
  for (const url of profiles) {
    const contact = await findContactByLinkedin(db, url);
    if (contact) return { contact, by: 'LinkedIn profile' };
  }
  const contact = name ? await findAddresslessByName(db, name) : undefined;
  return contact ? { contact, by: 'name' } : undefined;
}

async function contactReply(
  r: Recorder,
  c: Extract<Classification, { kind: 'contact_reply' }>,
  context: ClassifyContext,
  deps: StoreDeps,
): Promise<StoreResult> {
  const threadId = await threadFor(r, c.contactId, c.threadId);
  const kind = c.decline ? 'decline' : 'reply';
  await insertMessage(r, {
    kind,
    direction: 'in',
    contactId: c.contactId,
    threadId,
    text: context.replyText,
  });
  if (c.decline) {
    await r.move(c.contactId, { type: 'decline' }, `declined: ${quoted(c.decline, 300)}`);
  } else {
    await r.move(c.contactId, { type: 'human_reply' }, `reply ${quoted(r.message.subject)}`);
  }
  await carryOutMeetingRules(r, c.contactId, 'contact', c.proposedTimes, c.acceptance, deps);
  await learnZoneFromMail(r.db, c.contactId, r.message, c.proposedTimes, r.now);
  const learned = await learnSenderAddress(
    r.db,
    r.message,
    c.contactId,
    c.matchedBy,
    context,
    r.at,
  );
  if (learned) r.remarks.push(learned);
  return r.result(true, kind);
}

async function ownerReply(
  r: Recorder,
  c: Extract<Classification, { kind: 'owner_reply' }>,
  context: ClassifyContext,
  deps: StoreDeps,
): Promise<StoreResult> {
  const threadId = await threadFor(r, c.contactId, c.threadId);
  const kind = c.thankYou ? 'thank_you' : 'owner_reply';
  await insertMessage(r, {
    kind,
    direction: 'out',
    contactId: c.contactId,
    threadId,
    text: context.replyText,
  });
  r.touch(c.contactId);
  await carryOutMeetingRules(r, c.contactId, 'owner', c.proposedTimes, c.acceptance, deps);
  if (c.thankYou)
    await r.move(c.contactId, { type: 'thank_you_sent' }, `thank-you ${quoted(r.message.subject)}`);
  return r.result(true, kind);
}

// ---------------------------------------------------------------- meetings

function modeOf(place: string | null): string {
  if (!place) return 'video';
  if (/https?:\/\//i.test(place)) return 'video';
  if (/^[+\d(][\d ().-]{6,}$/.test(place.trim())) return 'phone';
  return 'in_person';
}

/** The contact's open proposals and remembered zone: the facts the meeting rules decide on. */
async function openProposals(r: Recorder, contactId: number): Promise<OpenProposal[]> {
  const rows = await r.db
    .selectFrom('meetings')
    .select(['id', 'starts_at', 'ends_at', 'time_zone', 'location', 'proposed_by'])
    .select('source_message_id')
    .where('contact_id', '=', contactId)
    .where('status', '=', 'proposed')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((m) => ({
    id: m.id,
    start: m.starts_at,
    end: m.ends_at,
    timeZone: m.time_zone,
    place: m.location,
    proposedBy: m.proposed_by === 'owner' || m.proposed_by === 'contact' ? m.proposed_by : null,
    sourceMessageId: m.source_message_id,
  }));
}

/** Decides with the pure meeting rules what this mail does to the meetings, and does it. */
async function carryOutMeetingRules(
  r: Recorder,
  contactId: number,
  writer: Side,
  times: readonly ProposedTime[],
  acceptance: string | null,
  deps: StoreDeps,
): Promise<MeetingDecision> {
  const contact = await r.db
    .selectFrom('contacts')
    .select('time_zone')
    .where('id', '=', contactId)
    .executeTakeFirst();
  const decision = decideMeeting({
    writer,
    proposals: await openProposals(r, contactId),
    times,
    acceptance,
    ownerZone: deps.ownerTimeZone,
    contactZone: contact?.time_zone ?? null,
    writerOffsetMinutes: r.message.dateOffsetMinutes,
    sentAt: r.message.date,
  });
  if (decision.kind === 'confirm') {
    await r.db
      .updateTable('meetings')
      .set({ status: 'confirmed', updated_at: r.now })
      .where('id', '=', decision.proposal.id)
      .execute();
    if (decision.close.length > 0) {
      await r.db
        .updateTable('meetings')
        .set({ status: 'cancelled', updated_at: r.now })
        .where('id', 'in', decision.close)
        .execute();
    }
    r.remarks.push(`meeting confirmed for ${decision.proposal.start}`);
    const invitation = await deps.drafts?.meetingAgreed?.(r.db, decision.proposal.id, r.now);
    if (invitation) r.remarks.push(invitation);
    await r.move(
      contactId,
      { type: 'meeting_confirmed' },
      `time accepted: ${quoted(acceptance ?? '')}`,
    );
  } else if (decision.kind === 'propose') {
    for (const time of decision.times) {
      if (await addProposedMeeting(r, contactId, time, decision.by)) {
        r.remarks.push(
          `${decision.counter ? 'counter-proposal' : 'meeting proposed'} for ${time.start}`,
        );
      }
    }
  } else if (acceptance !== null) {
    r.remarks.push(`agreement not applied: ${decision.reason}`);
  }
  return decision;
}

async function addProposedMeeting(
  r: Recorder,
  contactId: number,
  time: PlacedTime,
  by: Side,
): Promise<boolean> {
  const same = await r.db
    .selectFrom('meetings')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('starts_at', '=', time.start)
    .where('status', 'in', ['proposed', 'confirmed'])
    .executeTakeFirst();
  if (same) return false;
  await r.db
    .insertInto('meetings')
    .values({
      contact_id: contactId,
      starts_at: time.start,
      ends_at: time.end,
      time_zone: time.timeZone,
      mode: modeOf(time.place),
      location: time.place,
      status: 'proposed',
      ical_uid: null,
      ical_sequence: null,
      proposed_by: by,
      source_message_id: r.message.messageId,
      created_at: r.now,
      updated_at: r.now,
    })
    .execute();
  return true;
}

/** Start and end as instants; an all-day event's dates start at midnight in its zone. */
function eventTimes(event: CalendarEvent, zone: string): { start: string; end: string } {
  const place = (value: string) => (event.allDay ? returnDateInstant(value, zone) : value);
  return { start: place(event.start), end: place(event.end || event.start) };
}

async function calendar(
  r: Recorder,
  c: Extract<Classification, { kind: 'calendar' }>,
  deps: StoreDeps,
): Promise<StoreResult> {
  const threadId = await threadFor(r, c.contactId, null);
  await insertMessage(r, {
    kind: 'invite',
    direction: c.fromOwner ? 'out' : 'in',
    contactId: c.contactId,
    threadId,
    text: c.event.summary ?? '',
  });
  r.touch(c.contactId);
  // One file may carry several events (two sessions, a series and a one-off): each is a meeting.
  for (const item of c.events) await calendarItem(r, c, item, deps);
  return r.result(true, 'invite');
}

async function calendarItem(
  r: Recorder,
  c: Extract<Classification, { kind: 'calendar' }>,
  item: CalendarItem,
  deps: StoreDeps,
): Promise<void> {
  const { event, action } = item;
  const cause = `${event.method ?? 'calendar'} ${quoted(event.summary ?? r.message.subject)}`;
  const answer = await recordInvitationAnswer(r.db, c.contactId, event, action, r.at);
  if (answer) r.remarks.push(answer);
  if (action === 'cancelled' || action === 'declined') {
    if (await cancelMeeting(r, c.contactId, event)) {
      r.remarks.push(`meeting ${action}`);
      await r.move(c.contactId, { type: 'meeting_cancelled' }, `meeting ${action}: ${cause}`);
    }
    return;
  }
  if (!c.fromOwner && event.timeZone)
    await learnContactZone(r.db, c.contactId, event.timeZone, 'invite', r.now);
  const status = action === 'tentative' ? 'proposed' : 'confirmed';
  const applied = await upsertMeeting(r, c.contactId, event, status, deps);
  if (!applied) {
    r.remarks.push('older calendar update ignored');
    return;
  }
  r.remarks.push(`meeting ${status} for ${applied.starts_at}`);
  const stageEvent: StageEvent = {
    type: status === 'confirmed' ? 'meeting_confirmed' : 'meeting_proposed',
  };
  await r.move(c.contactId, stageEvent, `invite ${cause}`);
}

/**
 * Updates the meeting with this iCalendar UID unless the stored copy has a
 * higher SEQUENCE (RFC 5546: the higher one wins); else fills the newest
 * text proposal, else inserts. Returns the meeting, or undefined when the
 * update was older than what is stored.
 */
async function upsertMeeting(
  r: Recorder,
  contactId: number,
  event: CalendarEvent,
  status: 'proposed' | 'confirmed',
  deps: StoreDeps,
): Promise<{ starts_at: string } | undefined> {
  const zone = event.timeZone ?? deps.ownerTimeZone;
  const { start, end } = eventTimes(event, zone);
  const values = {
    starts_at: start,
    ends_at: end,
    time_zone: zone,
    mode: modeOf(event.location),
    location: event.location,
    status,
    ical_uid: event.uid,
    ical_sequence: event.sequence,
    updated_at: r.now,
  };
  const existing = await byIcalUid(r, contactId, event.uid);
  if (existing) {
    if ((existing.ical_sequence ?? 0) > event.sequence) return undefined;
    await r.db.updateTable('meetings').set(values).where('id', '=', existing.id).execute();
    return values;
  }
  const proposal = await r.db
    .selectFrom('meetings')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('status', '=', 'proposed')
    .where('ical_uid', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (proposal) {
    await r.db.updateTable('meetings').set(values).where('id', '=', proposal.id).execute();
    return values;
  }
  // An invite after an agreement by text is that meeting on a calendar, not a second one.
  const agreed = await r.db
    .selectFrom('meetings')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('status', '=', 'confirmed')
    .where('ical_uid', 'is', null)
    .where('ends_at', '>', r.at)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (agreed) {
    await r.db.updateTable('meetings').set(values).where('id', '=', agreed.id).execute();
    return values;
  }
  await r.db
    .insertInto('meetings')
    .values({
      ...values,
      contact_id: contactId,
      source_message_id: r.message.messageId,
      created_at: r.now,
    })
    .execute();
  return values;
}

async function byIcalUid(r: Recorder, contactId: number, uid: string) {
  return r.db
    .selectFrom('meetings')
    .selectAll()
    .where('ical_uid', '=', uid)
    .where('contact_id', '=', contactId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

async function cancelMeeting(
  r: Recorder,
  contactId: number,
  event: CalendarEvent,
): Promise<boolean> {
  const existing = await byIcalUid(r, contactId, event.uid);
  if (!existing || existing.status === 'cancelled') return false;
  if ((existing.ical_sequence ?? 0) > event.sequence) return false;
  await r.db
    .updateTable('meetings')
    .set({ status: 'cancelled', ical_sequence: event.sequence, updated_at: r.now })
    .where('id', '=', existing.id)
    .execute();
  return true;
}

// ---------------------------------------------------------------- machines

async function autoReply(
  r: Recorder,
  c: Extract<Classification, { kind: 'auto_reply' }>,
  context: ClassifyContext,
): Promise<StoreResult> {
  if (c.contactId === null) return r.result(false, 'auto_reply');
  const threadId = await threadFor(r, c.contactId, c.threadId);
  await insertMessage(r, {
    kind: 'auto_reply',
    direction: 'in',
    contactId: c.contactId,
    threadId,
    text: context.replyText,
  });
  r.touch(c.contactId);
  if (c.returnDate) {
    await setOooReturnDate(r.db, c.contactId, c.returnDate, r.now);
    r.remarks.push(`away until ${c.returnDate}; follow-up postponed`);
  }
  return r.result(true, 'auto_reply');
}

async function bounce(
  r: Recorder,
  c: Extract<Classification, { kind: 'bounce' }>,
  deps: StoreDeps,
): Promise<StoreResult> {
  const fallback = c.diagnostic ?? `bounced (${c.evidence})`;
  let firstContact: number | null = null;
  const history: string[] = [];
  for (const recipient of c.recipients) {
    const reason = recipient.diagnostic ?? fallback;
    // A soft failure (spam block, full mailbox, given up) says nothing against the address.
    if (recipient.severity === 'soft') {
      const contact = await findContactByEmail(r.db, recipient.address);
      if (!contact) continue;
      firstContact ??= contact.id;
      r.touch(contact.id);
      history.push(
        `${recipient.address} not delivered (${recipient.reason}), address kept: ${reason}`,
      );
      r.remarks.push(`${recipient.address} kept: ${recipient.reason}`);
      if (deps.drafts?.notifyOwner) {
        const notice = softBounceNotice({
          name: contact.name,
          address: recipient.address,
          reason: recipient.reason,
          diagnostic: recipient.diagnostic ?? c.diagnostic,
        });
        await deps.drafts.notifyOwner(r.db, { ...notice, at: r.now, contactId: contact.id });
        r.remarks.push('owner told');
      }
      continue;
    }
    const marked = await markAddressDead(r.db, recipient.address, reason, r.at);
    if (!marked) continue;
    firstContact ??= marked.contactId;
    r.touch(marked.contactId);
    history.push(`${recipient.address} bounced (${recipient.reason}): ${reason}`);
    r.remarks.push(`${recipient.address} marked dead`);
    if (marked.liveLeft === 0) {
      await r.move(
        marked.contactId,
        { type: 'bounce' },
        `bounced: ${recipient.address} (${reason})`,
      );
    }
  }
  // A bounce of mail to nobody kith knows is not kith's business.
  if (firstContact === null) return r.result(false, 'bounce');
  await insertMessage(r, {
    kind: 'bounce',
    direction: 'in',
    contactId: firstContact,
    threadId: null,
    text: history.join('\n'),
  });
  return r.result(true, 'bounce');
}

// ---------------------------------------------------------------- the owner talking to kith

async function ownerNote(
  r: Recorder,
  c: Extract<Classification, { kind: 'owner_note' }>,
  context: ClassifyContext,
  deps: StoreDeps,
): Promise<StoreResult> {
  const contactId = c.contactId;
  const isCommand = c.command !== null || c.revision !== null;
  const kind = isCommand ? 'owner_command' : 'owner_note';
  await insertMessage(r, {
    kind,
    direction: 'out',
    contactId,
    threadId: null,
    text: context.replyText,
  });
  if (contactId !== null) {
    r.touch(contactId);
    const source = r.message.messageId;
    if (c.note) {
      await r.db
        .insertInto('notes')
        .values({
          contact_id: contactId,
          meeting_id: null,
          body: c.note,
          source_message_id: source,
          created_at: r.now,
        })
        .execute();
      r.remarks.push('note added');
    }
    for (const body of c.advice) {
      await addAdvice(r.db, contactId, body, source, r.now);
      r.remarks.push('advice added');
    }
    if (c.cadenceDays !== null) {
      await r.db
        .updateTable('contacts')
        .set({ cadence_days: c.cadenceDays, updated_at: r.now })
        .where('id', '=', contactId)
        .execute();
      r.remarks.push(`keep in touch every ${c.cadenceDays} days`);
    }
  } else if (c.note || c.advice.length > 0 || c.cadenceDays !== null) {
    r.remarks.push('note not kept: the kith mail it answers is about no contact');
  }
  for (const referral of c.referrals) {
    const outcome = await recordReferral(r.db, contactId, referral, { at: r.at, now: r.now });
    if (outcome.kind === 'known') {
      r.remarks.push(`referral ${referral.address} merged with a known contact`);
      continue;
    }
    r.touch(outcome.id);
    r.created.set(outcome.id, { name: referral.name, address: referral.address });
    r.remarks.push(`referral ${referral.address} added as a prospect`);
  }
  if (isCommand || c.problems.length > 0 || c.notUnderstood !== null) {
    if (deps.drafts) {
      r.remarks.push(
        await deps.drafts.handle(r.db, {
          reference: c.reference,
          command: c.command,
          revision: c.revision,
          problems: c.problems,
          notUnderstood: c.notUnderstood,
          messageId: r.message.messageId,
          at: r.at,
          offsetMinutes: r.message.dateOffsetMinutes,
        }),
      );
    } else if (isCommand) {
      deps.logger.warn('a draft command arrived but no outbox is wired to carry it out', {
        messageId: r.message.messageId,
      });
      r.remarks.push('draft command not carried out: no outbox');
    }
  }
  return r.result(true, kind);
}
