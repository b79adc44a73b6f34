import { describe, expect, it } from 'vitest';
import { type Classification, classify } from '../../src/pipeline/classify.js';
import { address, contacts, contextFor, mail } from './classify-helpers.js';

/**
 * What classify hands the meeting rules about agreement: the owner's reply
 * carries every time it names; the contact's reply carries its agreement,
 * but only from the contact's own address (anyone can answer in a thread).
 */

const ANNA = contacts({ 'anna@acme.com': [1, 'replied'] });
const thread = {
  contactId: 1,
  threadId: 10,
  subjectKey: 'quick question about product management',
  matchedBy: 'in-reply-to' as const,
};

function contactReply(from = address('anna@acme.com', 'Anna Berg'), text = '') {
  const message = mail({ from, inReplyTo: 'owner-2@example.org', text });
  const result: Classification = classify(message, contextFor(message, { contacts: ANNA, thread }));
  expect(result.kind).toBe('contact_reply');
  return result as Extract<Classification, { kind: 'contact_reply' }>;
}

describe('agreement in a classification', () => {
  it("the contact's own agreement is carried, with the times it names", () => {
    const result = contactReply(undefined, 'Friday at 3pm works great, see you then!');
    expect(result.acceptance).toBe('Friday at 3pm works great, see you then!');
    expect(result.proposedTimes.map((t) => t.text)).toEqual(['Friday at 3pm']);
  });

  it('a stranger answering in the thread agrees to nothing; a decline is no agreement', () => {
    expect(
      contactReply(address('someone@else.example'), 'Friday at 3pm works great!').acceptance,
    ).toBeNull();
    expect(
      contactReply(undefined, "Sorry, I'm not able to help, perfect timing aside.").acceptance,
    ).toBeNull();
  });

  it("the owner's reply carries every time it names, for the rules to tell counter-proposal from agreement", () => {
    const message = mail({
      from: address('sam@example.org', 'Sam Owner'),
      to: [address('anna@acme.com')],
      inReplyTo: 'reply-1@acme.com',
      text: 'Thursday does not suit me. Could we do Friday at 10am or Monday at 2pm?',
    });
    const result = classify(message, contextFor(message, { contacts: ANNA, thread }));
    expect(result.kind).toBe('owner_reply');
    const reply = result as Extract<Classification, { kind: 'owner_reply' }>;
    expect(reply.acceptance).toBeNull();
    expect(reply.proposedTimes.map((t) => t.text).sort()).toEqual([
      'Friday at 10am',
      'Monday at 2pm',
    ]);
  });
});
