import { describe, expect, it } from 'vitest';
import { extractReturnDate } from '../../src/inbox/ooo-return-date.js';

// Monday 23 Nov 2026, 09:15 in Berlin.
const SENT = { sentAt: '2026-11-23T08:15:00.000Z', offsetMinutes: 60 };

describe('extractReturnDate', () => {
  it.each([
    [
      'Thank you for your email. I am out of the office and will be back on December 3.',
      '2026-12-03',
    ],
    ['Merci pour votre message. Je suis absente et de retour le 3 décembre.', '2026-12-03'],
    ['Vielen Dank für Ihre Nachricht. Ich bin ab dem 3. Dezember wieder erreichbar.', '2026-12-03'],
    [
      'Ich bin bis einschließlich 2. Dezember im Urlaub. Ab Donnerstag, 3. Dezember bin ich wieder da.',
      '2026-12-03',
    ],
    ['Estoy fuera de la oficina y estaré de vuelta el 3 de diciembre.', '2026-12-03'],
    ['Ik ben afwezig tot en met 2 december en vanaf 3 december weer op kantoor.', '2026-12-03'],
    ['Estou ausente e volto no dia 3 de dezembro.', '2026-12-03'],
    [
      "I'm out of the office from November 20 until December 2 with limited access to email.",
      '2026-12-02',
    ],
    ["Je suis en congé jusqu'au 2 décembre inclus.", '2026-12-02'],
    ['Estoy de vacaciones hasta el 2 de diciembre.', '2026-12-02'],
    ['Ich bin bis zum 02.12.2026 nicht im Büro.', '2026-12-02'],
    // A date without a year, across the new year: the nearest one ahead.
    ['I will be back in the office on January 4.', '2027-01-04'],
    // "back Monday" sent on a Monday is the next Monday.
    ["I'm back Monday.", '2026-11-30'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractReturnDate(text, SENT)).toBe(expected);
  });

  it.each([
    'I am out of the office with no access to email. For urgent matters contact Bob at bob@acme.com.',
    'Our office was closed on November 20.',
    '',
  ])('finds no date in "%s"', (text) => {
    expect(extractReturnDate(text, SENT)).toBeNull();
  });
});

describe('extractReturnDate and quotes', () => {
  it('does not read a date from the quoted mail below', () => {
    const text =
      'I am out of the office with no access to email.\n\n> On Mon, Nov 23, 2026 Sam wrote:\n> I am free until December 10, would you be back by then?\n';
    expect(extractReturnDate(text, SENT)).toBeNull();
  });
});
