import { describe, expect, it } from 'vitest';
import { KithError } from '../../src/errors.js';
import { translateImapError } from '../../src/inbox/imap-errors.js';

const context = { user: 'sam@example.org', host: 'imap.example.org', mailbox: 'Sent' };

describe('translateImapError', () => {
  it('maps a refused login to auth, keeps the cause, and names the settings to check', () => {
    const original = Object.assign(new Error('Command failed'), {
      authenticationFailed: true,
      serverResponseCode: 'AUTHENTICATIONFAILED',
    });
    const error = translateImapError(original, context);
    expect(error).toBeInstanceOf(KithError);
    expect(error.code).toBe('auth');
    expect(error.cause).toBe(original);
    expect(error.message).toContain('IMAP_PASS');
    expect(error.message).toContain('sam@example.org');
  });

  it('maps a missing mailbox to not_found', () => {
    for (const original of [
      Object.assign(new Error('NO'), { serverResponseCode: 'NONEXISTENT' }),
      Object.assign(new Error('NO'), { mailboxMissing: true }),
      Object.assign(new Error('gone'), { code: 'NotFound' }),
    ]) {
      const error = translateImapError(original, context);
      expect(error.code).toBe('not_found');
      expect(error.message).toContain('"Sent"');
    }
  });

  it('maps network trouble and anything else to temporary', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:993'), {
      code: 'ECONNREFUSED',
    });
    expect(translateImapError(refused, context)).toMatchObject({ code: 'temporary' });
    expect(translateImapError('weird', context).code).toBe('temporary');
  });

  it('passes kith errors through', () => {
    const own = new KithError('auth', 'IMAP_PASS_COMMAND failed');
    expect(translateImapError(own, context)).toBe(own);
  });
});
