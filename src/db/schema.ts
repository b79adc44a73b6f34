import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { OutboxState } from '../pipeline/outbox-lifecycle.js';

/**
 * Row types for every table. Instants are ISO-8601 strings in UTC
 * (`2026-11-22T09:00:00.000Z`) so the same queries work on SQLite and
 * PostgreSQL; booleans are 0/1 integers for the same reason.
 */

export interface ContactTable {
  id: Generated<number>;
  name: string | null;
  company: string | null;
  title: string | null;
  linkedin_url: string | null;
  /** Where the contact came from: outreach, import:linkedin, referral, manual… */
  source: string;
  referred_by_id: number | null;
  stage: string;
  stage_changed_at: string;
  /** Per-contact keep-in-touch interval; null means the setting's default. */
  cadence_days: number | null;
  /** IANA zone the contact lives by, null until learned or set. */
  time_zone: string | null;
  /** Where time_zone came from: owner, invite, text or header (strongest first). */
  time_zone_source: string | null;
  /** Back from out-of-office on this date (`YYYY-MM-DD`, from their auto-reply), null if never away. */
  away_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactEmailTable {
  id: Generated<number>;
  contact_id: number;
  /** Lower-cased address; unique across all contacts. */
  address: string;
  is_primary: number;
  dead_at: string | null;
  dead_reason: string | null;
  /** Why kith added this address on its own (a reply in the thread), null when given. */
  learned_cause: string | null;
  learned_at: string | null;
}

export interface ThreadTable {
  id: Generated<number>;
  contact_id: number;
  /** Subject without Re:/Fwd: prefixes, lower-cased, for References-only matching. */
  subject_key: string;
  created_at: string;
}

export interface MessageTable {
  id: Generated<number>;
  /** RFC 5322 Message-ID without angle brackets; unique so no mail counts twice. */
  message_id: string;
  thread_id: number | null;
  contact_id: number | null;
  direction: 'in' | 'out';
  /** Classification: outreach, reply, auto_reply, bounce, invite, owner_reply, owner_note… */
  kind: string;
  from_address: string;
  to_addresses: string;
  subject: string;
  date: string;
  in_reply_to: string | null;
  references: string;
  /** The extracted new text only, never the whole mail. */
  text: string;
  created_at: string;
}

export interface MeetingTable {
  id: Generated<number>;
  contact_id: number;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  mode: string;
  location: string | null;
  status: 'proposed' | 'confirmed' | 'cancelled' | 'done';
  ical_uid: string | null;
  ical_sequence: number | null;
  /** Which side proposed it ('owner' or 'contact'); null for rows from before it was kept. */
  proposed_by: string | null;
  /** The contact's answer to kith's invitation (ACCEPTED, DECLINED, TENTATIVE), null before one. */
  attendee_answer: string | null;
  attendee_answer_at: string | null;
  source_message_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface NoteTable {
  id: Generated<number>;
  contact_id: number;
  meeting_id: number | null;
  body: string;
  source_message_id: string | null;
  created_at: string;
}

export interface AdviceTable {
  id: Generated<number>;
  contact_id: number;
  meeting_id: number | null;
  body: string;
  source_message_id: string | null;
  created_at: string;
}

/** The outbox states are the lifecycle table's (src/pipeline/outbox-lifecycle.ts). */
export type { OutboxState };

export interface OutboxTable {
  id: Generated<number>;
  /** Fixed when the draft is made, so a resend after a crash can be detected. */
  message_id: string;
  /** Template name: outreach, follow_up, thank_you, prep_brief… */
  kind: string;
  contact_id: number | null;
  meeting_id: number | null;
  /** 'owner' mail goes out at once; 'contact' mail waits for approval. */
  audience: 'owner' | 'contact';
  to_address: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  in_reply_to: string | null;
  references: string;
  state: OutboxState;
  send_after: string | null;
  attempts: number;
  last_error: string | null;
  /** For an approval request: the draft it asks about. */
  draft_id: number | null;
  /** For an approval request: the exact text it asked the owner to approve (null before 2026-12-06). */
  approval_text: string | null;
  /** An iTIP object (REQUEST or CANCEL) sent as a text/calendar part beside the text. */
  calendar_ics: string | null;
  /** When kith put a copy of this undecided draft in the IMAP Drafts folder; null when none is there. */
  drafts_copy_at: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface JobTable {
  id: Generated<number>;
  kind: string;
  /** e.g. `meeting:12` or `contact:7`. */
  subject_key: string;
  /** e.g. the due instant, or a counter; with kind and subject it is unique. */
  occurrence: string;
  due_at: string;
  state: 'done' | 'dropped' | 'failed';
  reason: string | null;
  ran_at: string;
}

export interface StageHistoryTable {
  id: Generated<number>;
  contact_id: number;
  from_stage: string | null;
  to_stage: string;
  at: string;
  cause: string;
  manual: number;
  source_message_id: string | null;
}

export interface SyncStateTable {
  mailbox: string;
  uid_validity: string;
  last_uid: number;
  updated_at: string;
}

export interface QuarantineTable {
  id: Generated<number>;
  /** Where it came from: imap:INBOX:123, maildir:<file>, file:<path>. */
  source: string;
  reason: string;
  message_id: string | null;
  subject: string | null;
  size: number | null;
  /** The From address (canonical form), when it could be read. */
  from_address: ColumnType<string | null, string | null | undefined, never>;
  created_at: string;
}

export interface KeyValueTable {
  key: string;
  value: string;
  updated_at: ColumnType<string, string, string>;
}

/** A contact a web import created (see the 2026-12-06-y-import-created migration). */
export interface ImportCreatedTable {
  import_id: string;
  contact_id: number;
}

/** Which contacts' numbers changed (written by triggers; see the 2026-12-06-y-numbers-changes migration). */
export interface NumbersChangeTable {
  seq: Generated<number>;
  contact_id: number;
  part: 'funnel' | 'replies' | 'tree';
}

/** The whole database, as Kysely sees it. */
export interface Database {
  contacts: ContactTable;
  contact_emails: ContactEmailTable;
  threads: ThreadTable;
  messages: MessageTable;
  meetings: MeetingTable;
  notes: NoteTable;
  advice: AdviceTable;
  outbox: OutboxTable;
  jobs: JobTable;
  stage_history: StageHistoryTable;
  sync_state: SyncStateTable;
  quarantine: QuarantineTable;
  key_values: KeyValueTable;
  import_created: ImportCreatedTable;
  numbers_changes: NumbersChangeTable;
}

export type Contact = Selectable<ContactTable>;
export type ContactUpdate = Updateable<ContactTable>;
export type ContactEmail = Selectable<ContactEmailTable>;
export type Message = Selectable<MessageTable>;
export type Meeting = Selectable<MeetingTable>;
export type Note = Selectable<NoteTable>;
export type Advice = Selectable<AdviceTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type Job = Selectable<JobTable>;
export type StageHistoryRow = Selectable<StageHistoryTable>;
export type QuarantineRow = Selectable<QuarantineTable>;
