import type { KithReference } from './classify.js';
import type { Side } from './meeting-rules.js';
import type { DraftCommand } from './owner-commands.js';
import type { Stage } from './stages.js';
import type { StageEvent } from './transitions.js';
import type { ZoneSource } from './zone-learning.js';

/**
 * What an inbound mail does, as data: decide-inbound.ts returns a list of
 * these, src/inbox/apply-inbound.ts carries them out in order inside the
 * ingest transaction, and src/inbox/inbound-facts.ts loads the facts the
 * decision reads. Pure types only.
 *
 * Things this mail creates are named before they exist: a contact by the
 * address it is created with (`{ new: address }`), a thread by the contact
 * it is opened for, a meeting by a number local to this mail. The
 * interpreter resolves each to its row id when it creates it.
 */

/** A stored contact's id, or the contact this mail creates for that (canonical) address. */
export type ContactRef = number | { readonly new: string };

/** A stored thread's id, or the thread this mail opens for that contact (the mail's subject key). */
export type ThreadRef = number | { readonly openedFor: ContactRef };

/** A stored meeting's id, or the meeting this mail adds under that local key. */
export type MeetingRef = number | { readonly added: number };

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

/** A meeting's time, place and calendar identity as written. */
export interface MeetingValues {
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly mode: string;
  readonly place: string | null;
  readonly status: 'proposed' | 'confirmed';
  readonly uid: string | null;
  readonly sequence: number | null;
}

export type InboundEffect =
  /** A remark for `kith ingest` and the logs. */
  | { readonly type: 'remark'; readonly text: string }
  | {
      readonly type: 'create_contact';
      /** The canonical address, also its `{ new }` reference. */
      readonly address: string;
      readonly name: string | null;
      readonly source: 'outreach' | 'referral';
      readonly referredBy: ContactRef | null;
    }
  /** Adds an address to a contact that had none for it (a matched prospect). */
  | { readonly type: 'attach_address'; readonly contact: ContactRef; readonly address: string }
  /** Opens a thread with the mail's subject key; referenced as `{ openedFor: contact }`. */
  | { readonly type: 'open_thread'; readonly contact: ContactRef; readonly subjectKey: string }
  /** The one `messages` row of this mail (extracted text only). */
  | {
      readonly type: 'record_message';
      readonly kind: string;
      readonly direction: 'in' | 'out';
      readonly contact: ContactRef | null;
      readonly thread: ThreadRef | null;
      readonly text: string;
    }
  /** Applies the pure stage table (transitions.ts) to the contact's stage then. */
  | {
      readonly type: 'stage_event';
      readonly contact: ContactRef;
      readonly event: StageEvent;
      readonly cause: string;
    }
  /** A history line that is not a move: the stage stays, the cause is told. */
  | { readonly type: 'history'; readonly contact: ContactRef; readonly cause: string }
  | {
      readonly type: 'meeting_add';
      readonly key: number;
      readonly contact: ContactRef;
      readonly values: MeetingValues;
      readonly proposedBy: Side | null;
    }
  /** Replaces a meeting's time, place, status and calendar identity (a calendar update). */
  | {
      readonly type: 'meeting_update';
      readonly meeting: MeetingRef;
      readonly values: MeetingValues;
    }
  | {
      readonly type: 'meeting_status';
      readonly meetings: readonly MeetingRef[];
      readonly status: 'confirmed' | 'cancelled';
      /** The SEQUENCE of the calendar CANCEL that did it, kept so an older copy cannot revive it. */
      readonly sequence: number | null;
    }
  /**
   * The meeting changed in a way the contact's calendar may have to follow (agreed by
   * text, or taken over by the contact's own invitation): the outbox drafts kith's
   * invitation, or withdraws an undecided one the contact's own event makes redundant.
   */
  | { readonly type: 'meeting_changed'; readonly meeting: MeetingRef }
  /** The contact's calendar answered kith's invitation with that UID. */
  | {
      readonly type: 'invitation_answer';
      readonly contact: number;
      readonly uid: string;
      readonly answer: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';
    }
  /** A hard bounce: the stored address is dead. */
  | {
      readonly type: 'mark_dead';
      readonly contact: number;
      /** The address as stored; an address already dead stays as it was. */
      readonly address: string;
      readonly reason: string;
    }
  /** An out-of-office reply's return date: the scheduler waits for it before following up. */
  | { readonly type: 'away_until'; readonly contact: number; readonly date: string }
  | { readonly type: 'note'; readonly contact: number; readonly body: string }
  | { readonly type: 'advice'; readonly contact: number; readonly body: string }
  | { readonly type: 'cadence'; readonly contact: number; readonly days: number }
  /** A known contact gets the referrer who introduced them. */
  | { readonly type: 'set_referrer'; readonly contact: number; readonly referrer: number }
  | {
      readonly type: 'learn_zone';
      readonly contact: number;
      readonly zone: string;
      readonly source: ZoneSource;
    }
  /** Another address of the contact, learned from their reply in a known thread. */
  | {
      readonly type: 'learn_address';
      readonly contact: number;
      readonly address: string;
      readonly cause: string;
    }
  /** Handed to the outbox port; without one, the adapter says it could not carry it out. */
  | { readonly type: 'draft_command'; readonly request: DraftCommandRequest }
  /** A notice for the owner (a soft bounce), queued by the outbox port when there is one. */
  | {
      readonly type: 'owner_notice';
      readonly contact: number;
      readonly title: string;
      readonly message: string;
    };

