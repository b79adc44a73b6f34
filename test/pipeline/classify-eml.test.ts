import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCalendarParts } from '../../src/inbox/calendar.js';
import { extractReturnDate } from '../../src/inbox/ooo-return-date.js';
import { parseMail } from '../../src/inbox/parse.js';
import { extractProposedTimes } from '../../src/inbox/proposed-times.js';
import { extractReply } from '../../src/inbox/reply-text.js';
import { verifySignedMessageId } from '../../src/outbox/message-id.js';
import {
  addressesToLookUp,
  type Classification,
  type ClassifyContext,
  classify,
  type KithReference,
  type KnownContact,
  type ThreadMatch,
} from '../../src/pipeline/classify.js';
import type { MailMessage } from '../../src/pipeline/mail.js';

/**
 * Whole fixture mails through the real parser, the library-backed
 * extraction and classify — the way the ingest adapter prepares a context.
 * The fixtures in test/fixtures/mail/*.eml are named by case.
 */

const SECRET = 'fixture-secret-not-for-production';

const CONTACTS: Record<string, KnownContact> = {
  'anna@acme.com': { contactId: 1, stage: 'contacted', dead: false },
  'jonas.keller@beispiel.de': { contactId: 2, stage: 'contacted', dead: false },
  'anne@exemple.fr': { contactId: 3, stage: 'contacted', dead: false },
  'ana@ejemplo.es': { contactId: 4, stage: 'contacted', dead: false },
  'anke@voorbeeld.nl': { contactId: 5, stage: 'contacted', dead: false },
  'ana@exemplo.com.br': { contactId: 6, stage: 'contacted', dead: false },
  'jon@parkdesign.com': { contactId: 7, stage: 'scheduled', dead: false },
  'old.address@acme.com': { contactId: 8, stage: 'contacted', dead: false },
  'maria.lopez@acme.com': { contactId: 9, stage: 'contacted', dead: false },
};

// Message-IDs kith stored, and the thread each belongs to.
const QPM = 'quick question about product management';
const STORED: Record<string, Omit<ThreadMatch, 'matchedBy'>> = {
  'CAF=out1@mail.example.org': { contactId: 1, threadId: 11, subjectKey: QPM },
  'CAhuman.1@mail.gmail.com': { contactId: 1, threadId: 11, subjectKey: QPM },
  'CAF=out2@mail.example.org': {
    contactId: 2,
    threadId: 12,
    subjectKey: 'kurze frage zu produktmanagement',
  },
};

// The outbox rows behind the signed references used in the fixtures.
const OUTBOX: Record<string, Omit<KithReference, 'ref' | 'messageId'>> = {
  'approval-7': { audience: 'owner', awaitsApproval: true, contactId: 1 },
  'howdiditgo-3': { audience: 'owner', awaitsApproval: false, contactId: 1 },
};

function findThread(message: MailMessage): ThreadMatch | null {
  const byReply = message.inReplyTo ? STORED[message.inReplyTo] : undefined;
  if (byReply) return { ...byReply, matchedBy: 'in-reply-to' };
  for (const id of message.references) {
    const found = STORED[id];
    if (found) return { ...found, matchedBy: 'references' };
  }
  return null;
}

function findKithReference(message: MailMessage): KithReference | null {
  for (const id of [message.inReplyTo, ...message.references]) {
    const ref = id ? verifySignedMessageId(SECRET, id) : null;
    const row = ref ? OUTBOX[ref] : undefined;
    if (ref && id && row) return { ref, messageId: id, ...row };
  }
  return null;
}

async function understand(name: string): Promise<Classification> {
  const raw = readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
  const message = await parseMail(raw, { receivedAt: new Date('2026-11-23T12:00:00Z') });
  const events = parseCalendarParts(message.calendar);
  const contacts = new Map<string, KnownContact>();
  for (const a of addressesToLookUp(message, events)) {
    const known = CONTACTS[a];
    if (known) contacts.set(a, known);
  }
  const reply = extractReply(message.text);
  const timing = { sentAt: message.date, offsetMinutes: message.dateOffsetMinutes };
  const context: ClassifyContext = {
    ownerAddresses: ['sam@example.org'],
    serviceAddress: 'sam+kith@example.org',
    contacts,
    thread: findThread(message),
    kithReference: findKithReference(message),
    replyText: reply.text,
    replySignOff: reply.signOff,
    calendarEvents: events,
    proposedTimes: extractProposedTimes(reply.text, timing),
    oooReturnDate: extractReturnDate(message.text, timing),
  };
  return classify(message, context);
}

