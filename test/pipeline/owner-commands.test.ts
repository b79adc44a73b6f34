import { describe, expect, it } from 'vitest';
import {
  normalizeCommandLine,
  parseOwnerReply,
  parseReferrals,
} from '../../src/pipeline/owner-commands.js';
import { parseSnooze, resolveSnooze, type Snooze } from '../../src/pipeline/snooze.js';

const DRAFT =
  'Hi Anna,\n\nThank you for taking the time to talk with me on Thursday.\n\nBest,\nSam';
const approval = { signOff: null, awaitsApproval: true, draftText: DRAFT };
const notes = { signOff: null, awaitsApproval: false };

describe('normalizeCommandLine', () => {
  it.each([
    ['  "Approve!" ', 'approve'],
    ['**SKIP**', 'skip'],
    ['- snooze   3d.', 'snooze 3d'],
    ['“yes”', 'yes'],
  ])('%s → %s', (line, expected) => {
    expect(normalizeCommandLine(line)).toBe(expected);
  });
});

describe('parseSnooze', () => {
  it.each<[string, Snooze | null]>([
    ['snooze', { kind: 'for', minutes: 1440, text: 'snooze' }],
    ['snooze 3d', { kind: 'for', minutes: 3 * 1440, text: 'snooze 3d' }],
    ['snooze 2w', { kind: 'for', minutes: 14 * 1440, text: 'snooze 2w' }],
    ['snooze for 4 hours', { kind: 'for', minutes: 240, text: 'snooze for 4 hours' }],
    ['snooze 1 month', { kind: 'for', minutes: 30 * 1440, text: 'snooze 1 month' }],
    [
      'snooze until monday',
      { kind: 'until', until: { kind: 'weekday', weekday: 1 }, text: 'snooze until monday' },
    ],
    [
      'snooze till next friday',
      { kind: 'until', until: { kind: 'weekday', weekday: 5 }, text: 'snooze till next friday' },
    ],
    [
      'snooze tomorrow',
      { kind: 'until', until: { kind: 'days-from-now', days: 1 }, text: 'snooze tomorrow' },
    ],
    [
      'snooze until 2027-01-04',
      {
        kind: 'until',
        until: { kind: 'date', year: 2027, month: 1, day: 4 },
        text: 'snooze until 2027-01-04',
      },
    ],
    [
      'snooze until 3 december',
      {
        kind: 'until',
        until: { kind: 'date', year: null, month: 12, day: 3 },
        text: 'snooze until 3 december',
      },
    ],
    [
      'snooze until the cows come home',
      { kind: 'until', until: { kind: 'unknown' }, text: 'snooze until the cows come home' },
    ],
    ['snoozed it already', null],
    ['please snooze', null],
  ])('%s', (line, expected) => {
    expect(parseSnooze(line)).toEqual(expected);
  });
});

describe('resolveSnooze', () => {
  // Wednesday 25 Nov 2026, 11:00 in Berlin (+01:00).
  const NOW = '2026-11-25T10:00:00.000Z';
  const at = (line: string, now = NOW, offset = 60) =>
    resolveSnooze(parseSnooze(line)!, now, offset);

  it('ends a snooze of whole days at the wake hour, one of hours at the minute', () => {
    expect(at('snooze 3d')).toBe('2026-11-28T08:00:00.000Z');
    expect(at('snooze 1w')).toBe('2026-12-02T08:00:00.000Z');
    expect(at('snooze 4h')).toBe('2026-11-25T14:00:00.000Z');
    // Typed at 23:40 in Berlin: three days on, at 09:00, not at 23:40.
    expect(at('snooze 3d', '2026-11-25T22:40:00.000Z')).toBe('2026-11-28T08:00:00.000Z');
    expect(resolveSnooze(parseSnooze('snooze 2d')!, NOW, 60, 7)).toBe('2026-11-27T06:00:00.000Z');
  });

  it('wakes at 09:00 local on the next such weekday, never today', () => {
    expect(at('snooze until monday')).toBe('2026-11-30T08:00:00.000Z');
    expect(at('snooze until wednesday')).toBe('2026-12-02T08:00:00.000Z');
  });

  it('wakes at 09:00 local on a date, this year or the next', () => {
    expect(at('snooze until dec 3')).toBe('2026-12-03T08:00:00.000Z');
    expect(at('snooze until nov 1')).toBe('2027-11-01T08:00:00.000Z');
    expect(at('snooze until dec 3', NOW, -300)).toBe('2026-12-03T14:00:00.000Z');
  });

  it('counts the day from the owner midnight, not UTC', () => {
    // 23:30 on Wednesday in New York is already Thursday in UTC.
    expect(at('snooze tomorrow', '2026-11-26T04:30:00.000Z', -300)).toBe(
      '2026-11-26T14:00:00.000Z',
    );
  });

  it('gives null for an unknown or past date', () => {
    expect(at('snooze until the cows come home')).toBeNull();
    expect(at('snooze until 2026-01-01')).toBeNull();
    expect(at('snooze until feb 30')).toBeNull();
  });
});

