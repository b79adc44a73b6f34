import { describe, expect, it } from 'vitest';
import {
  type MailOrigin,
  parseAuthenticationResults,
  proveOwnerMail,
} from '../../src/pipeline/owner-proof.js';

const OWNER = 'sam@example.org';

// Real-world shapes, folded lines joined the way the header reader unfolds them.
const GMAIL =
  'mx.google.com; dkim=pass header.i=@example.org header.s=20230601 header.b=AbCdEf12; ' +
  'spf=pass (google.com: domain of sam@example.org designates 203.0.113.5 as permitted sender) smtp.mailfrom=sam@example.org; ' +
  'dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org';
const FASTMAIL =
  'mx4.messagingengine.com; arc=none (no signatures found); ' +
  'dkim=pass (2048-bit rsa key sha256) header.d=example.org header.i=@example.org header.b=xyz header.a=rsa-sha256 header.s=fm1 x-bits=2048; ' +
  'dmarc=pass policy.published-domain-policy=none policy.applied-disposition=none (p=none,d=none,d.eval=none) policy.policy-from=p header.from=example.org; ' +
  'iprev=pass smtp.remote-ip=203.0.113.5 (mail.example.org); spf=pass smtp.mailfrom=sam@example.org smtp.helo=mail.example.org';
const OUTLOOK =
  'spf=pass (sender IP is 203.0.113.5) smtp.mailfrom=example.org; ' +
  'dkim=pass (signature was verified) header.d=example.org;dmarc=pass action=none header.from=example.org;compauth=pass reason=100';
const ICLOUD_DKIM =
  'dkim-verifier.icloud.com; dkim=pass (2048-bit key) header.d=example.org header.i=@example.org header.b=Qw12';

const TOPMOST = { kind: 'topmost' } as const;
const prove = (header: string | undefined, origin: MailOrigin = 'mailbox') =>
  proveOwnerMail({
    origin,
    sender: OWNER,
    authenticationResults: header === undefined ? [] : [header],
    receiver: TOPMOST,
  });

describe('parseAuthenticationResults', () => {
  it('reads Gmail: authserv-id, methods, properties, comments dropped', () => {
    const parsed = parseAuthenticationResults(GMAIL);
    expect(parsed?.authservId).toBe('mx.google.com');
    expect(parsed?.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      'dkim=pass',
      'spf=pass',
      'dmarc=pass',
    ]);
    expect(parsed?.results[0]?.properties['header.i']).toBe('@example.org');
    expect(parsed?.results[2]?.properties['header.from']).toBe('example.org');
  });

  it('reads Fastmail, with comments inside and between statements', () => {
    const parsed = parseAuthenticationResults(FASTMAIL);
    expect(parsed?.authservId).toBe('mx4.messagingengine.com');
    const dmarc = parsed?.results.find((r) => r.method === 'dmarc');
    expect(dmarc?.properties['header.from']).toBe('example.org');
    expect(parsed?.results.find((r) => r.method === 'iprev')?.result).toBe('pass');
  });

  it('reads Microsoft 365, which names no authserv-id and omits spaces after semicolons', () => {
    const parsed = parseAuthenticationResults(OUTLOOK);
    expect(parsed?.authservId).toBeNull();
    expect(parsed?.results.map((r) => r.method)).toEqual(['spf', 'dkim', 'dmarc', 'compauth']);
    expect(parsed?.results[2]?.properties).toMatchObject({
      action: 'none',
      'header.from': 'example.org',
    });
  });

  it('keeps quoted values whole (semicolons and parentheses inside quotes are not syntax)', () => {
    const parsed = parseAuthenticationResults(
      'mx.example.net; dkim=fail reason="bad sig; (really)" header.d=example.org; dmarc=fail header.from=example.org',
    );
    expect(parsed?.results[0]).toEqual({
      method: 'dkim',
      result: 'fail',
      properties: { reason: 'bad sig; (really)', 'header.d': 'example.org' },
    });
    expect(parsed?.results[1]?.method).toBe('dmarc');
  });

  it('reads nested comments, versions, spaces around = and method versions', () => {
    const parsed = parseAuthenticationResults(
      'mx.example.net 1 (outer (inner) comment); dkim/1 = pass (ok) header.d = example.org',
    );
    expect(parsed).toEqual({
      authservId: 'mx.example.net',
      results: [{ method: 'dkim', result: 'pass', properties: { 'header.d': 'example.org' } }],
    });
  });

  it('reads "none" and garbage without throwing', () => {
    expect(parseAuthenticationResults('mx.example.net; none')).toEqual({
      authservId: 'mx.example.net',
      results: [],
    });
    expect(parseAuthenticationResults('')).toBeNull();
    expect(parseAuthenticationResults('((((')).toBeNull();
    expect(() => parseAuthenticationResults('"unterminated ; dkim=pass')).not.toThrow();
  });
});

