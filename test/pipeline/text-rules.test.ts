import { describe, expect, it } from 'vitest';
import { findAcceptance, looksLikeThanks } from '../../src/pipeline/acceptance.js';
import { findDecline } from '../../src/pipeline/decline.js';
import { detectLanguage } from '../../src/pipeline/language.js';
import { findMeetingPlace } from '../../src/pipeline/meeting-place.js';
import { unicodeWords, wordPatterns } from '../../src/pipeline/unicode-words.js';

describe('findDecline', () => {
  it.each([
    [
      'Thanks Sam. Unfortunately this is not a good time for me.',
      'Unfortunately this is not a good time for me.',
    ],
    [
      "I'm not able to take on any calls this quarter.",
      "I'm not able to take on any calls this quarter.",
    ],
    ["Honestly I can't help here, sorry.", "Honestly I can't help here, sorry."],
    ["I'll pass on this one.", "I'll pass on this one."],
    ['I must decline, my schedule is full.', 'I must decline, my schedule is full.'],
    ['Ich muss leider absagen.', 'Ich muss leider absagen.'],
    [
      'Ich bin nicht die richtige Ansprechpartnerin.',
      'Ich bin nicht die richtige Ansprechpartnerin.',
    ],
    ['Je ne suis pas en mesure de vous aider.', 'Je ne suis pas en mesure de vous aider.'],
    ['No soy la persona adecuada para esto.', 'No soy la persona adecuada para esto.'],
    ['Ik ben helaas niet de juiste persoon.', 'Ik ben helaas niet de juiste persoon.'],
    ['Infelizmente não posso ajudar.', 'Infelizmente não posso ajudar.'],
    ['Sorry, this is not a good\r\ntime for me.', 'Sorry, this is not a good time for me.'],
  ])('finds the no in "%s"', (text, sentence) => {
    expect(findDecline(text, false)).toBe(sentence);
  });

  it.each([
    "I'll pass your name to our hiring manager.",
    'She is not the right person, he is. Let me connect you.',
    "Not a good time this week, but I'd love to chat next month.",
    "I can't do Thursday.",
    'Sorry for the late reply!',
  ])('sees no clear no in "%s"', (text) => {
    expect(findDecline(text, false)).toBeNull();
  });

  it('is never a decline when the reply proposes a time', () => {
    expect(findDecline('Not a good time today.', true)).toBeNull();
  });
});

describe('findAcceptance and looksLikeThanks', () => {
  it('finds the accepting sentence', () => {
    expect(findAcceptance('Great. Thursday 2pm works great! Talk soon')).toBe(
      'Thursday 2pm works great!',
    );
    expect(findAcceptance('Sí, nos vemos el jueves.')).toBe('Sí, nos vemos el jueves.');
    expect(findAcceptance('Perfeito, até quinta.')).toBe('Perfeito, até quinta.');
    expect(findAcceptance('Afgesproken, tot donderdag!')).toBe('Afgesproken, tot donderdag!');
  });

  it('hears negation', () => {
    expect(findAcceptance("Sadly that doesn't work.")).toBeNull();
    expect(findAcceptance('Donnerstag passt leider nicht.')).toBeNull();
    expect(findAcceptance('Jeudi ne me va pas.')).toBeNull();
  });

  it('hears thanks in several languages', () => {
    for (const t of [
      'Thank you for your time',
      'Vielen Dank!',
      'Merci beaucoup',
      'Muchas gracias',
      'Bedankt!',
      'Obrigada',
    ]) {
      expect(looksLikeThanks(t), t).toBe(true);
    }
    expect(looksLikeThanks('See you Thursday')).toBe(false);
  });
});

describe('detectLanguage', () => {
  it.each([
    ["Let's do Thursday 2-2:30pm", 'en'],
    ['Passt Ihnen Donnerstag um 14 Uhr?', 'de'],
    ['Je suis de retour le 3 décembre.', 'fr'],
    ['Estaré de vuelta el 3 de diciembre.', 'es'],
    ['Ik ben vanaf 3 december weer terug.', 'nl'],
    ['Estou de volta na quinta-feira.', 'pt'],
    ['', 'en'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});

describe('findMeetingPlace', () => {
  it('prefers a video link over a phone number', () => {
    expect(
      findMeetingPlace('Call +1 415 555 0134 or join https://meet.google.com/abc-defg-hij'),
    ).toBe('https://meet.google.com/abc-defg-hij');
  });

  it.each([
    'See you at 14:00 on 2026-12-03.',
    'Order 12345678 shipped.',
    'We grew 20% to 1,200,000 users.',
  ])('finds no place in "%s"', (text) => {
    expect(findMeetingPlace(text)).toBeNull();
  });
});

describe('wordPatterns', () => {
  const patterns = [/\bnão posso\b/i, /\bpass\b(?=\s*(?:[.,!]|$))/i, /\bcliner\b/i, /\bél\b/i];
  const exact = patterns.map(unicodeWords);
  it.each([
    'Infelizmente não posso ajudar.',
    'I will pass.',
    'I will pass',
    'a passage.',
    'Je dois décliner.',
    'cliner tout seul',
    'Habla con él mañana.',
    'Él lo sabe',
    'el papel',
    'nothing here',
    '',
  ])('agrees with the exact patterns on "%s"', (text) => {
    const expected = exact.find((re) => re.test(text)) ?? null;
    expect(wordPatterns(patterns).firstMatch(text)?.source ?? null).toBe(expected?.source ?? null);
  });

  it('refuses patterns whose flags differ (they cannot share one scan)', () => {
    expect(() => wordPatterns([/a/i, /b/])).toThrow(/same flags/);
  });
});
