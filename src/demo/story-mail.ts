import type { DateTime } from 'luxon';
import type { CastMember } from './cast.js';
import { type Person, type QuoteStyle, textMail } from './eml.js';

/**
 * The words of the demo's mail: the owner's outreach and the contacts'
 * answers, in a few voices. Pure functions of the cast member and the times.
 */

export const OWNER: Person = { name: 'Alex Rivera', address: 'alex@example.org' };
export const SERVICE = 'alex+kith@example.org';
export const ZONE = 'Europe/Berlin';

export const personOf = (m: CastMember): Person => ({ name: m.name, address: m.address });
export const firstName = (m: CastMember) => m.name.split(' ')[0] ?? m.name;

export function outreachSubject(m: CastMember): string {
  return m.referredBy
    ? 'A friend suggested I reach out'
    : `Quick question about your work at ${m.company}`;
}

export function outreachText(m: CastMember, referrer: CastMember | undefined): string {
  const opening = referrer
    ? `${firstName(referrer)} suggested I reach out to you.`
    : `I came across your profile and your work as ${m.role} at ${m.company}.`;
  return [
    `Hi ${firstName(m)},`,
    '',
    `${opening} I'm a data analyst exploring a move into product work, and I would`,
    'really value 20 minutes of your advice (not asking about jobs). Would you have',
    'time for a short call in the next couple of weeks?',
    '',
    'Thanks,',
    'Alex',
  ].join('\n');
}

/** "Thursday 14 May at 2pm", the way people write a time in mail. */
function spokenTime(at: DateTime): string {
  const hour = at.hour > 12 ? `${at.hour - 12}pm` : at.hour === 12 ? '12pm' : `${at.hour}am`;
  const minutes = at.minute === 0 ? '' : `:${String(at.minute).padStart(2, '0')}`;
  return `${at.toFormat('cccc d LLLL', { locale: 'en-GB' })} at ${hour.replace(/(am|pm)$/, `${minutes}$1`)}`;
}

export function proposalText(m: CastMember, meeting: DateTime): string {
  if (m.style === 'gmail-de') {
    return `Hallo Alex,\n\ngerne! Would ${spokenTime(meeting)} work for you? Video is fine.\n\nViele Grüße\n${firstName(m)}`;
  }
  return `Hi Alex,\n\nHappy to help. Would ${spokenTime(meeting)} work for you? A video call is easiest for me.\n\nBest,\n${firstName(m)}`;
}

export function willInviteText(m: CastMember): string {
  return `Hi Alex,\n\nSure, happy to chat. I'll send you a calendar invite.\n\n${firstName(m)}`;
}

export function maybeLaterText(m: CastMember): string {
  return `Hi Alex,\n\nHappy to help — let me check my calendar next week and come back to you.\n\nCheers,\n${firstName(m)}`;
}

export function notNowText(m: CastMember): string {
  return `Hi Alex,\n\nThanks for reaching out. I'm swamped until after the summer; could you ping me again in the autumn?\n\nRegards,\n${firstName(m)}`;
}

export function acceptText(meeting: DateTime): string {
  return `${spokenTime(meeting)} works great, see you then!\n\nAlex`;
}

export interface Reply {
  readonly from: Person;
  readonly to: Person;
  readonly subject: string;
  readonly at: string;
  readonly messageId: string;
  readonly inReplyTo: string;
  readonly references: readonly string[];
  readonly text: string;
  readonly style: QuoteStyle;
  readonly quoted: { readonly from: Person; readonly at: string; readonly text: string };
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/** A reply with the quoted mail below it, in the sender's client style. */
export function replyMail(r: Reply): string {
  return textMail({
    from: r.from,
    to: [r.to],
    subject: /^re:/i.test(r.subject) ? r.subject : `Re: ${r.subject}`,
    at: r.at,
    zone: ZONE,
    messageId: r.messageId,
    inReplyTo: r.inReplyTo,
    references: r.references,
    text: r.text,
    quote: { style: r.style, mail: r.quoted },
    ...(r.extraHeaders ? { extraHeaders: r.extraHeaders } : {}),
  });
}
