import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addressesToLookUp,
  type Classification,
  type ClassifyContext,
  classify,
  type KithReference,
} from '../../src/pipeline/classify.js';
import type { MailMessage } from '../../src/pipeline/mail.js';
import { address, contacts, contextFor, mail, OWNER, SERVICE } from './classify-helpers.js';

const ics = (name: string): string =>
  readFileSync(new URL(`../fixtures/ics/${name}`, import.meta.url), 'utf8');

function run(message: MailMessage, overrides: Partial<ClassifyContext> = {}): Classification {
  return classify(message, contextFor(message, overrides));
}

function expectKind<K extends Classification['kind']>(
  result: Classification,
  kind: K,
): Extract<Classification, { kind: K }> {
  expect(result.kind, JSON.stringify(result)).toBe(kind);
  return result as Extract<Classification, { kind: K }>;
}

const ANNA = contacts({ 'anna@acme.com': [1, 'contacted'] });

const ownerRef = (over: Partial<KithReference> = {}): KithReference => ({
  ref: 'draft-7',
  messageId: 'kith.draft-7.abcdefghijklmnopqrstuv@example.org',
  audience: 'owner',
  awaitsApproval: true,
  draftText: 'Hi Anna,\n\nThanks for the chat on Thursday.\n\nSam',
  contactId: 1,
  ...over,
});

const fromOwner = (over: Partial<MailMessage> = {}): MailMessage =>
  mail({
    from: address(OWNER, 'Sam Owner'),
    to: [address('anna@acme.com', 'Anna Berg')],
    dateOffsetMinutes: 60,
    date: '2026-11-23T08:00:00.000Z',
    ...over,
  });

describe('owner outreach', () => {
  it('lists each To/Cc recipient except the owner, the service address and kith', () => {
    const message = fromOwner({
      to: [address('anna@acme.com', 'Anna Berg'), address('bob@globex.com', 'Bob Lee')],
      cc: [address(OWNER), address(SERVICE, 'kith'), address('ANNA@acme.com', 'Anna Berg')],
      text: 'Hi Anna,\n\nTom Weber suggested I reach out. Would you have 20 minutes?\n\nThanks,\nSam\n',
    });
    const result = expectKind(run(message, { contacts: ANNA }), 'owner_outreach');
    expect(result.recipients).toEqual([
      { address: 'anna@acme.com', name: 'Anna Berg', contactId: 1, thankYou: false },
      { address: 'bob@globex.com', name: 'Bob Lee', contactId: null, thankYou: false },
    ]);
    expect(result.subjectKey).toBe('quick question about product management');
  });

  it('counts a plus-tagged owner address as the owner', () => {
    const message = fromOwner({ from: address('sam+work@example.org') });
    expectKind(run(message), 'owner_outreach');
  });

  it('is nothing when the owner writes only to themselves', () => {
    const message = fromOwner({ to: [address(OWNER)], cc: [address('sam+notes@example.org')] });
    expect(run(message).kind).toBe('unrelated');
  });

  it('marks a new-thread thank-you to a met contact', () => {
    const message = fromOwner({
      subject: 'Thank you!',
      text: 'Hi Anna,\n\nThank you so much for your time yesterday.\n\nBest,\nSam\n',
    });
    const met = expectKind(
      run(message, { contacts: contacts({ 'anna@acme.com': [1, 'met'] }) }),
      'owner_outreach',
    );
    expect(met.recipients[0]?.thankYou).toBe(true);
    const notMet = expectKind(run(message, { contacts: ANNA }), 'owner_outreach');
    expect(notMet.recipients[0]?.thankYou).toBe(false);
  });
});

