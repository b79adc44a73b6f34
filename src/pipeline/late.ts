/**
 * When an undecided draft is late — pure. A thank-you belongs within a day
 * or two of the meeting (the practice kith follows); past that it still
 * helps, but the owner should see that it is late wherever drafts are
 * listed: the Drafts page, the board card and the weekly digest.
 */

const DAY_MS = 86_400_000;

/** A thank-you is late this many days after the meeting ended. */
const THANK_YOU_LATE_AFTER_DAYS = 2;

/**
 * The instant the draft became late, or null when it is not (not a
 * thank-you, no meeting known, or still within the two days). `now` is ISO.
 */
export function lateSince(
  kind: string,
  meetingEndsAt: string | null | undefined,
  now: string,
): string | null {
  if (kind !== 'thank_you' || !meetingEndsAt) return null;
  const end = Date.parse(meetingEndsAt);
  if (!Number.isFinite(end)) return null;
  const late = end + THANK_YOU_LATE_AFTER_DAYS * DAY_MS;
  return Date.parse(now) >= late ? new Date(late).toISOString() : null;
}
