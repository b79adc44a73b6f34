import { describe, expect, it } from 'vitest';
import {
  addressToLearn,
  isForwarded,
  isRoleAddress,
  namesFit,
} from '../../src/pipeline/address-learning.js';
import type { MailMessage } from '../../src/pipeline/mail.js';

describe('namesFit', () => {
  it.each([
    ['Sam Lee', 'Sam L.'],
    ['Sam Lee', 'Sam L'],
    ['Sam Lee', 'sam lee'],
    ['Sam Lee', 'Lee Sam'],
    ['Sam Lee', 'LEE, Sam'],
    ['José Muñoz', 'Jose Munoz'],
    ['Jürgen Groß', 'Jürgen Gross'],
    ['Anne-Marie Dupont', 'Anne Marie Dupont'],
    ['Priya Raman', 'Ｐｒｉｙａ Ｒａｍａｎ'],
    ['Priya Anand Raman', 'Priya R.'],
    ['Olga Ivanova', 'Ольга Иванова'],
    ['Ivanova Olga', 'Ольга И.'],
    ['Nikos Papadopoulos', 'Νίκος Παπαδόπουλος'],
    ['Giorgos Kouris', 'Γιώργος Κούρης'],
    ['Andrey Sokolov', 'Андрей Соколов'],
  ])('%s is %s', (known, seen) => {
    expect(namesFit(known, seen)).toBe(true);
  });

  it.each([
    ['Sam Lee', 'Sam'],
    ['Sam Lee', 'Sam Kim'],
    ['Sam Lee', 'Sam K.'],
    ['Sam Lee', 'Samantha Lee'],
    ['Sam Lee', 'Lea Sam'],
    ['Sam Lee', ''],
    [null, 'Sam Lee'],
    ['Sam', 'Sam L.'],
    ['Yulia Ivanova', 'Юлия Петрова'],
  ])('%s is not %s', (known, seen) => {
    expect(namesFit(known, seen)).toBe(false);
  });
});

describe('isRoleAddress', () => {
  it.each([
    'no-reply@corp.example',
    'noreply@corp.example',
    'do-not-reply@corp.example',
    'donotreply@corp.example',
    'no_reply.accounts@corp.example',
    'support@corp.example',
    'info@corp.example',
    'hello@corp.example',
    'team@corp.example',
    'jobs@corp.example',
    'careers@corp.example',
    'hr@corp.example',
    'admin@corp.example',
    'postmaster@corp.example',
    'MAILER-DAEMON@corp.example',
    'bounces+1234@corp.example',
  ])('%s is a role', (address) => {
    expect(isRoleAddress(address)).toBe(true);
  });

  it.each([
    'sam.lee@home.example',
    'sam@corp.example',
    'hrishi@corp.example',
    'info.sam@x.example',
  ])('%s is a person', (address) => {
    expect(isRoleAddress(address)).toBe(false);
  });
});

describe('isForwarded', () => {
  it.each(['Fwd: Coffee?', 'FW: Coffee?', 'TR: Café ?', 'WG: Kaffee?', 'Re: Fwd: Coffee?'])(
    'subject %s',
    (subject) => {
      expect(isForwarded(subject, 'Hi')).toBe(true);
    },
  );
  it('a forwarded-message block in a reply', () => {
    expect(
      isForwarded('Re: Coffee?', 'See below.\n\n---------- Forwarded message ---------\nFrom: Sam'),
    ).toBe(true);
    expect(isForwarded('Re: Coffee?', 'See below.\n\nBegin forwarded message:\n\nFrom: Sam')).toBe(
      true,
    );
  });
  it('a plain reply is not', () => {
    expect(isForwarded('Re: Forward planning', 'Looking forward to it.')).toBe(false);
  });
});

function mail(over: Partial<MailMessage> = {}): MailMessage {
  return {
    messageId: 'r1@home.example',
    hasMessageId: true,
    inReplyTo: 'o1@example.org',
    references: ['o1@example.org'],
    subject: 'Re: Quick question',
    date: '2026-12-01T10:00:00.000Z',
    dateOffsetMinutes: 60,
    from: { address: 'sam.lee@home.example', name: 'Sam L.' },
    to: [{ address: 'owner@example.org', name: '' }],
    cc: [],
    text: 'Happy to talk.',
    headers: {},
    calendar: [],
    deliveryStatus: null,
    ...over,
  };
}

describe('addressToLearn', () => {
  const base = { matchedBy: 'in-reply-to' as const, contactName: 'Sam Lee', senderOwnerId: null };

  it('learns a fitting name in a known thread, with the cause', () => {
    const d = addressToLearn({ ...base, message: mail() });
    expect(d).toEqual({
      learn: true,
      address: 'sam.lee@home.example',
      cause: 'address sam.lee@home.example learned: reply in the thread as "Sam L."',
    });
  });

  it.each([
    ['an address another contact has', { senderOwnerId: 7 }, {}, 'address already known'],
    [
      'a match by address only',
      { matchedBy: 'address' as const },
      {},
      'not a reply in a known thread',
    ],
    ['a list', {}, { headers: { listId: '<team.lists.example>' } }, 'mailing-list mail'],
    [
      'a role address',
      {},
      { from: { address: 'no-reply@home.example', name: 'Sam Lee' } },
      'role address',
    ],
    ['a forward', {}, { subject: 'Fwd: Quick question' }, 'forwarded mail'],
    [
      'another name',
      {},
      { from: { address: 'kim@home.example', name: 'Kim Park' } },
      "sender's name does not fit the contact's",
    ],
  ])('not from %s', (_label, facts, over, reason) => {
    expect(addressToLearn({ ...base, ...facts, message: mail(over) })).toEqual({
      learn: false,
      reason,
    });
  });
});