describe('owner reply in a contact thread', () => {
  const thread = {
    contactId: 1,
    threadId: 10,
    subjectKey: 'quick question about product management',
    matchedBy: 'in-reply-to' as const,
  };

  it('accepts a proposed time and names it', () => {
    const message = fromOwner({
      subject: 'Re: Quick question about product management',
      inReplyTo: 'reply-1@acme.com',
      text: 'Thursday 2pm works great, thanks!\n\nSam\n\nOn Mon, Nov 23, 2026 at 9:15 AM Anna Berg <anna@acme.com> wrote:\n> How about Thursday at 2pm?\n',
    });
    const result = expectKind(run(message, { contacts: ANNA, thread }), 'owner_reply');
    expect(result.contactId).toBe(1);
    expect(result.threadId).toBe(10);
    expect(result.acceptance).toBe('Thursday 2pm works great, thanks!');
    // Thursday after Monday 23 Nov 2026, 14:00 in the owner's +01:00 zone.
    expect(result.acceptedTime?.start).toBe('2026-11-26T13:00:00.000Z');
  });

  it.each([
    'See you then!',
    'Perfect, thank you.',
    'Sounds good.',
    'Klingt gut, bis Donnerstag.',
    'Parfait, à jeudi.',
  ])('hears "%s" as acceptance', (text) => {
    const message = fromOwner({ inReplyTo: 'reply-1@acme.com', text });
    expect(expectKind(run(message, { thread }), 'owner_reply').acceptance).not.toBeNull();
  });

  it.each([
    "Unfortunately Thursday doesn't work for me, could we do Friday?",
    'Thursday does not work, sorry.',
    'Let me check my calendar and come back to you.',
  ])('does not hear "%s" as acceptance', (text) => {
    const message = fromOwner({ inReplyTo: 'reply-1@acme.com', text });
    const result = expectKind(run(message, { thread }), 'owner_reply');
    expect(result.acceptance).toBeNull();
    expect(result.acceptedTime).toBeNull();
  });

  it('is the thank-you when the contact is met', () => {
    const message = fromOwner({
      inReplyTo: 'reply-1@acme.com',
      text: 'Hi Anna, thank you so much for your time today, the advice on B2B was gold.',
    });
    const met = contacts({ 'anna@acme.com': [1, 'met'] });
    expect(expectKind(run(message, { thread, contacts: met }), 'owner_reply').thankYou).toBe(true);
    expect(expectKind(run(message, { thread, contacts: ANNA }), 'owner_reply').thankYou).toBe(
      false,
    );
  });

  it('ignores a References-only match with another subject (then it is outreach)', () => {
    const message = fromOwner({
      subject: 'Something else entirely',
      references: ['old@acme.com'],
      text: 'Hi Anna, a new question.',
    });
    const result = run(message, {
      contacts: ANNA,
      thread: { ...thread, matchedBy: 'references' },
    });
    expect(result.kind).toBe('owner_outreach');
  });

  it('accepts a References-only match with the same subject', () => {
    const message = fromOwner({
      subject: 'RE: AW: Quick question about   product management',
      references: ['old@acme.com'],
      text: 'Sounds good.',
    });
    const result = run(message, { thread: { ...thread, matchedBy: 'references' } });
    expectKind(result, 'owner_reply');
  });

  it("treats the owner's reply to kith mail sent to a contact as a thread reply", () => {
    const message = fromOwner({
      inReplyTo: 'kith.followup-3.xyz@example.org',
      text: 'See you then.',
    });
    const result = run(message, { kithReference: ownerRef({ audience: 'contact', contactId: 1 }) });
    expect(expectKind(result, 'owner_reply').contactId).toBe(1);
  });
});

