import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { utcOffsetMinutes } from '../../src/inbox/date-header.js';
import {
  parseDeliveryStatus,
  parseMail,
  prepareRaw,
  synthesizeMessageId,
} from '../../src/inbox/parse.js';
import { repoRoot } from '../helpers/run-cli.js';

const fixture = (name: string) =>
  readFileSync(path.join(repoRoot, 'test/fixtures/mail/ingest', name));
const receivedAt = new Date('2026-12-05T08:00:00Z');
const parse = (name: string) => parseMail(fixture(name), { receivedAt });

describe('parseMail', () => {
  it('reads ids, threading headers, addresses, date and offset', async () => {
    const m = await parse('flowed.eml');
    expect(m.messageId).toBe('flowed-1@contact.example');
    expect(m.hasMessageId).toBe(true);
    expect(m.inReplyTo).toBe('outreach-1@example.org');
    expect(m.references).toEqual(['outreach-1@example.org']);
    expect(m.from).toEqual({ address: 'ana@contact.example', name: 'Ana Lima' });
    expect(m.to).toEqual([{ address: 'owner@example.org', name: 'Owner' }]);
    expect(m.date).toBe('2026-12-01T09:15:00.000Z');
    expect(m.dateOffsetMinutes).toBe(60);
  });

  it('keeps a quoted line of format=flowed mail apart from the next line', async () => {
    const m = await parse('flowed.eml');
    const quoted = m.text.split('\n').find((l) => l.startsWith('> Would you'));
    expect(quoted).toBeDefined();
    expect(quoted).not.toContain('data engineering?');
    expect(m.text).toContain('\ndata engineering?');
  });

  it('parses mail with bare-CR line endings', async () => {
    const m = await parse('bare-cr.eml');
    expect(m.subject).toBe('Bare CR');
    expect(m.text).toBe('Line one\nLine two\n');
    expect(m.dateOffsetMinutes).toBe(-300);
  });

  it('turns HTML-only mail into text without markup or scripts, lower-cases addresses', async () => {
    const m = await parse('html-only.eml');
    expect(m.text).toContain("Sure, let's talk.");
    expect(m.text).not.toMatch(/<|alert/);
    expect(m.subject).toBe('Re: Café chat');
    expect(m.from?.address).toBe('li.chen@contact.example');
    expect(m.to.map((a) => a.address)).toEqual(['owner@example.org', 'second@example.org']);
    expect(m.cc.map((a) => a.address)).toEqual(['team@contact.example']);
  });

  it('reads the text of HTML mail whose HTML sits beside an inline image', async () => {
    // multipart/related with no plain part: mailparser on its own gives no text here.
    const m = await parse('html-related.eml');
    expect(m.text).toContain('Happy to help – Thursday at 2pm works for me.');
    expect(m.text).not.toMatch(/<|cid:/);
  });

  it('reads the plain part of multipart/alternative mail, not its HTML', async () => {
    const m = await parseMail(
      Buffer.from(
        [
          'From: a@contact.example',
          'To: owner@example.org',
          'Subject: Alt',
          'MIME-Version: 1.0',
          'Content-Type: multipart/alternative; boundary="alt"',
          '',
          '--alt',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'The plain words.',
          '--alt',
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>The <b>HTML</b> words.</p>',
          '--alt--',
          '',
        ].join('\r\n'),
      ),
      { receivedAt },
    );
    expect(m.text.trim()).toBe('The plain words.');
  });

  it('finds text/calendar parts inline and as .ics attachments, with METHOD', async () => {
    const inline = await parse('calendar-inline.eml');
    expect(inline.calendar).toHaveLength(2);
    expect(inline.calendar[0]?.method).toBe('REQUEST');
    expect(inline.calendar[0]?.ics).toContain('UID:coffee-1@google.com');
    const octet = await parse('calendar-octet.eml');
    expect(octet.calendar.map((c) => c.method)).toEqual(['CANCEL']);
    expect((await parse('flowed.eml')).calendar).toEqual([]);
  });

  it('reads the delivery-status part of a bounce, preferring Original-Recipient', async () => {
    const m = await parse('bounce-dsn.eml');
    expect(m.deliveryStatus).toEqual([
      expect.objectContaining({
        action: 'failed',
        status: '5.1.1',
        recipient: 'gone@contact.example',
      }),
      expect.objectContaining({ action: 'delayed', recipient: 'late@contact.example' }),
    ]);
    expect(m.text).not.toContain('Reporting-MTA');
    expect((await parse('flowed.eml')).deliveryStatus).toBeNull();
  });

  it('keeps the auto-reply headers classification needs', async () => {
    const m = await parse('auto-reply.eml');
    expect(m.headers).toMatchObject({
      autoSubmitted: 'auto-replied',
      xAutoreply: 'yes',
      precedence: 'auto_reply',
      xAutoResponseSuppress: 'All',
      listId: '<not.a.list>',
    });
    expect(m.dateOffsetMinutes).toBeNull();
  });

  it('synthesizes a stable Message-ID when there is none', async () => {
    const a = await parse('no-message-id.eml');
    const b = await parse('no-message-id.eml');
    expect(a.hasMessageId).toBe(false);
    expect(a.messageId).toMatch(/@kith\.invalid$/);
    expect(a.messageId).toBe(b.messageId);
    expect(a.date).toBe(receivedAt.toISOString());
  });

  it('survives an unknown charset and a broken Date header', async () => {
    const m = await parse('unknown-charset.eml');
    expect(m.text).toContain('Hello in an unknown charset.');
    expect(m.date).toBe(receivedAt.toISOString());
  });

  it('handles MIME with a boundary that never closes and bad base64', async () => {
    const m = await parse('broken-mime.eml');
    expect(m.messageId).toBe('broken-1@contact.example');
    expect(m.subject).toBe('Broken MIME');
  });

  it('drains a big attachment without keeping it', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 'A')
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(
      [
        'From: a@contact.example',
        'To: owner@example.org',
        'Subject: big',
        'Message-ID: <big@x>',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'see attached',
        '--b',
        'Content-Type: application/octet-stream; name="big.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        big,
        '--b--',
        '',
      ].join('\r\n'),
    );
    const m = await parseMail(raw, { receivedAt });
    expect(m.text.trim()).toBe('see attached');
    expect(m.calendar).toEqual([]);
  });
});