describe('fixture mails, parsed and classified', () => {
  it.each([
    ['autoreply-en-outlook.eml', 1, '2026-12-03'],
    ['autoreply-de-abwesenheit.eml', 2, '2026-12-03'],
    ['autoreply-fr-reponse-automatique.eml', 3, '2026-12-03'],
    ['autoreply-es-fuera-de-oficina.eml', 4, '2026-12-03'],
    ['autoreply-nl-afwezig.eml', 5, '2026-12-03'],
    ['autoreply-pt-resposta-automatica.eml', 6, '2026-12-03'],
    ['autoreply-gmail-vacation.eml', 1, '2027-01-04'],
  ])('%s is an auto-reply with its return date', async (name, contactId, returnDate) => {
    expect(await understand(name)).toMatchObject({ kind: 'auto_reply', contactId, returnDate });
  });

  it('reads a human reply that says Auto-Submitted: no, with the time it proposes', async () => {
    const result = await understand('reply-human-auto-submitted-no.eml');
    expect(result).toMatchObject({
      kind: 'contact_reply',
      contactId: 1,
      threadId: 11,
      decline: null,
    });
    if (result.kind !== 'contact_reply') return;
    // Only the reply's own time: "Friday at 10am" is in the quote.
    expect(result.proposedTimes.map((t) => [t.start, t.place])).toEqual([
      ['2026-11-26T19:00:00.000Z', 'https://acme.zoom.us/j/91234567890'],
    ]);
  });

  it('reads a German Outlook decline, ignoring the time in its quote', async () => {
    const result = await understand('reply-outlook-de-decline.eml');
    expect(result).toMatchObject({ kind: 'contact_reply', contactId: 2, proposedTimes: [] });
    expect(result.kind === 'contact_reply' && result.decline).toMatch(/muss leider absagen/);
  });

  it('reads an HTML-only reply', async () => {
    const result = await understand('reply-html-only.eml');
    expect(result).toMatchObject({ kind: 'contact_reply', contactId: 1 });
    expect(result.kind === 'contact_reply' && result.proposedTimes.map((t) => t.start)).toEqual([
      '2026-11-27T16:00:00.000Z',
    ]);
  });

  it.each([
    ['bounce-dsn-failed.eml', 'old.address@acme.com', 8, 'delivery-status'],
    ['bounce-exim-x-failed-recipients.eml', 'jon@parkdesign.com', 7, 'x-failed-recipients'],
    ['bounce-exchange-ndr-text.eml', 'maria.lopez@acme.com', 9, 'sender-and-text'],
  ])('%s is a bounce for %s', async (name, address, contactId, evidence) => {
    expect(await understand(name)).toMatchObject({
      kind: 'bounce',
      evidence,
      recipients: [{ address, contactId }],
    });
  });

  it.each(['bounce-delayed.eml', 'bounce-delivered-notice.eml'])(
    '%s is a delivery notice, not a failure and not an auto-reply',
    async (name) => {
      expect((await understand(name)).kind).toBe('unrelated');
    },
  );

  it.each([
    ['invite-google-request.eml', 'confirmed', 1, '2026-12-03T09:30:00.000Z'],
    ['invite-outlook-request.eml', 'confirmed', 3, '2026-07-08T08:00:00.000Z'],
    ['invite-icloud-cancel.eml', 'cancelled', 7, '2026-12-03T19:00:00.000Z'],
    ['invite-reply-accepted.eml', 'accepted', 1, '2026-12-03T15:00:00.000Z'],
    ['invite-reply-declined.eml', 'declined', 1, '2026-12-03T15:00:00.000Z'],
  ])('%s is calendar %s', async (name, action, contactId, start) => {
    const result = await understand(name);
    expect(result).toMatchObject({ kind: 'calendar', action, contactId });
    expect(result.kind === 'calendar' && result.event.start).toBe(start);
  });

  it('reads the BCC copy of an outreach', async () => {
    const result = await understand('owner-outreach-bcc.eml');
    expect(result).toMatchObject({
      kind: 'owner_outreach',
      recipients: [
        { address: 'maria.lopez@globex.com', name: 'Maria Lopez', contactId: null },
        { address: 'tom@weber.example', name: 'Tom Weber', contactId: null },
      ],
      subjectKey: 'tom suggested i reach out',
      isReply: false,
    });
  });

  it('obeys a signed approve', async () => {
    const result = await understand('owner-command-approve.eml');
    expect(result).toMatchObject({
      kind: 'owner_note',
      command: { type: 'approve' },
      contactId: 1,
    });
  });

  it('turns signed notes into a note, a referral, advice and a cadence', async () => {
    expect(await understand('owner-notes-referral.eml')).toMatchObject({
      kind: 'owner_note',
      command: null,
      revision: null,
      note: 'Great chat. She thinks B2B product is a better first step than consumer.',
      referrals: [{ name: 'Bob Lee', address: 'bob@globex.com' }],
      advice: ['read Inspired by Marty Cagan'],
      cadenceDays: 60,
    });
  });

  it('refuses an approve whose kith Message-ID is forged', async () => {
    expect((await understand('owner-command-forged.eml')).kind).toBe('refused');
  });

  it("reads the owner's acceptance of a proposed time", async () => {
    const result = await understand('owner-reply-accepts-time.eml');
    expect(result).toMatchObject({ kind: 'owner_reply', contactId: 1, threadId: 11 });
    expect(result.kind === 'owner_reply' && result.acceptedTime?.start).toBe(
      '2026-11-26T13:00:00.000Z',
    );
  });
});