describe('owner notes and commands (trusted)', () => {
  const reply = (text: string, ref: KithReference = ownerRef()) =>
    expectKind(
      run(
        fromOwner({
          to: [address(SERVICE)],
          subject: 'Re: [kith] Draft thank-you to Anna Berg',
          inReplyTo: ref.messageId,
          text,
        }),
        { kithReference: ref },
      ),
      'owner_note',
    );

  it.each([
    ['approve', 'approve'],
    ['Approve.', 'approve'],
    ['"YES"', 'approve'],
    ['send!', 'approve'],
    ['Skip', 'skip'],
    ['no.', 'skip'],
  ])('reads "%s" as %s', (text, type) => {
    const quoted = `${text}\n\nOn Tue, Nov 24, 2026 at 8:00 AM kith <${SERVICE}> wrote:\n> Draft thank-you to Anna Berg. Reply approve, skip or snooze 3d.\n> approve\n`;
    const result = reply(quoted);
    expect(result.command?.type).toBe(type);
    expect(result.revision).toBeNull();
    expect(result.note).toBeNull();
  });

  it.each([
    ['snooze 3d', { kind: 'for', minutes: 3 * 24 * 60 }],
    ['Snooze 2w!', { kind: 'for', minutes: 14 * 24 * 60 }],
    ['snooze until Monday', { kind: 'until', until: { kind: 'weekday', weekday: 1 } }],
    [
      'snooze till dec 3',
      { kind: 'until', until: { kind: 'date', year: null, month: 12, day: 3 } },
    ],
  ])('reads "%s" as a structured snooze', (text, snooze) => {
    const result = reply(text);
    expect(result.command?.type).toBe('snooze');
    expect(result.command?.type === 'snooze' && result.command.snooze).toMatchObject(snooze);
  });

  it('takes new text above the quote as the edited draft, sign-off included', () => {
    const result = reply(
      'Hi Anna,\n\nThank you again for Thursday. Your advice on B2B product was exactly what I needed.\n\nBest,\nSam\n\nOn Fri, Dec 4, 2026 at 9:00 AM kith <sam+kith@example.org> wrote:\n> Hi Anna, thanks for the chat.\n',
    );
    expect(result.command).toBeNull();
    expect(result.revision).toBe(
      'Hi Anna,\n\nThank you again for Thursday. Your advice on B2B product was exactly what I needed.\n\nBest,\nSam',
    );
  });

  it('does not send a two-word remark as a draft', () => {
    const result = reply('looks weird');
    expect(result.revision).toBeNull();
    expect(result.command).toBeNull();
    expect(result.notUnderstood).toMatch(/"looks weird" is not approve/);
    expect(result.note).toBe('looks weird');
  });

  it('turns referral, advice and cadence lines into data and the rest into a note', () => {
    const result = reply(
      'Great chat. She recommended reading Inspired by Marty Cagan.\nReferral: Bob Lee <bob@globex.com>\n- advice: talk to PMs in B2B, not consumer\nCADENCE: 60d\n\nOn Wed, Dec 2, 2026 at 6:00 PM kith <sam+kith@example.org> wrote:\n> How did it go?\n',
      ownerRef({ awaitsApproval: false }),
    );
    expect(result.referrals).toEqual([{ name: 'Bob Lee', address: 'bob@globex.com' }]);
    expect(result.advice).toEqual(['talk to PMs in B2B, not consumer']);
    expect(result.cadenceDays).toBe(60);
    expect(result.note).toBe('Great chat. She recommended reading Inspired by Marty Cagan.');
    expect(result.contactId).toBe(1);
  });

  it('reports a referral line without an address', () => {
    const result = reply('referral: Bob from Globex', ownerRef({ awaitsApproval: false }));
    expect(result.referrals).toEqual([]);
    expect(result.problems).toEqual(['referral: Bob from Globex']);
  });
});

describe('refused owner mail', () => {
  it('refuses a command reply with no kith signature', () => {
    const message = fromOwner({
      to: [address(SERVICE)],
      subject: 'Re: [kith] Draft thank-you to Anna Berg',
      text: 'approve',
    });
    expect(expectKind(run(message), 'refused').reason).toMatch(/subject names kith/);
  });

  it('refuses a reply whose kith Message-ID does not verify', () => {
    const message = fromOwner({
      to: [address(SERVICE)],
      subject: 'Re: Draft',
      inReplyTo: 'kith.draft-7.forgedforgedforgedforged@example.org',
      text: 'approve',
    });
    expect(expectKind(run(message), 'refused').reason).toMatch(/did not sign/);
  });

  it('refuses mail to kith alone', () => {
    const message = fromOwner({ to: [address(SERVICE)], subject: 'notes', text: 'skip' });
    expect(run(message).kind).toBe('refused');
  });

  it('does not refuse outreach that has kith in Cc', () => {
    const message = fromOwner({ cc: [address(SERVICE)] });
    expect(run(message).kind).toBe('owner_outreach');
  });
});

