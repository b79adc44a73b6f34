/**
 * Whether a draft to a contact may still go out, given the contact's latest
 * human reply. The one place this rule lives: approving a draft and the send
 * loop (the last check before SMTP) both ask it.
 */

/** Kinds written on the premise that the contact has not answered yet. */
const ASSUMES_NO_ANSWER: ReadonlySet<string> = new Set(['follow_up']);

export interface LatestReply {
  /** When the contact wrote it (the mail's Date header). */
  readonly date: string;
  /** When kith recorded it. */
  readonly recordedAt: string;
}

export type DraftValidity =
  | { readonly valid: true }
  | { readonly valid: false; readonly answeredAt: string };

export function draftValidity(
  draft: { readonly kind: string; readonly created_at: string },
  latestReply: LatestReply | undefined,
): DraftValidity {
  if (!ASSUMES_NO_ANSWER.has(draft.kind) || !latestReply) return { valid: true };
  const drafted = Date.parse(draft.created_at);
  // Either instant counts: a reply dated just before the draft but read only after it
  // was just as unknown when the follow-up was written.
  const newer =
    Date.parse(latestReply.date) > drafted || Date.parse(latestReply.recordedAt) > drafted;
  return newer ? { valid: false, answeredAt: latestReply.date } : { valid: true };
}
