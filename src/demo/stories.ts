import type { DateTime } from 'luxon';
import { applyStageEvent } from '../db/contacts.js';
import type { Db } from '../db/database.js';
import { CAST, type CastMember, keyOf, member } from './cast.js';
import { bounceMail, inviteMail, textMail } from './eml.js';
import type { DemoEvent } from './simulation.js';
import {
  acceptText,
  maybeLaterText,
  notNowText,
  OWNER,
  outreachSubject,
  outreachText,
  personOf,
  proposalText,
  replyMail,
  SERVICE,
  willInviteText,
  ZONE,
} from './story-mail.js';

/**
 * The mail each cast member's story is made of, at fixed owner-local times
 * counted from the first simulated day. What kith itself sends, and the
 * owner's answers to it, come later from the running simulation.
 */
export function planStories(start: DateTime): DemoEvent[] {
  return CAST.flatMap((m, index) => (m.story === 'prospect' ? [] : storyOf(m, index, start)));
}

const iso = (at: DateTime) => at.toISO() as string;
const id = (m: CastMember, what: string) => `<CA+demo-${keyOf(m)}-${what}@mail.example.org>`;
const contactId = (m: CastMember, what: string) =>
  `<${what}.${keyOf(m)}.${m.address.length}@${m.address.split('@')[1]}>`;

/** The first weekday on or after `at`. */
function weekday(at: DateTime): DateTime {
  let day = at;
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day;
}

function storyOf(m: CastMember, index: number, start: DateTime): DemoEvent[] {
  const day = (n: number, hour: number, minute = 0) =>
    start.plus({ days: n }).set({ hour, minute });
  const events: DemoEvent[] = [];
  const them = personOf(m);
  const subject = outreachSubject(m);
  const outreachAt = day(m.day, 9 + (index % 3), (index * 7) % 60);
  const outreachId = id(m, 'out');
  const outreachBody = outreachText(m, m.referredBy ? member(m.referredBy) : undefined);
  events.push({
    at: outreachAt,
    label: `outreach-${keyOf(m)}`,
    // The copy BCC'd to kith: the Bcc header is gone, Delivered-To tells where it landed.
    mail: textMail({
      from: OWNER,
      to: [them],
      subject,
      at: iso(outreachAt),
      zone: ZONE,
      messageId: outreachId,
      text: outreachBody,
      extraHeaders: { 'Delivered-To': SERVICE },
    }),
  });
  const reply = (at: DateTime, text: string, what = 'reply', extra?: Record<string, string>) => {
    const messageId = contactId(m, what);
    events.push({
      at,
      label: `${what}-${keyOf(m)}`,
      mail: replyMail({
        from: them,
        to: OWNER,
        subject,
        at: iso(at),
        messageId,
        inReplyTo: outreachId,
        references: [outreachId],
        text,
        style: m.style,
        quoted: { from: OWNER, at: iso(outreachAt), text: outreachBody },
        ...(extra ? { extraHeaders: extra } : {}),
      }),
    });
    return { messageId, at, text };
  };

  switch (m.story) {
    case 'bounced':
      events.push({
        at: outreachAt.plus({ minutes: 3 }),
        label: `bounce-${keyOf(m)}`,
        mail: bounceMail({
          to: OWNER,
          at: iso(outreachAt.plus({ minutes: 3 })),
          zone: ZONE,
          messageId: `<${outreachAt.toFormat('yyyyMMddHHmmss')}.${keyOf(m)}@mx.example.org>`,
          failed: m.address,
          original: { subject, messageId: outreachId, from: OWNER },
        }),
      });
      break;
    case 'contacted_ooo': {
      const back = weekday(outreachAt.plus({ days: 9 }));
      reply(
        outreachAt.plus({ minutes: 4 }),
        `Thank you for your email. I'm out of the office until ${back.toFormat('cccc d LLLL', { locale: 'en-GB' })} with limited access to email. I will reply when I'm back.`,
        'ooo',
        { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes', Precedence: 'bulk' },
      );
      break;
    }
    case 'declined':
      reply(
        day(m.day + 2, 15, 10),
        `Hi Alex,\n\n${m.decline ?? 'Sorry, I cannot help right now.'}\n\n${m.name}`,
      );
      break;
    case 'archived':
      reply(day(m.day + 3, 11, 40), notNowText(m));
      events.push({
        at: day(m.day + 25, 10, 15),
        label: `archive-${keyOf(m)}`,
        act: archiveOnBoard(m.address),
      });
      break;
    case 'replied':
      if (m.books === 'proposes') {
        reply(day(m.day + 1, 13, 20), proposalText(m, weekday(day(m.day + 8, 15))));
      } else {
        reply(day(m.day + 2, 16, 45), maybeLaterText(m));
      }
      break;
    case 'scheduled':
    case 'met':
    case 'thanked':
    case 'keeping_in_touch': {
      const meeting = weekday(
        day(
          m.day + (m.story === 'scheduled' ? 15 : 7),
          m.books === 'invites' ? 10 : 14,
          m.books === 'invites' ? 30 : 0,
        ),
      );
      if (m.books === 'invites') {
        reply(day(m.day + 1, 12, 0), willInviteText(m));
        const at = day(m.day + 1, 12, 6);
        events.push({
          at,
          label: `invite-${keyOf(m)}`,
          mail: inviteMail({
            from: them,
            to: OWNER,
            at: iso(at),
            zone: ZONE,
            messageId: contactId(m, 'invite'),
            uid: `demo-${keyOf(m)}@calendar.example`,
            summary: `Alex / ${m.name.split(' ')[0]}: coffee chat`,
            start: iso(meeting),
            end: iso(meeting.plus({ minutes: 30 })),
            location: `https://meet.example.com/${keyOf(m)}-alex`,
          }),
        });
      } else {
        const proposal = reply(day(m.day + 1, 13, 20), proposalText(m, meeting));
        const at = day(m.day + 1, 16, 5);
        events.push({
          at,
          label: `accept-${keyOf(m)}`,
          mail: replyMail({
            from: OWNER,
            to: them,
            subject,
            at: iso(at),
            messageId: id(m, 'accept'),
            inReplyTo: proposal.messageId,
            references: [outreachId, proposal.messageId],
            text: acceptText(meeting),
            style: 'gmail',
            quoted: { from: them, at: iso(proposal.at), text: proposal.text },
          }),
        });
      }
      break;
    }
    default:
      // contacted, follow_up_waiting, no_response: only kith's follow-ups happen.
      break;
  }
  return events;
}

/** Moves a contact by hand, as the board's "Archive" does. */
function archiveOnBoard(address: string): (db: Db, at: string) => Promise<void> {
  return async (db, at) => {
    const row = await db
      .selectFrom('contact_emails')
      .select('contact_id')
      .where('address', '=', address)
      .executeTakeFirst();
    if (!row) return;
    await applyStageEvent(
      db,
      row.contact_id,
      { type: 'manual_move', to: 'archived' },
      { at, cause: 'archived on the board' },
    );
  };
}
