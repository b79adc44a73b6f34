/**
 * What each template can use. A template (built-in or the user's override)
 * that reads anything not listed here fails at start, with file and line.
 * Instants are ISO-8601 strings; format them with the `when`/`day`/`time`
 * helpers and a zone (`owner.timeZone`, `meeting.timeZone`).
 */

export const TEMPLATE_NAMES = [
  'outreach',
  'follow_up',
  'thank_you',
  'keep_in_touch',
  'referrer_update',
  'prep_brief',
  'post_meeting_prompt',
  'approval_request',
  'weekly_digest',
  'send_failed',
  'notice',
] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/**
 * Templates for mail to a contact (these wait for the owner's approval).
 * Their contexts never carry the owner's private notes — only what may be
 * said to the person: advice they gave, referrals, the meeting's date — so
 * no template, built-in or overridden, can put a note in a contact's inbox.
 */
export const CONTACT_TEMPLATES = [
  'outreach',
  'follow_up',
  'thank_you',
  'keep_in_touch',
  'referrer_update',
] as const satisfies readonly TemplateName[];

/** Human words for a kind, for subjects and the UI. */
export const KIND_LABELS: Readonly<Record<TemplateName, string>> = {
  outreach: 'outreach',
  follow_up: 'follow-up',
  thank_you: 'thank-you note',
  keep_in_touch: 'keep-in-touch update',
  referrer_update: 'referral update',
  prep_brief: 'meeting prep brief',
  post_meeting_prompt: 'after-meeting prompt',
  approval_request: 'approval request',
  weekly_digest: 'weekly digest',
  send_failed: 'failed-send notice',
  notice: 'notice',
};

/** Template name ↔ file name: `follow_up` lives in `follow-up.hbs`. */
export function templateFileName(name: TemplateName): string {
  return `${name.replace(/_/g, '-')}.hbs`;
}

export interface OwnerView {
  readonly name: string;
  readonly firstName: string;
  readonly email: string;
  readonly timeZone: string;
  /** KITH_OWNER_INTRO: a few sentences about the owner, or null. */
  readonly intro: string | null;
}

export interface PersonView {
  readonly name: string | null;
  readonly firstName: string;
  readonly email: string | null;
  readonly company: string | null;
  readonly title: string | null;
}

export interface MeetingView {
  readonly startsAt: string;
  readonly endsAt: string;
  /** The contact's zone for this meeting (from the invite or the agreed time). */
  readonly timeZone: string;
  /** phone, video, in_person… */
  readonly mode: string;
  readonly location: string | null;
  readonly durationMinutes: number;
}

export interface OutreachContext {
  readonly owner: OwnerView;
  readonly contact: PersonView;
  readonly referrer: PersonView | null;
  /**
   * How the owner came across a contact nobody referred, as the owner would
   * say it ("I came across your profile on LinkedIn"), from the contact's
   * source; null when kith cannot tell (see howFoundSentence).
   */
  readonly howFound: string | null;
}

export interface FollowUpContext {
  readonly owner: OwnerView;
  readonly contact: PersonView;
  readonly referrer: PersonView | null;
  /** Subject of the mail being followed up, without "Re:". */
  readonly previousSubject: string;
  readonly daysSince: number;
  /** 1 for the first follow-up. */
  readonly followUpNumber: number;
}

export interface ThankYouContext {
  readonly owner: OwnerView;
  readonly contact: PersonView;
  readonly meeting: MeetingView | null;
  /** Advice they gave in this meeting, tidied for the reader (see advice.ts). */
  readonly advice: readonly string[];
  /** People they offered to introduce. */
  readonly referrals: readonly PersonView[];
}

export interface KeepInTouchContext {
  readonly owner: OwnerView;
  readonly contact: PersonView;
  readonly advice: readonly string[];
  readonly lastMetAt: string | null;
  readonly monthsSince: number | null;
  /** People they referred the owner to, and whom the owner has met. */
  readonly referralsMet: readonly PersonView[];
}

