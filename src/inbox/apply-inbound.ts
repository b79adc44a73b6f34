import {
  applyStageEvent,
  attachAddress,
  createContact,
  recordInHistory,
  setCadence,
  setContactZone,
} from '../db/contacts.js';
import type { Db } from '../db/database.js';
import { createThread, markAddressDead, setAwayUntil } from '../db/inbox-queries.js';
import {
  insertMeeting,
  recordAttendeeAnswer,
  replaceMeetingValues,
  setMeetingStatus,
} from '../db/meetings.js';
import { recordMessage } from '../db/messages.js';
import { addNote } from '../db/notes.js';
import { addAdvice, setReferrer } from '../db/owner-facts.js';
import type { Logger } from '../log.js';
import { canonicalAddress } from '../pipeline/address.js';
import type {
  ContactRef,
  DraftCommandRequest,
  InboundEffect,
  MeetingRef,
  ThreadRef,
} from '../pipeline/inbound-effects.js';
import type { MailMessage } from '../pipeline/mail.js';
import type { Stage } from '../pipeline/stages.js';

/**
 * The one interpreter of decideInbound's effects (src/pipeline/
 * decide-inbound.ts): carries them out in order inside the caller's
 * transaction, resolves what the mail created (`{ new }` contacts, opened
 * threads, added meetings) to row ids, and hands draft commands, agreed
 * meetings and owner notices to the outbox port. It decides nothing the
 * stage table (transitions.ts, through applyStageEvent) does not.
 */

export type { DraftCommandRequest } from '../pipeline/inbound-effects.js';

/** Port to the outbox: approve, skip, snooze or replace a draft. Runs in the ingest transaction. */
export interface DraftCommandHandler {
  /** Carries out the request; returns a short description for logs and `kith ingest`. */
  handle(db: Db, request: DraftCommandRequest): Promise<string>;
  /**
   * A meeting changed in a way the contact's calendar may have to follow: draft (or
   * withdraw) kith's calendar invitation; a remark, or null.
   */
  meetingChanged(db: Db, meetingId: number, at: string): Promise<string | null>;
  /** Queues a notice to the owner (a mail blocked as spam, say). */
  notifyOwner(db: Db, notice: OwnerNoticeRequest): Promise<void>;
}

/** A notice the inbox asks the outbox to send the owner. */
export interface OwnerNoticeRequest {
  readonly title: string;
  readonly message: string;
  readonly at: string;
  readonly contactId: number | null;
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

export interface ApplyDeps {
  readonly drafts: DraftCommandHandler;
  readonly logger: Logger;
}

/** When: `at` dates history (the mail's date, never the future), `now` stamps rows. */
export interface ApplyTimes {
  readonly at: string;
  readonly now: string;
}

/** Carries out `effects`; `kind` is what to report when they record no message. */
export async function applyInbound(
  db: Db,
  message: MailMessage,
  effects: readonly InboundEffect[],
  kind: string,
  times: ApplyTimes,
  deps: ApplyDeps,
): Promise<StoreResult> {
  const run = new Interpreter(db, message, times, deps);
  for (const effect of effects) await run.apply(effect);
  return {
    stored: run.recorded !== null,
    kind: run.recorded ?? kind,
    contactIds: run.contactIds,
    created: run.created,
    changes: run.changes,
    remarks: run.remarks,
  };
}

class Interpreter {
  readonly contactIds: number[] = [];
  readonly created = new Map<number, { name: string | null; address: string }>();
  readonly changes: StageChange[] = [];
  readonly remarks: string[] = [];
  recorded: string | null = null;
  private readonly newContacts = new Map<string, number>();
  private readonly openedThreads = new Map<string, number>();
  private readonly addedMeetings = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly message: MailMessage,
    private readonly times: ApplyTimes,
    private readonly deps: ApplyDeps,
  ) {}

  private touch(contactId: number): number {
    if (!this.contactIds.includes(contactId)) this.contactIds.push(contactId);
    return contactId;
  }

  private contact(ref: ContactRef): number {
    if (typeof ref === 'number') return ref;
    const id = this.newContacts.get(ref.new);
    if (id === undefined) throw new Error(`no contact was created for ${ref.new}`);
    return id;
  }

  private contactKey(ref: ContactRef): string {
    return typeof ref === 'number' ? `#${ref}` : ref.new;
  }

  private thread(ref: ThreadRef): number {
    if (typeof ref === 'number') return ref;
    const id = this.openedThreads.get(this.contactKey(ref.openedFor));
    if (id === undefined) throw new Error('a thread was referenced before it was opened');
    return id;
  }

  private meeting(ref: MeetingRef): number {
    if (typeof ref === 'number') return ref;
    const id = this.addedMeetings.get(ref.added);
    if (id === undefined) throw new Error('a meeting was referenced before it was added');
    return id;
  }