describe('contact replies', () => {
  const thread = {
    contactId: 1,
    threadId: 10,
    subjectKey: 'quick question about product management',
    matchedBy: 'in-reply-to' as const,
  };

  it('matches by In-Reply-To alone, even from another address', () => {
    const message = mail({
      from: address('anna.berg@gmail.com'),
      inReplyTo: 'out-1@example.org',
      subject: 'totally different subject',
    });
    const result = expectKind(run(message, { thread }), 'contact_reply');
    expect(result).toMatchObject({
      contactId: 1,
      threadId: 10,
      matchedBy: 'in-reply-to',
      decline: null,
    });
  });

  it('needs the same subject for a References-only match', () => {
    const refs = { ...thread, matchedBy: 'references' as const };
    const same = mail({
      from: address('maria@acme.com'),
      subject: 'Re: Quick question about product management',
      references: ['out-1@example.org'],
    });
    expect(expectKind(run(same, { thread: refs }), 'contact_reply').matchedBy).toBe('references');
    const other = mail({ ...same, subject: 'Lunch on Friday?' });
    expect(run(other, { thread: refs }).kind).toBe('unrelated');
  });

  it('falls back to a known sender address', () => {
    const result = run(mail(), { contacts: ANNA });
    expect(expectKind(result, 'contact_reply').matchedBy).toBe('address');
  });

  it('ignores strangers', () => {
    expect(run(mail({ from: address('someone@else.com') })).kind).toBe('unrelated');
  });

  it('ignores list mail from a contact outside a thread', () => {
    const message = mail({ headers: { listId: '<news.acme.com>' } });
    expect(run(message, { contacts: ANNA }).kind).toBe('unrelated');
  });

  it('carries the proposed times of the reply, not of the quote', () => {
    const message = mail({
      text: 'Hi Sam,\n\nHappy to chat. Does Thursday at 2pm work? Here is my Zoom: https://acme.zoom.us/j/91234567890\n\nAnna\n\nOn Mon, Nov 23, 2026 at 9:00 AM Sam Owner <sam@example.org> wrote:\n> I am free Friday at 10am.\n',
    });
    const result = expectKind(run(message, { contacts: ANNA }), 'contact_reply');
    expect(result.proposedTimes).toHaveLength(1);
    // Sent Monday 09:15 at -05:00: Thursday 26 Nov, 14:00 New York time.
    expect(result.proposedTimes[0]).toMatchObject({
      start: '2026-11-26T19:00:00.000Z',
      end: '2026-11-26T19:30:00.000Z',
      timeZone: 'America/New_York',
      place: 'https://acme.zoom.us/j/91234567890',
    });
    expect(result.decline).toBeNull();
  });

  it.each([
    ['Thanks for reaching out. Unfortunately now is not a good time for me.', 'not a good time'],
    ["I'm afraid I'm not the right person for this. Good luck!", 'not the right person'],
    ['Sorry Sam, I am unable to help with this.', 'unable to help'],
    ["I'll have to pass, sorry.", 'pass'],
    ['Leider habe ich keine Zeit. Viel Erfolg!', 'keine Zeit'],
    ['Je ne suis pas la bonne personne, désolée. Je ne peux pas vous aider.', 'bonne personne'],
    ['Lo siento, ahora no es un buen momento.', 'buen momento'],
  ])('declines on "%s"', (text, words) => {
    const result = expectKind(run(mail({ text }), { contacts: ANNA }), 'contact_reply');
    expect(result.decline).toContain(words);
  });

  it.each([
    "I'm not able to meet this month, but happy to in January.",
    'Not a good time right now, ping me in a few weeks?',
    "I can't do Thursday. How about Friday at 11 instead?",
    'Sure, happy to help!',
    "I can't help but think you'd be great at this. Let's talk.",
  ])('does not decline on "%s"', (text) => {
    const result = expectKind(run(mail({ text }), { contacts: ANNA }), 'contact_reply');
    expect(result.decline).toBeNull();
  });

  it('matches a contact replying to kith-sent mail from a new address', () => {
    const message = mail({
      from: address('anna@private.example'),
      inReplyTo: 'kith.fu-1.x@example.org',
    });
    const result = run(message, { kithReference: ownerRef({ audience: 'contact', contactId: 1 }) });
    expect(expectKind(result, 'contact_reply').matchedBy).toBe('kith-reference');
  });
});