describe('proveOwnerMail', () => {
  it('trusts the Sent folder whatever the headers say', () => {
    expect(prove(undefined, 'sent')).toEqual({ proven: true, by: 'sent' });
    expect(prove('mx.example.net; dkim=fail', 'sent').proven).toBe(true);
  });

  it('proves by a DKIM pass of Gmail, Fastmail, Microsoft 365 and iCloud', () => {
    for (const header of [GMAIL, FASTMAIL, OUTLOOK, ICLOUD_DKIM]) {
      expect(prove(header)).toEqual({ proven: true, by: 'dkim' });
    }
  });

  it('proves by a DMARC pass for the owner domain alone (iCloud writes one header per method)', () => {
    expect(prove('dmarc.icloud.com; dmarc=pass header.from=example.org')).toEqual({
      proven: true,
      by: 'dmarc',
    });
  });

  it('accepts a signature by a parent domain of the owner address, not a child or a sibling', () => {
    const sub = (d: string) =>
      proveOwnerMail({
        origin: 'mailbox',
        sender: 'sam@mail.example.org',
        authenticationResults: [`mx.example.net; dkim=pass header.d=${d}`],
        receiver: TOPMOST,
      }).proven;
    expect(sub('example.org')).toBe(true);
    expect(sub('mail.example.org')).toBe(true);
    expect(sub('deep.mail.example.org')).toBe(false);
    expect(sub('other.example.org')).toBe(false);
    expect(sub('ample.org')).toBe(false);
    expect(sub('org')).toBe(false);
  });

  it("does not take a pass for someone else's domain", () => {
    expect(prove('mx.google.com; dkim=pass header.d=attacker.example').proven).toBe(false);
    expect(prove('mx.google.com; dkim=pass header.i=mallory@attacker.example').proven).toBe(false);
    expect(prove('mx.google.com; dmarc=pass header.from=attacker.example').proven).toBe(false);
  });

  it('does not take failing, neutral or missing results', () => {
    for (const header of [
      'mx.google.com; dkim=fail header.d=example.org; dmarc=fail (p=REJECT) header.from=example.org',
      'mx.google.com; dkim=neutral (body hash did not verify) header.i=@example.org',
      'mx.google.com; spf=pass smtp.mailfrom=sam@example.org',
      'mx.google.com; dkim=temperror header.d=example.org; dmarc=bestguesspass header.from=example.org',
      'mx.google.com; none',
    ]) {
      expect(prove(header)).toMatchObject({ proven: false, verdict: 'wait' });
    }
  });

  it('does not let a pass hidden in a comment count', () => {
    expect(
      prove('mx.google.com; dkim=fail (dkim=pass header.d=example.org) header.d=example.org')
        .proven,
    ).toBe(false);
  });

  it('reads only the topmost header: a forged pass further down is never seen', () => {
    // The adapter hands over the first Authentication-Results; a sender's own
    // header sits below the provider's. Here the provider's says fail.
    const topmost =
      'mx.google.com; dkim=none; spf=softfail smtp.mailfrom=attacker.example; dmarc=fail header.from=example.org';
    expect(prove(topmost)).toMatchObject({ proven: false, verdict: 'wait' });
  });

  it('inbox mail without the header waits for its Sent copy, with a reason the owner can read', () => {
    const proof = prove(undefined);
    expect(proof).toMatchObject({ proven: false, verdict: 'wait' });
    expect(proof.proven === false && proof.reason).toMatch(
      /^waiting for its Sent copy or a DKIM pass: .*no Authentication-Results/,
    );
  });

  it('local files: no header is taken on trust, a failing one is refused, a passing one proves', () => {
    const local = (header: string | undefined) =>
      proveOwnerMail({
        origin: 'local',
        sender: OWNER,
        authenticationResults: header === undefined ? [] : [header],
        receiver: { kind: 'none' },
      });
    expect(local(undefined)).toEqual({ proven: true, by: 'local' });
    expect(local(GMAIL)).toEqual({ proven: true, by: 'dkim' });
    expect(local('mx.google.com; dkim=fail header.d=example.org')).toMatchObject({
      proven: false,
      verdict: 'refuse',
    });
    expect(local('')).toMatchObject({ proven: false, verdict: 'refuse' });
  });

  it('a plus-address of the owner is judged by its domain', () => {
    expect(
      proveOwnerMail({
        origin: 'mailbox',
        sender: 'sam+kith@example.org',
        authenticationResults: [GMAIL],
        receiver: TOPMOST,
      }).proven,
    ).toBe(true);
  });

  it('a server that adds no header of its own: no header counts, the mail waits for Sent', () => {
    // A self-hosted server without a DKIM milter leaves the sender's forged header on top.
    const forged =
      'mail.example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org';
    const proof = proveOwnerMail({
      origin: 'mailbox',
      sender: OWNER,
      authenticationResults: [forged],
      receiver: { kind: 'none' },
    });
    expect(proof).toMatchObject({ proven: false, verdict: 'wait' });
    expect(proof.proven === false && proof.reason).toMatch(/IMAP_AUTHSERV_ID/);
  });

  it('a named server: only its own headers count, wherever they stand', () => {
    const named = { kind: 'named', authservId: 'mail.example.org' } as const;
    const own = 'mx1.mail.example.org; dkim=pass header.d=example.org';
    const forged = 'mail.attacker.example; dkim=pass header.d=example.org';
    const withHeaders = (headers: string[]) =>
      proveOwnerMail({
        origin: 'mailbox',
        sender: OWNER,
        authenticationResults: headers,
        receiver: named,
      }).proven;
    expect(withHeaders([own])).toBe(true);
    expect(withHeaders(['mail.example.org; spf=pass smtp.mailfrom=example.org', own])).toBe(true);
    expect(withHeaders([forged])).toBe(false);
    expect(withHeaders(['mail.example.org; dkim=fail header.d=example.org', forged])).toBe(false);
  });
});
