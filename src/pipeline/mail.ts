/**
 * The normalized message every source produces (IMAP, Maildir, `kith ingest`)
 * and the pure classifier reads. Plain data: no parser objects leak past
 * src/inbox/.
 */

export interface MailAddress {
  /** Lower-cased. */
  readonly address: string;
  readonly name: string;
}

/** One `message/delivery-status` per-recipient block (RFC 3464). */
export interface DeliveryStatusRecipient {
  readonly action: string;
  readonly status: string;
  /** Original-Recipient when present, else Final-Recipient; lower-cased. */
  readonly recipient: string;
  readonly diagnostic: string | null;
}

/** A `text/calendar` part or `.ics` attachment, as text. */
export interface CalendarPart {
  /** METHOD from the content-type parameter or the file, upper-case; null if absent. */
  readonly method: string | null;
  readonly ics: string;
}

export interface MailMessage {
  /** Without angle brackets. Synthesized (and `hasMessageId` false) when missing. */
  readonly messageId: string;
  readonly hasMessageId: boolean;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly subject: string;
  /** Date header as an ISO-8601 UTC instant (receipt time when missing or broken). */
  readonly date: string;
  /** The sender's UTC offset in minutes from the Date header (+0100 → 60), null if unknown. */
  readonly dateOffsetMinutes: number | null;
  readonly from: MailAddress | null;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  /** Plain text of the whole message (HTML-only mail converted to text), quotes included. */
  readonly text: string;
  /** Lower-cased header names → raw values, only the ones classification needs. */
  readonly headers: Readonly<{
    autoSubmitted?: string;
    precedence?: string;
    xAutoreply?: string;
    xAutorespond?: string;
    xAutoResponseSuppress?: string;
    listId?: string;
    xFailedRecipients?: string;
    contentType?: string;
  }>;
  /**
   * Every Authentication-Results header, topmost first (owner-proof.ts says
   * which of them speak for the receiving provider); absent when none.
   */
  readonly authenticationResults?: readonly string[];
  readonly calendar: readonly CalendarPart[];
  /** Present when the mail is a `multipart/report; report-type=delivery-status`. */
  readonly deliveryStatus: readonly DeliveryStatusRecipient[] | null;
}