describe('auto-replies', () => {
  const ooo = (over: Partial<MailMessage>) =>
    mail({
      subject: 'Re: Quick question about product management',
      text: 'Thank you for your email.\n',
      ...over,
    });

  it.each([
    ['Auto-Submitted auto-replied', { autoSubmitted: 'auto-replied' }],
    ['Auto-Submitted auto-generated', { autoSubmitted: 'auto-generated' }],
    ['X-Autoreply', { xAutoreply: 'yes' }],
    ['X-Autorespond', { xAutorespond: 'Vacation' }],
    ['Precedence auto_reply', { precedence: 'auto_reply' }],
    ['Precedence bulk', { precedence: 'bulk' }],
    ['Precedence junk', { precedence: 'junk' }],
  ])('recognises %s', (_name, headers) => {
    const result = expectKind(run(ooo({ headers }), { contacts: ANNA }), 'auto_reply');
    expect(result.contactId).toBe(1);
  });

  it.each([
    ['Auto-Submitted no', { autoSubmitted: 'no' }],
    ['Precedence list', { precedence: 'list' }],
    ['X-Auto-Response-Suppress alone', { xAutoResponseSuppress: 'All' }],
  ])('does not treat %s as automatic', (_name, headers) => {
    expect(run(ooo({ headers }), { contacts: ANNA }).kind).toBe('contact_reply');
  });

  it.each([
    'Automatic reply: Quick question',
    'Out of Office: Quick question',
    'Out of office',
    'Automatische Antwort: Kurze Frage',
    'Abwesenheitsnotiz: Kurze Frage',
    'Réponse automatique : Petite question',
    'Absence du bureau',
    'Respuesta automática: Una pregunta',
    'Fuera de la oficina',
    'Afwezig: Korte vraag',
    'Automatisch antwoord: Korte vraag',
    'Resposta automática: Uma pergunta',
    'Ausência do escritório',
    'RE: Automatic reply: Quick question',
  ])('recognises the subject "%s" with no headers', (subject) => {
    expect(run(ooo({ subject }), { contacts: ANNA }).kind).toBe('auto_reply');
  });

  it.each([
    'I am currently out of the office with limited access to email.',
    'Ich bin derzeit nicht im Büro und ab dem 3. Dezember wieder erreichbar.',
    'Je suis actuellement absente du bureau.',
    'Estoy fuera de la oficina hasta el 2 de diciembre.',
    'Ik ben momenteel afwezig.',
    'Estou ausente até 2 de dezembro.',
  ])('recognises the opening "%s" with no headers and a plain subject', (text) => {
    expect(run(ooo({ text }), { contacts: ANNA }).kind).toBe('auto_reply');
  });

  it.each([
    'Sorry for the slow reply, I was out of the office last week. Happy to chat!',
    "I'm away until December 3, but happy to chat after. How about December 7 at 10am?",
    'Out of curiosity, what made you pick product management?',
  ])('keeps the human reply "%s"', (text) => {
    expect(run(ooo({ text }), { contacts: ANNA }).kind).toBe('contact_reply');
  });

  it('reads the return date', () => {
    const message = ooo({
      subject: 'Abwesenheitsnotiz: Kurze Frage',
      date: '2026-11-23T08:15:00.000Z',
      dateOffsetMinutes: 60,
      text: 'Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 2. Dezember im Urlaub und ab dem 3. Dezember wieder erreichbar.\n',
    });
    expect(expectKind(run(message, { contacts: ANNA }), 'auto_reply').returnDate).toBe(
      '2026-12-03',
    );
  });

  it("never takes the owner's own out-of-office answer to kith for a note", () => {
    const message = fromOwner({
      to: [address(SERVICE)],
      inReplyTo: ownerRef().messageId,
      subject: 'Automatic reply: [kith] Draft thank-you to Anna Berg',
      headers: { autoSubmitted: 'auto-replied' },
      text: 'I am out of the office until Monday.',
    });
    const result = expectKind(run(message, { kithReference: ownerRef() }), 'auto_reply');
    expect(result.contactId).toBeNull();
  });

  it('has no contact for an auto-reply from a stranger', () => {
    const result = run(
      ooo({ from: address('x@y.com'), headers: { autoSubmitted: 'auto-replied' } }),
    );
    expect(expectKind(result, 'auto_reply').contactId).toBeNull();
  });
});

