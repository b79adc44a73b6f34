import type { Stage } from './stages.js';

/** Stages that say the owner and the contact have met. */
const HAVE_MET_STAGES: readonly Stage[] = ['met', 'thanked', 'keeping_in_touch'];

/**
 * Whether a move by hand says a meeting took place that has not: to met (or
 * later) from before it, while a confirmed meeting has not ended yet. The
 * owner is asked first; they may know better (they met earlier).
 */
export function movePresumesMeeting(
  from: Stage,
  to: Stage,
  nextMeetingEndsAt: string | null,
  now: string,
): boolean {
  if (!HAVE_MET_STAGES.includes(to) || HAVE_MET_STAGES.includes(from)) return false;
  return nextMeetingEndsAt !== null && Date.parse(nextMeetingEndsAt) > Date.parse(now);
}
