/**
 * A calendar event as src/inbox/calendar.ts reads it from a `text/calendar`
 * part: plain data, with times already resolved to UTC instants, so the pure
 * classifier never needs a time-zone database.
 */

export interface CalendarAttendee {
  /** Lower-cased address from the `mailto:` value. */
  readonly address: string;
  readonly name: string | null;
  /** PARTSTAT, upper-case (ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION), null if absent. */
  readonly partstat: string | null;
}

export interface CalendarEvent {
  /** METHOD of the calendar object (REQUEST, CANCEL, REPLY, PUBLISH…), upper-case; null if absent. */
  readonly method: string | null;
  readonly uid: string;
  /** SEQUENCE (0 when absent): a higher one replaces an earlier copy with the same UID. */
  readonly sequence: number;
  /** STATUS (CONFIRMED, TENTATIVE, CANCELLED), upper-case; null if absent. */
  readonly status: string | null;
  readonly summary: string | null;
  readonly allDay: boolean;
  /** ISO-8601 UTC instant; for an all-day event the date `YYYY-MM-DD`. */
  readonly start: string;
  /** Like `start`; an all-day event's end date is exclusive (RFC 5545). */
  readonly end: string;
  /** IANA zone the organizer wrote the time in, when known. */
  readonly timeZone: string | null;
  readonly location: string | null;
  /** Lower-cased organizer address, null if absent. */
  readonly organizer: string | null;
  readonly attendees: readonly CalendarAttendee[];
}