describe('bounces', () => {
  const daemon = address('mailer-daemon@mx.example.org', 'Mail Delivery System');

  it('reads a failed delivery-status report, before its Auto-Submitted header', () => {
    const message = mail({
      from: daemon,
      subject: 'Undelivered Mail Returned to Sender',
      headers: {
        autoSubmitted: 'auto-replied',
        contentType: 'multipart/report; report-type=delivery-status',
      },
      deliveryStatus: [
        {
          action: 'failed',
          status: '5.1.1',
          recipient: 'anna@acme.com',
          diagnostic: 'smtp; 550 5.1.1 User unknown',
        },
      ],
    });
    const result = expectKind(run(message, { contacts: ANNA }), 'bounce');
    expect(result.recipients).toMatchObject([
      { address: 'anna@acme.com', contactId: 1, severity: 'hard', reason: 'no-such-user' },
    ]);
    expect(result.evidence).toBe('delivery-status');
    expect(result.diagnostic).toMatch(/User unknown/);
  });

  it.each(['delayed', 'delivered', 'relayed', 'expanded'])(
    'is not a failure when Action is %s',
    (action) => {
      const message = mail({
        from: daemon,
        subject: 'Delayed Mail (still being retried)',
        headers: { autoSubmitted: 'auto-replied' },
        deliveryStatus: [{ action, status: '4.4.1', recipient: 'anna@acme.com', diagnostic: null }],
      });
      const result = run(message, { contacts: ANNA });
      expect(result.kind).toBe('unrelated');
    },
  );

  it('reads X-Failed-Recipients', () => {
    const message = mail({
      from: daemon,
      subject: 'Mail delivery failed: returning message to sender',
      headers: { xFailedRecipients: 'anna@acme.com, bob@globex.com' },
      text: 'This message was created automatically by mail delivery software.',
    });
    const result = expectKind(run(message, { contacts: ANNA }), 'bounce');
    expect(result.recipients.map((r) => r.address)).toEqual(['anna@acme.com', 'bob@globex.com']);
    expect(result.evidence).toBe('x-failed-recipients');
  });

  it('finds the recipient in a bounce without a report (sender and text)', () => {
    const message = mail({
      from: address('postmaster@acme.com', 'Microsoft Outlook'),
      subject: 'Undeliverable: Quick question about product management',
      text: "Your message to anna@acme.com couldn't be delivered.\nanna wasn't found at acme.com.\n\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n",
    });
    const result = expectKind(run(message, { contacts: ANNA }), 'bounce');
    expect(result.recipients).toMatchObject([
      { address: 'anna@acme.com', contactId: 1, severity: 'hard', reason: 'no-such-user' },
    ]);
    expect(result.evidence).toBe('sender-and-text');
  });

  it('treats a delay warning from a daemon without a report as no failure', () => {
    const message = mail({
      from: daemon,
      subject: 'Delivery Status Notification (Delay)',
      text: 'Delivery to the following recipient has been delayed: anna@acme.com\nMessage will be retried for 2 more day(s)',
    });
    expect(run(message, { contacts: ANNA }).kind).toBe('unrelated');
  });

  it('does not take a person writing about a delivery failure for a bounce', () => {
    const message = mail({
      subject: 'Re: Delivery failure on the Berlin project',
      text: 'The supplier says the part does not exist anymore, error 550 on their side.',
    });
    expect(run(message, { contacts: ANNA }).kind).toBe('contact_reply');
  });

  it('does not take a human mail about returned things for a bounce', () => {
    const message = mail({
      subject: 'Returned the book',
      text: 'I returned the book you lent me, it does not exist in our library anymore.',
    });
    expect(run(message, { contacts: ANNA }).kind).toBe('contact_reply');
  });
});

