/**
 * A contact's out-of-office return date (contacts.away_until), as the
 * scheduler honours it: no follow-up is planned before that day.
 *
 * One rule, for the two ways a second date can meet the first: a later
 * auto-reply of the same absence (decide-inbound.ts), and two records of one
 * person merged (src/db/contact-edits.ts). The later date is kept, so kith
 * never nudges someone one of their own auto-replies said is still away.
 * Dates are ISO days (`YYYY-MM-DD`), so they compare as strings.
 */
export function laterReturnDate(kept: string | null, read: string | null): string | null {
  if (kept === null) return read;
  if (read === null) return kept;
  return read > kept ? read : kept;
}