// ---------------------------------------------------------------- facts

/** A stored contact as the decision reads it. */
export interface KnownPerson {
  readonly id: number;
  readonly name: string | null;
  readonly stage: Stage;
  /** How it came to kith ('outreach', 'referral', 'import:…', …). */
  readonly source: string;
  readonly timeZone: string | null;
  readonly timeZoneSource: string | null;
  readonly referredById: number | null;
  /** The out-of-office return date kept for them (contacts.away_until), if any. */
  readonly awayUntil: string | null;
}

/** A stored address row, found by any of its forms. */
export interface StoredAddress {
  readonly contactId: number;
  /** The address as stored. */
  readonly address: string;
  readonly dead: boolean;
}

/** A stored meeting. */
export interface StoredMeeting {
  readonly id: number;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly place: string | null;
  readonly status: 'proposed' | 'confirmed' | 'cancelled' | 'done';
  readonly uid: string | null;
  readonly sequence: number | null;
  readonly proposedBy: Side | null;
  readonly sourceMessageId: string | null;
}

/**
 * What the adapter loads before the decision (src/inbox/inbound-facts.ts):
 * only for the contacts and addresses this mail names.
 */
export interface InboundFacts {
  /** Every stored contact the mail may concern. */
  readonly contacts: ReadonlyMap<number, KnownPerson>;
  /** Stored address rows by canonical address (recipients, bounced addresses, referrals, sender). */
  readonly addresses: ReadonlyMap<string, StoredAddress>;
  /** Live (not bounced) addresses per contact of a bounced address, before this mail. */
  readonly liveAddresses: ReadonlyMap<number, number>;
  /** A contact a LinkedIn profile linked in a one-recipient outreach belongs to. */
  readonly profileMatch: number | null;
  /** The one address-less contact with this name (tidy, lower-case), for outreach recipients. */
  readonly addresslessByName: ReadonlyMap<string, number>;
  /** Per contact, the newest thread with this mail's subject key. */
  readonly threads: ReadonlyMap<number, number>;
  /** Per contact, every meeting in order of creation. */
  readonly meetings: ReadonlyMap<number, readonly StoredMeeting[]>;
}

/** The mail's own time facts. */
export interface InboundTimes {
  /** When the mail happened for history (its date, never in the future). */
  readonly at: string;
  readonly ownerZone: string;
}
