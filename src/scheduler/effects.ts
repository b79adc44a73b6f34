import type { Db } from '../db/database.js';
import { KithError } from '../errors.js';

/**
 * What the scheduler asks of the outbox. Each effect only writes rows through
 * `db` — the transaction that also records the job — and never sends mail
 * itself: the outbox's loop sends owner mail, and contact drafts wait for
 * the owner's approval. That is what makes "record the job, then act" atomic:
 * a crash or an error rolls both back, and the next tick tries again.
 */
export interface SchedulerEffects {
  /** Owner mail: the prep brief for a meeting. */
  prepBrief(db: Db, input: MeetingInput): Promise<EffectNote>;
  /** Owner mail: "how did it go?" — the reply becomes notes, advice and referrals. */
  postMeetingPrompt(db: Db, input: MeetingInput): Promise<EffectNote>;
  /** Contact draft (awaits approval): the thank-you for a meeting. */
  thankYouDraft(db: Db, input: MeetingInput): Promise<EffectNote>;
  /** Owner mail: the thank-you draft still waits for approval a day later. */
  thankYouReminder(
    db: Db,
    input: { readonly draftId: number; readonly at: string },
  ): Promise<EffectNote>;
  /** Contact draft: follow-up number `number` of the current outreach round. */
  followUpDraft(
    db: Db,
    input: { readonly contactId: number; readonly number: number; readonly at: string },
  ): Promise<EffectNote>;
  /** Skips undecided follow-up drafts: the contact stopped waiting for one. */
  withdrawFollowUps(
    db: Db,
    input: {
      readonly contactId: number;
      readonly draftIds: readonly number[];
      readonly at: string;
    },
  ): Promise<EffectNote>;
  /** Contact draft: a keep-in-touch update. */
  keepInTouchDraft(
    db: Db,
    input: { readonly contactId: number; readonly at: string },
  ): Promise<EffectNote>;
  /** Contact draft to the referrer: someone they referred was met. */
  referrerUpdateDraft(
    db: Db,
    input: { readonly referrerId: number; readonly referralId: number; readonly at: string },
  ): Promise<EffectNote>;
  /** Owner mail: the weekly digest for the week ending at `at`. */
  weeklyDigest(
    db: Db,
    input: { readonly periodStart: string; readonly periodEnd: string; readonly at: string },
  ): Promise<EffectNote>;
}

/** Optional words on what happened (e.g. "not mailed: no owner address"), shown by `kith tick`. */
export type EffectNote = string | undefined;

/**
 * Thrown by an effect when the job cannot make sense (the contact has no
 * working address…): the job is recorded as dropped with this reason.
 */
export class JobNotApplicable extends KithError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('bad_input', reason, options);
    this.name = 'JobNotApplicable';
  }
}

export interface MeetingInput {
  readonly meetingId: number;
  readonly contactId: number;
  readonly at: string;
}