describe('calendar', () => {
  const invite = (name: string, over: Partial<MailMessage> = {}) =>
    mail({ calendar: [{ method: null, ics: ics(name) }], text: 'Invitation', ...over });

  it('confirms a meeting from a contact invite, with start, end, zone, place, uid and sequence', () => {
    const result = expectKind(run(invite('google-request.ics'), { contacts: ANNA }), 'calendar');
    expect(result.action).toBe('confirmed');
    expect(result.contactId).toBe(1);
    expect(result.fromOwner).toBe(false);
    expect(result.event).toMatchObject({
      uid: '3k9d8f7g6h5j4k3l2m1n0p@google.com',
      sequence: 0,
      start: '2026-12-03T09:30:00.000Z',
      end: '2026-12-03T10:00:00.000Z',
      timeZone: 'Europe/Berlin',
      location: 'Acme HQ, Friedrichstraße 1, Berlin',
    });
  });

  it("confirms the owner's own invite to a contact", () => {
    const message = invite('reply-accepted.ics', {
      from: address(OWNER),
      to: [address('anna@acme.com')],
      calendar: [
        {
          method: 'REQUEST',
          ics: ics('reply-accepted.ics').replace('METHOD:REPLY', 'METHOD:REQUEST'),
        },
      ],
    });
    const result = expectKind(run(message, { contacts: ANNA }), 'calendar');
    expect(result).toMatchObject({ action: 'confirmed', contactId: 1, fromOwner: true });
  });

  it('cancels on an iCloud METHOD:CANCEL without STATUS', () => {
    const message = invite('icloud-cancel.ics', { from: address('jon@parkdesign.com') });
    const jon = contacts({ 'jon@parkdesign.com': [2, 'scheduled'] });
    expect(expectKind(run(message, { contacts: jon }), 'calendar').action).toBe('cancelled');
  });

  it('reads RSVP replies: accepted and declined', () => {
    const accepted = expectKind(run(invite('reply-accepted.ics'), { contacts: ANNA }), 'calendar');
    expect(accepted.action).toBe('accepted');
    const declined = expectKind(
      run(invite('reply-declined-windows-tzid.ics'), { contacts: ANNA }),
      'calendar',
    );
    expect(declined.action).toBe('declined');
    expect(declined.event.start).toBe('2026-12-03T15:00:00.000Z');
  });

  it('keeps a generated invite a calendar event, not an auto-reply', () => {
    const message = invite('google-request.ics', { headers: { autoSubmitted: 'auto-generated' } });
    expect(run(message, { contacts: ANNA }).kind).toBe('calendar');
  });

  it('ignores an invite that concerns no known contact', () => {
    const message = invite('google-request.ics', { from: address('stranger@elsewhere.org') });
    const result = run(message);
    expect(expectKind(result, 'unrelated').reason).toMatch(/calendar/);
  });

  it('lets an unusable method fall through to the text', () => {
    const message = invite('google-request.ics', {
      calendar: [
        {
          method: 'COUNTER',
          ics: ics('google-request.ics').replace('METHOD:REQUEST', 'METHOD:COUNTER'),
        },
      ],
    });
    expect(run(message, { contacts: ANNA }).kind).toBe('contact_reply');
  });
});

describe('kith itself and the lookup list', () => {
  it("ignores kith's own mail", () => {
    const message = mail({ from: address(SERVICE), headers: { autoSubmitted: 'auto-generated' } });
    expect(run(message).kind).toBe('unrelated');
  });

  it('lists every address the adapter must look up', () => {
    const message = mail({
      from: address('mailer-daemon@mx.example.org'),
      to: [address(OWNER)],
      cc: [address('cc@x.org')],
      subject: 'Undelivered Mail Returned to Sender',
      headers: { xFailedRecipients: 'gone@acme.com' },
      deliveryStatus: [
        { action: 'failed', status: '5.1.1', recipient: 'anna@acme.com', diagnostic: null },
      ],
    });
    const events = contextFor(
      mail({ calendar: [{ method: null, ics: ics('icloud-cancel.ics') }] }),
    ).calendarEvents;
    expect(addressesToLookUp(message, events).sort()).toEqual(
      [
        'anna@acme.com',
        'cc@x.org',
        'gone@acme.com',
        'jon@parkdesign.com',
        'mailer-daemon@mx.example.org',
        OWNER,
      ].sort(),
    );
  });
});