export interface ReferrerUpdateContext {
  readonly owner: OwnerView;
  /** The recipient: who made the introduction. */
  readonly referrer: PersonView;
  /** The person they referred, whom the owner has now met. */
  readonly referred: PersonView;
  readonly meeting: MeetingView | null;
  readonly advice: readonly string[];
}

export interface MessageView {
  readonly date: string;
  readonly direction: 'in' | 'out';
  readonly subject: string;
  readonly text: string;
}

export interface PrepBriefContext {
  readonly owner: OwnerView;
  readonly contact: PersonView & { readonly linkedinUrl: string | null; readonly stage: string };
  readonly meeting: MeetingView;
  /** e.g. "Referred by Bob Lee (Acme)", "You wrote first on 3 Nov". */
  readonly howWeMet: string;
  /** From the first person down to the one who referred this contact. */
  readonly referralChain: readonly PersonView[];
  readonly notes: readonly string[];
  readonly advice: readonly string[];
  readonly recentMessages: readonly MessageView[];
}

export interface PostMeetingPromptContext {
  readonly owner: OwnerView;
  readonly contact: PersonView;
  readonly meeting: MeetingView;
}

export interface ApprovalRequestContext {
  readonly owner: OwnerView;
  readonly contact: PersonView;
  readonly draft: {
    readonly id: number;
    readonly kindLabel: string;
    readonly to: string;
    readonly subject: string;
    readonly text: string;
    /** The [bracketed] places still to fill in; approve is refused while there are any. */
    readonly places: readonly string[];
    /** "1 place to fill in", "2 places to fill in"; empty when none. */
    readonly placesLabel: string;
    /** What goes with the text, e.g. a calendar invitation; empty when nothing. */
    readonly attachment?: string;
  };
  /** 0 the first time; counts how often it was snoozed and asked again. */
  readonly askedBefore: number;
  /**
   * Why kith asks: `new` (a fresh draft), `again` (after a snooze), `revision`
   * (the owner sent their own version: this is it, word for word) or
   * `changed` (the owner approved an older text of a draft that changed since).
   */
  readonly reason: 'new' | 'again' | 'revision' | 'changed';
}

export interface DigestPerson {
  readonly name: string;
  readonly detail: string;
}

export interface WeeklyDigestContext {
  readonly owner: OwnerView;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly funnel: {
    readonly outreach: number;
    readonly replies: number;
    readonly meetings: number;
    readonly thankYous: number;
  };
  readonly stageCounts: readonly { readonly stage: string; readonly count: number }[];
  readonly upcoming: readonly {
    readonly name: string;
    readonly startsAt: string;
    readonly timeZone: string;
  }[];
  readonly awaitingApproval: readonly DigestPerson[];
  readonly noReply: readonly DigestPerson[];
  readonly newReferrals: readonly DigestPerson[];
  readonly keepInTouchDue: readonly DigestPerson[];
  /** One plain sentence per mail from a contact that was put aside this week. */
  readonly putAside: readonly string[];
}

export interface SendFailedContext {
  readonly owner: OwnerView;
  readonly mail: {
    readonly kindLabel: string;
    /** The recipient's name (or address when there is none). */
    readonly to: string;
    readonly address: string;
    readonly subject: string;
  };
  readonly error: string;
  readonly attempts: number;
  /** True when kith cannot tell whether the mail went out (it stopped mid-send). */
  readonly uncertain: boolean;
}

export interface NoticeContext {
  readonly owner: OwnerView;
  readonly title: string;
  readonly message: string;
}

/** Template name → the context it is rendered with. */
export interface TemplateContexts {
  outreach: OutreachContext;
  follow_up: FollowUpContext;
  thank_you: ThankYouContext;
  keep_in_touch: KeepInTouchContext;
  referrer_update: ReferrerUpdateContext;
  prep_brief: PrepBriefContext;
  post_meeting_prompt: PostMeetingPromptContext;
  approval_request: ApprovalRequestContext;
  weekly_digest: WeeklyDigestContext;
  send_failed: SendFailedContext;
  notice: NoticeContext;
}