describe('parseReferrals', () => {
  it.each([
    ['Bob Lee <bob@globex.com>', [{ name: 'Bob Lee', address: 'bob@globex.com' }]],
    ['bob@globex.com', [{ name: null, address: 'bob@globex.com' }]],
    ['Bob Lee, BOB@globex.com', [{ name: 'Bob Lee', address: 'bob@globex.com' }]],
    ['Bob Lee (bob@globex.com)', [{ name: 'Bob Lee', address: 'bob@globex.com' }]],
    [
      'Bob Lee <bob@globex.com>, Jane Doe <jane@initech.com>',
      [
        { name: 'Bob Lee', address: 'bob@globex.com' },
        { name: 'Jane Doe', address: 'jane@initech.com' },
      ],
    ],
    [
      'Bob Lee <bob@globex.com> and jane@initech.com',
      [
        { name: 'Bob Lee', address: 'bob@globex.com' },
        { name: null, address: 'jane@initech.com' },
      ],
    ],
    ['Bob from Globex', []],
  ])('%s', (value, expected) => {
    expect(parseReferrals(value)).toEqual(expected);
  });
});

describe('parseOwnerReply', () => {
  it('takes a command on the first line and keeps the rest as a note', () => {
    const result = parseOwnerReply('approve\nAlso, she mentioned a PM meetup in Berlin.', approval);
    expect(result.command).toEqual({ type: 'approve' });
    expect(result.note).toBe('Also, she mentioned a PM meetup in Berlin.');
    expect(result.revision).toBeNull();
  });

  it('does not read "yes" inside a sentence as approval', () => {
    const result = parseOwnerReply('Yes, she was very helpful and told me about B2B roles.', notes);
    expect(result.command).toBeNull();
    expect(result.note).toBe('Yes, she was very helpful and told me about B2B roles.');
  });

  it('reads free text as a note when no approval was asked', () => {
    const result = parseOwnerReply(
      'Great chat, she knows everyone in fintech and offered two intros.',
      notes,
    );
    expect(result.revision).toBeNull();
    expect(result.note).toMatch(/^Great chat/);
  });

  it("appends the sign-off to the owner's own version", () => {
    const result = parseOwnerReply('Hi Anna, thanks so much for Thursday, it helped a lot.', {
      signOff: 'Best,\nSam',
      awaitsApproval: true,
      draftText: DRAFT,
    });
    expect(result.revision).toBe(
      'Hi Anna, thanks so much for Thursday, it helped a lot.\n\nBest,\nSam',
    );
  });

  it.each([
    ['cadence: 60d', 60],
    ['cadence: 8w', 56],
    ['cadence: 3 months', 90],
    ['Cadence: every 45 days', 45],
  ])('reads "%s" as %i days', (line, days) => {
    expect(parseOwnerReply(line, notes).cadenceDays).toBe(days);
  });

  it('reports a cadence it cannot read', () => {
    const result = parseOwnerReply('cadence: sometimes', notes);
    expect(result.cadenceDays).toBeNull();
    expect(result.problems).toEqual(['cadence: sometimes']);
  });

  it('collects several advice lines', () => {
    const result = parseOwnerReply('advice: read Inspired\nAdvice: talk to B2B PMs', notes);
    expect(result.advice).toEqual(['read Inspired', 'talk to B2B PMs']);
    expect(result.note).toBeNull();
  });
});