describe('parse helpers', () => {
  it('reads UTC offsets, including obsolete zone names, and -0000 as unknown', () => {
    expect(utcOffsetMinutes('Tue, 01 Dec 2026 10:15:00 +0530')).toBe(330);
    expect(utcOffsetMinutes('Tue, 01 Dec 2026 10:15:00 -0800 (PST)')).toBe(-480);
    expect(utcOffsetMinutes('Tue, 01 Dec 2026 10:15:00 EDT')).toBe(-240);
    expect(utcOffsetMinutes('Tue, 01 Dec 2026 10:15:00 -0000')).toBeNull();
    expect(utcOffsetMinutes('garbage')).toBeNull();
  });

  it('leaves mail without the traps untouched', () => {
    const raw = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    expect(prepareRaw(raw)).toBe(raw);
  });

  it('drops format=flowed only from Content-Type headers', () => {
    const raw = Buffer.from(
      'Content-Type: text/plain;\r\n format=flowed; charset=utf-8\r\n\r\nI wrote format=flowed; here\r\n',
    );
    const out = prepareRaw(raw).toString();
    expect(out).toContain('Content-Type: text/plain; charset=utf-8');
    expect(out).toContain('I wrote format=flowed; here');
  });

  it('skips the per-message block of a delivery-status body', () => {
    expect(
      parseDeliveryStatus(
        'Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; A@B.example\nAction: failed\nStatus: 5.0.0\n',
      ),
    ).toEqual([{ action: 'failed', status: '5.0.0', recipient: 'a@b.example', diagnostic: null }]);
  });

  it('hashes different bytes to different ids', () => {
    expect(synthesizeMessageId(Buffer.from('a'))).not.toBe(synthesizeMessageId(Buffer.from('b')));
  });
});
