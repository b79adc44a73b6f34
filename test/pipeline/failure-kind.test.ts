import { describe, expect, it } from 'vitest';
import { softBounceNotice } from '../../src/pipeline/bounce-notice.js';
import { judgeFailure } from '../../src/pipeline/failure-kind.js';

describe('judgeFailure: hard or soft', () => {
  it.each([
    [
      '5.1.1',
      '550 5.1.1 <a@b.example>: Recipient address rejected: User unknown',
      'hard',
      'no-such-user',
    ],
    ['5.0.0', '550 Requested action not taken: mailbox unavailable', 'hard', 'no-such-user'],
    ['', '550 5.4.1 Recipient address rejected: Access denied', 'hard', 'no-such-user'],
    ['5.4.4', 'Host or domain name not found', 'hard', 'no-such-domain'],
    ['5.2.1', 'Mailbox disabled', 'hard', 'mailbox-disabled'],
    ['5.2.2', '552 Mailbox full', 'soft', 'mailbox-full'],
    ['5.0.0', '552 Quota exceeded', 'soft', 'mailbox-full'],
    ['5.7.1', '554 Message rejected as spam', 'soft', 'spam-block'],
    ['5.7.1', '550 Client host blocked using zen.spamhaus.org', 'soft', 'spam-block'],
    ['5.7.1', '550 Delivery not authorized, message refused', 'soft', 'policy'],
    ['5.3.4', '552 Message size exceeds fixed maximum', 'soft', 'too-big'],
    ['4.7.1', '450 Greylisted, try again later', 'soft', 'greylisted'],
    ['4.2.2', '452 mailbox full', 'soft', 'mailbox-full'],
    ['5.0.0', 'unrouteable', 'hard', 'unknown'],
  ])('%s %s → %s (%s)', (status, words, severity, reason) => {
    expect(judgeFailure(status, words)).toEqual({ severity, reason });
  });

  it('never kills on an expired or delayed delivery', () => {
    expect(judgeFailure('4.4.7', 'retry timeout exceeded', 'expired').severity).toBe('soft');
    expect(judgeFailure('', 'User unknown', 'delayed').severity).toBe('soft');
  });

  it('reads no status out of an IP address', () => {
    expect(judgeFailure('', 'host [4.79.181.168]: 554 This account has been disabled')).toEqual({
      severity: 'hard',
      reason: 'no-such-user',
    });
    expect(judgeFailure('4.2.2', '', 'failed').reason).toBe('mailbox-full');
  });

  it('ignores a success code in a transcript', () => {
    expect(judgeFailure('', '250 2.1.0 Sender OK').reason).toBe('unknown');
  });
});

describe('softBounceNotice', () => {
  it('says what happened in plain words and what to do', () => {
    const notice = softBounceNotice({
      name: 'Ana',
      address: 'ana@acme.com',
      reason: 'spam-block',
      diagnostic: '554 5.7.1 rejected as spam',
    });
    expect(notice.title).toBe('mail to Ana not delivered');
    expect(notice.message).toMatch(
      /^Your mail to Ana \(ana@acme\.com\) was blocked as spam by acme\.com's server\./,
    );
    expect(notice.message).toContain('The address is fine');
    expect(notice.message).toContain('“554 5.7.1 rejected as spam”');
  });

  it('names an internationalised server the way DNS does', () => {
    const notice = softBounceNotice({
      name: null,
      address: 'juergen@bücher.de',
      reason: 'mailbox-full',
      diagnostic: null,
    });
    expect(notice.message).toContain('the mailbox at xn--bcher-kva.de is full');
  });
});