  async apply(e: InboundEffect): Promise<void> {
    const { db, times } = this;
    const source = this.message.messageId;
    switch (e.type) {
      case 'remark':
        this.remarks.push(e.text);
        return;
      case 'create_contact': {
        const referredById = e.referredBy === null ? null : this.contact(e.referredBy);
        const contact = await createContact(
          db,
          { name: e.name, emails: [e.address], source: e.source, referredById },
          times.at,
        );
        this.newContacts.set(canonicalAddress(e.address), contact.id);
        this.created.set(this.touch(contact.id), { name: e.name, address: e.address });
        return;
      }
      case 'attach_address':
        await attachAddress(db, this.touch(this.contact(e.contact)), e.address);
        return;
      case 'open_thread': {
        const thread = await createThread(db, this.contact(e.contact), e.subjectKey, times.now);
        this.openedThreads.set(this.contactKey(e.contact), thread.id);
        return;
      }
      case 'record_message':
        await this.record(e);
        return;
      case 'stage_event': {
        const contactId = this.touch(this.contact(e.contact));
        const result = await applyStageEvent(db, contactId, e.event, {
          at: times.at,
          cause: e.cause,
          sourceMessageId: source,
        });
        if (result.moved) this.changes.push({ contactId, from: result.from, to: result.to });
        return;
      }
      case 'history':
        await recordInHistory(db, this.touch(this.contact(e.contact)), e.cause, {
          at: times.at,
          manual: false,
          sourceMessageId: source,
        });
        return;
      case 'meeting_add': {
        const contactId = this.contact(e.contact);
        const from = { proposedBy: e.proposedBy, sourceMessageId: source };
        this.addedMeetings.set(
          e.key,
          await insertMeeting(db, contactId, e.values, from, times.now),
        );
        return;
      }
      case 'meeting_update':
        await replaceMeetingValues(db, this.meeting(e.meeting), e.values, times.now);
        return;
      case 'meeting_status': {
        const ids = e.meetings.map((m) => this.meeting(m));
        await setMeetingStatus(db, ids, e.status, e.sequence, times.now);
        return;
      }
      case 'meeting_changed': {
        const said = await this.deps.drafts.meetingChanged(db, this.meeting(e.meeting), times.now);
        if (said) this.remarks.push(said);
        return;
      }
      case 'invitation_answer':
        await recordAttendeeAnswer(db, e.contact, e.uid, e.answer, times.at);
        return;
      case 'mark_dead':
        this.touch(e.contact);
        await markAddressDead(db, e.address, e.reason, times.at);
        return;
      case 'away_until':
        await setAwayUntil(db, this.touch(e.contact), e.date);
        return;
      case 'note':
        await addNote(db, e.contact, e.body, times.now, source);
        return;
      case 'advice':
        await addAdvice(db, e.contact, e.body, source, times.now);
        return;
      case 'cadence':
        await setCadence(db, e.contact, e.days, times.now);
        return;
      case 'set_referrer':
        await setReferrer(db, e.contact, e.referrer, times.now);
        return;
      case 'learn_zone':
        await setContactZone(db, e.contact, e.zone, e.source, times.now);
        return;
      case 'learn_address':
        await this.learnAddress(e);
        return;
      case 'draft_command':
        await this.draftCommand(e.request);
        return;
      case 'owner_notice': {
        this.touch(e.contact);
        await this.deps.drafts.notifyOwner(db, {
          title: e.title,
          message: e.message,
          at: times.now,
          contactId: e.contact,
        });
        this.remarks.push('owner told');
        return;
      }
    }
  }

  private async record(e: Extract<InboundEffect, { type: 'record_message' }>): Promise<void> {
    const m = this.message;
    const contactId = e.contact === null ? null : this.touch(this.contact(e.contact));
    await recordMessage(this.db, {
      message_id: m.messageId,
      thread_id: e.thread === null ? null : this.thread(e.thread),
      contact_id: contactId,
      direction: e.direction,
      kind: e.kind,
      from_address: m.from?.address ?? '',
      to_addresses: [...m.to, ...m.cc].map((a) => a.address).join(', '),
      subject: m.subject,
      date: m.date,
      in_reply_to: m.inReplyTo,
      references: m.references.join(' '),
      text: e.text,
      created_at: this.times.now,
    });
    this.recorded = e.kind;
  }

  /** Kept only when no contact has the address by now; then told in the history. */
  private async learnAddress(e: Extract<InboundEffect, { type: 'learn_address' }>): Promise<void> {
    const inserted = await this.db
      .insertInto('contact_emails')
      .values({
        contact_id: e.contact,
        address: e.address,
        is_primary: 0,
        learned_cause: e.cause,
        learned_at: this.times.at,
      })
      .onConflict((oc) => oc.column('address').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return;
    await recordInHistory(this.db, e.contact, e.cause, {
      at: this.times.at,
      manual: false,
      sourceMessageId: this.message.messageId,
    });
    this.remarks.push(e.cause);
  }

  private async draftCommand(request: DraftCommandRequest): Promise<void> {
    this.remarks.push(await this.deps.drafts.handle(this.db, request));
  }
}
