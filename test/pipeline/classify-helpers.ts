import { parseCalendarParts } from '../../src/inbox/calendar.js';
import { extractReturnDate } from '../../src/inbox/ooo-return-date.js';
import { extractProposedTimes } from '../../src/inbox/proposed-times.js';
import { extractReply } from '../../src/inbox/reply-text.js';
import type { ClassifyContext, KnownContact } from '../../src/pipeline/classify.js';
import type { MailAddress, MailMessage } from '../../src/pipeline/mail.js';

/** Test helpers: MailMessage values as the parser would produce, and a context as the adapter would. */

export const OWNER = 'sam@example.org';
export const SERVICE = 'sam+kith@example.org';

export function address(address: string, name = ''): MailAddress {
  return { address: address.toLowerCase(), name };
}

let counter = 0;

/** A plain human mail; override what the case needs. */
export function mail(overrides: Partial<MailMessage> = {}): MailMessage {
  counter += 1;
  return {
    messageId: `msg-${counter}@mail.example.net`,
    hasMessageId: true,
    inReplyTo: null,
    references: [],
    subject: 'Quick question about product management',
    date: '2026-11-23T14:15:00.000Z',
    dateOffsetMinutes: -300,
    from: address('anna@acme.com', 'Anna Berg'),
    to: [address(OWNER, 'Sam Owner')],
    cc: [],
    text: 'Hi Sam,\n\nHappy to chat.\n\nAnna\n',
    headers: {},
    calendar: [],
    deliveryStatus: null,
    ...overrides,
  };
}

/** A contact map from `address → [contactId, stage]`. */
export function contacts(
  entries: Record<
    string,
    [number, KnownContact['stage']] | [number, KnownContact['stage'], boolean]
  >,
): Map<string, KnownContact> {
  return new Map(
    Object.entries(entries).map(([a, [contactId, stage, dead]]) => [
      a.toLowerCase(),
      { contactId, stage, dead: dead ?? false },
    ]),
  );
}

/**
 * The context the ingest adapter builds: the library-backed extraction from
 * src/inbox/ runs for real here, so these tests cover the whole understanding
 * of a mail, not stubs of it.
 */
export function contextFor(
  message: MailMessage,
  overrides: Partial<ClassifyContext> = {},
): ClassifyContext {
  const reply = extractReply(message.text);
  const timing = { sentAt: message.date, offsetMinutes: message.dateOffsetMinutes };
  return {
    ownerAddresses: [OWNER],
    serviceAddress: SERVICE,
    contacts: new Map(),
    thread: null,
    kithReference: null,
    replyText: reply.text,
    replySignOff: reply.signOff,
    calendarEvents: parseCalendarParts(message.calendar),
    proposedTimes: extractProposedTimes(reply.text, timing),
    oooReturnDate: extractReturnDate(message.text, timing),
    ...overrides,
  };
}
