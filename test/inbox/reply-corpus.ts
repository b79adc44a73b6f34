import { readdirSync, readFileSync } from 'node:fs';
import { prepareMail } from '../../src/inbox/prepare.js';

/**
 * kith's own reply-text corpus (test/fixtures/replies/): each case is
 * `<client>.<language>.<what>.in.txt` (the plain text a mail client wrote,
 * sent here as a UTF-8 text/plain mail) or `.in.eml` (a whole mail, for
 * HTML-only and encoded bodies), and `<…>.out.txt`, its new text. Cases run
 * through prepareMail, the parse → extract path `kith ingest` takes. Shared
 * by the fixture test and `npm run bench:accuracy`.
 */

export interface ReplyCase {
  readonly name: string;
  readonly client: string;
  readonly language: string;
  /** 'text' for a plain-text body wrapped into a mail here, 'mail' for a whole .eml. */
  readonly source: 'text' | 'mail';
  readonly raw: Buffer;
  readonly expected: string;
}

export interface ReplyOutcome {
  readonly case: ReplyCase;
  readonly got: string;
  readonly exact: boolean;
}

const DIR = new URL('../fixtures/replies/', import.meta.url);
const RECEIVED_AT = new Date('2026-11-23T12:00:00Z');

export function loadReplyCorpus(): ReplyCase[] {
  return readdirSync(DIR)
    .filter((f) => /\.in\.(txt|eml)$/.test(f))
    .sort()
    .map((file) => {
      const name = file.replace(/\.in\.(txt|eml)$/, '');
      const [client = '?', language = '?'] = name.split('.');
      const input = readFileSync(new URL(file, DIR));
      const source = file.endsWith('.eml') ? 'mail' : 'text';
      return {
        name,
        client,
        language,
        source,
        raw: source === 'mail' ? input : asMail(input.toString('utf8')),
        expected: readFileSync(new URL(`${name}.out.txt`, DIR), 'utf8'),
      };
    });
}

/** A plain-text body as the mail a contact would send. */
function asMail(body: string): Buffer {
  const head = [
    'From: Anna Berg <anna@acme.com>',
    'To: Sam Owner <sam@example.org>',
    'Subject: Re: Quick question',
    'Date: Mon, 23 Nov 2026 16:20:00 +0100',
    'Message-ID: <reply-corpus@acme.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`, 'utf8');
}

export async function runReplyCase(c: ReplyCase): Promise<ReplyOutcome> {
  const { extracted } = await prepareMail(c.raw, RECEIVED_AT);
  return { case: c, got: extracted.replyText, exact: sameText(extracted.replyText, c.expected) };
}

/** Exact match after trimming line ends and collapsing runs of blank lines. */
export function sameText(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  return norm(a) === norm(b);
}
