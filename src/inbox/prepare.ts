import { detectAutoReply } from '../pipeline/auto-reply.js';
import type { CalendarEvent } from '../pipeline/calendar-event.js';
import type { MailMessage } from '../pipeline/mail.js';
import type { ProposedTime } from '../pipeline/proposed-time.js';
import { parseCalendarParts } from './calendar.js';
import { extractReturnDate } from './ooo-return-date.js';
import { parseMail } from './parse.js';
import { extractProposedTimes, warmUpDateParsers } from './proposed-times.js';
import { extractReply } from './reply-text.js';

/**
 * Everything about one message that needs no database: parsing and the
 * library-backed extraction, done before the message's write starts so the
 * database work of a message holds the write lock as briefly as it can.
 */

/** The extraction classify reads from its context (see ClassifyContext). */
export interface Extracted {
  readonly replyText: string;
  readonly replySignOff: string | null;
  readonly replyLetter: string;
  readonly calendarEvents: readonly CalendarEvent[];
  readonly proposedTimes: readonly ProposedTime[];
  readonly oooReturnDate: string | null;
}

export interface Prepared {
  readonly message: MailMessage;
  readonly extracted: Extracted;
}

/** What loading the parser should include: the costs the first mail would otherwise pay. */
export function warmUp(): void {
  warmUpDateParsers();
}

/** Parses and extracts; throws BadInputError when the mail cannot be parsed. */
export async function prepareMail(raw: Buffer, receivedAt: Date): Promise<Prepared> {
  const message = await parseMail(raw, { receivedAt });
  return { message, extracted: extractAll(message) };
}

function extractAll(message: MailMessage): Extracted {
  const reply = extractReply(message.text);
  const dated = { sentAt: message.date, offsetMinutes: message.dateOffsetMinutes };
  // An out-of-office text proposes no meeting; only it has a return date.
  const automatic = detectAutoReply(message) !== null;
  return {
    replyText: reply.text,
    replySignOff: reply.signOff,
    replyLetter: reply.letter,
    calendarEvents: message.calendar.length > 0 ? parseCalendarParts(message.calendar) : [],
    proposedTimes: automatic || reply.text === '' ? [] : extractProposedTimes(reply.text, dated),
    oooReturnDate: automatic ? extractReturnDate(message.text, dated) : null,
  };
}
