import { readdirSync, readFileSync } from 'node:fs';
import EmailReplyParser from 'email-reply-parser';
import { describe, expect, it } from 'vitest';
import { extractReply, extractReplyText } from '../../src/inbox/reply-text.js';

const DIR = new URL('../fixtures/replies/', import.meta.url);

/** Fixture pairs: `<case>.in.txt` (a reply as a mail client writes it) and `<case>.out.txt` (its new part). */
const CASES = readdirSync(DIR)
  .filter((f) => f.endsWith('.in.txt'))
  .sort()
  .map((f) => {
    const name = f.replace(/\.in\.txt$/, '');
    return {
      name,
      input: readFileSync(new URL(f, DIR), 'utf8'),
      expected: readFileSync(new URL(`${name}.out.txt`, DIR), 'utf8'),
    };
  });

/** Exact match after trimming line ends and collapsing runs of blank lines. */
function same(a: string, b: string): boolean {
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

// Measured when the set was written: 77 of 77 (email-reply-parser alone: 35 of 77).
// The floor leaves room for new, harder fixtures without hiding a regression.
const FLOOR = 0.9;

describe('extractReplyText on the fixture set', () => {
  it(`gets at least ${FLOOR * 100}% of the fixtures exactly right`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const wrong = CASES.filter((c) => !same(extractReplyText(c.input), c.expected)).map(
      (c) => c.name,
    );
    const baseline = CASES.filter((c) =>
      same(new EmailReplyParser().read(c.input).getVisibleText(), c.expected),
    ).length;
    const right = CASES.length - wrong.length;
    console.log(
      `reply text: ${right}/${CASES.length} exact (${((right / CASES.length) * 100).toFixed(1)}%); email-reply-parser alone: ${baseline}/${CASES.length}${wrong.length ? `; wrong: ${wrong.join(', ')}` : ''}`,
    );
    expect(right / CASES.length).toBeGreaterThanOrEqual(FLOOR);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Each fixture on its own, so a regression names its case; soft so the share above stays the gate.
    expect.soft(extractReplyText(c.input).trim()).toBe(c.expected.trim());
  });
});

describe('extractReply', () => {
  it('hands back the sign-off it cut, and the letter as written', () => {
    const parts = extractReply(
      'Hi Anna,\n\nThanks again for Thursday.\n\nBest,\nSam\n\nOn Fri, Dec 4, 2026 at 9:00 AM kith <k@example.org> wrote:\n> draft\n',
    );
    expect(parts).toEqual({
      text: 'Hi Anna,\n\nThanks again for Thursday.',
      signOff: 'Best,\nSam',
      letter: 'Hi Anna,\n\nThanks again for Thursday.\n\nBest,\nSam',
    });
  });

  it('keeps a sign-off in the letter even where the signature strip drops it', () => {
    const parts = extractReply(
      'Hello Maria,\n\nI have started a contract.\n\nThank you again for your help.\n\nBest regards,\nAlex Rivera\n\nOn Sun, 18 Oct 2026 at 11:35, kith <k@example.org> wrote:\n> draft\n',
    );
    expect(parts.letter).toBe(
      'Hello Maria,\n\nI have started a contract.\n\nThank you again for your help.\n\nBest regards,\nAlex Rivera',
    );
  });

  it('keeps a reply that is only a closing word', () => {
    expect(extractReplyText('Thanks!\n\n> On Mon, Nov 23, 2026 Sam <s@x.org> wrote:\n> hi')).toBe(
      'Thanks!',
    );
  });

  it('handles CRLF and bare CR line ends and non-breaking spaces', () => {
    const text =
      'Sure,\u00a0Thursday works.\r\n\r\nOn Mon, Nov 23, 2026 at 9:15 AM Sam <sam@example.org> wrote:\r\n> hi\r\n';
    expect(extractReplyText(text)).toBe('Sure, Thursday works.');
    expect(extractReplyText(text.replace(/\r\n/g, '\r'))).toBe('Sure, Thursday works.');
  });

  it('returns an empty string for a mail that is only quote', () => {
    expect(extractReplyText('> quoted\n> more\n')).toBe('');
  });
});
