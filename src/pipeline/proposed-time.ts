/** A meeting time proposed in the text of a reply (found by src/inbox/proposed-times.ts). */
export interface ProposedTime {
  /** ISO-8601 UTC instant. */
  readonly start: string;
  /** ISO-8601 UTC instant; 30 minutes after `start` unless the text gave an end. */
  readonly end: string;
  /** IANA zone the wall-clock time was placed in, null when only an offset was known. */
  readonly timeZone: string | null;
  /** The words that stated it, e.g. "Thursday at 2pm". */
  readonly text: string;
  /** A video link or phone number found in the same reply, if any. */
  readonly place: string | null;
  /** The wall-clock start as written, `YYYY-MM-DDTHH:mm`, in whichever zone it was meant. */
  readonly wall?: string;
  /**
   * Where its zone came from: named in the text ("3pm CET"), the writer's
   * ("my time"), the reader's ("your time"; placed in the writer's zone until
   * the reader is known), or only the Date header's offset. Absent means header.
   */
  readonly zoneFrom?: ZoneSource;
  /** False when only a clock time was written ("3pm works"): its day is a guess. */
  readonly dayStated?: boolean;
}

export type ZoneSource = 'text' | 'writer' | 'reader' | 'header';
