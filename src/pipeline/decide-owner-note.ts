import { canonicalAddress } from './address.js';
import type { Classification, ClassifyContext } from './classify.js';
import type { InboundEffect, InboundFacts } from './inbound-effects.js';
import type { MailMessage } from './mail.js';
import { referrerToSet } from './referral-rule.js';

/**
 * The owner's reply to a kith mail (decide-inbound.ts's `owner_note`): what
 * owner-commands.ts read in it becomes data about the contact the kith mail
 * was about — a note, advice, a keep-in-touch cadence, people referred —
 * and an approve / skip / snooze / revision is a draft command for the
 * outbox (src/outbox/inbox-port.ts), which says what it did.
 */

type OwnerNote = Extract<Classification, { kind: 'owner_note' }>;

export function ownerNoteEffects(
  c: OwnerNote,
  message: MailMessage,
  context: ClassifyContext,
  facts: InboundFacts,
  at: string,
): InboundEffect[] {
  const effects: InboundEffect[] = [];
  const remark = (text: string) => effects.push({ type: 'remark', text });
  const contact = c.contactId;
  const isCommand = c.command !== null || c.revision !== null;
  effects.push({
    type: 'record_message',
    kind: isCommand ? 'owner_command' : 'owner_note',
    direction: 'out',
    contact,
    thread: null,
    text: context.replyText,
  });
  if (contact !== null) {
    if (c.note) {
      effects.push({ type: 'note', contact, body: c.note });
      remark('note added');
    }
    for (const body of c.advice) {
      effects.push({ type: 'advice', contact, body });
      remark('advice added');
    }
    if (c.cadenceDays !== null) {
      effects.push({ type: 'cadence', contact, days: c.cadenceDays });
      remark(`keep in touch every ${c.cadenceDays} days`);
    }
  } else if (c.note || c.advice.length > 0 || c.cadenceDays !== null) {
    remark('note not kept: the kith mail it answers is about no contact');
  }
  effects.push(...referralEffects(c.referrals, contact, facts));
  if (isCommand || c.problems.length > 0 || c.notUnderstood !== null) {
    effects.push({
      type: 'draft_command',
      request: {
        reference: c.reference,
        command: c.command,
        revision: c.revision,
        problems: c.problems,
        notUnderstood: c.notUnderstood,
        messageId: message.messageId,
        at,
        offsetMinutes: message.dateOffsetMinutes,
      },
    });
  }
  return effects;
}

/**
 * People the owner was referred to: a known contact (by any form of the
 * address) gets the referrer when referral-rule.ts allows, anyone else
 * becomes a prospect referred by the contact the note is about.
 */
function referralEffects(
  people: OwnerNote['referrals'],
  referrer: number | null,
  facts: InboundFacts,
): InboundEffect[] {
  const effects: InboundEffect[] = [];
  const created = new Set<string>();
  const linked = new Set<number>();
  for (const person of people) {
    const address = canonicalAddress(person.address);
    const row = facts.addresses.get(address);
    const known = row ? facts.contacts.get(row.contactId) : undefined;
    if (known || created.has(address)) {
      const to = known && !linked.has(known.id) ? referrerToSet(known, referrer) : null;
      if (known && to !== null) {
        linked.add(known.id);
        effects.push({ type: 'set_referrer', contact: known.id, referrer: to });
      }
      effects.push({
        type: 'remark',
        text: `referral ${person.address} merged with a known contact`,
      });
      continue;
    }
    created.add(address);
    effects.push({
      type: 'create_contact',
      address: person.address,
      name: person.name,
      source: 'referral',
      referredBy: referrer,
    });
    effects.push({ type: 'remark', text: `referral ${person.address} added as a prospect` });
  }
  return effects;
}
