import { describe, expect, it } from 'vitest';
import {
  isForwardSubject,
  isReplySubject,
  subjectKey,
  withoutSubjectPrefixes,
} from '../../src/pipeline/subject-key.js';

describe('subjectKey', () => {
  it.each([
    ['Quick question', 'quick question'],
    ['Re: Quick question', 'quick question'],
    ['RE: RE: Fwd: Quick   question', 'quick question'],
    ['AW: WG: Kurze Frage', 'kurze frage'],
    ['TR: RE : Petite question', 'petite question'],
    ['RV: Una pregunta', 'una pregunta'],
    ['Antw: Korte vraag', 'korte vraag'],
    ['Res: Uma pergunta', 'uma pergunta'],
    ['Re[2]: Quick question', 'quick question'],
    ['Regarding the offer', 'regarding the offer'],
    ['  ', ''],
  ])('%s → %s', (subject, key) => {
    expect(subjectKey(subject)).toBe(key);
  });
});

// One prefix list serves every rule that reads a subject's start (threading,
// auto-replies, bounces, forwards, the owner's put-aside sentences).
describe('subject prefixes', () => {
  it.each([
    ['RE[2]: Fwd: Abwesend', 'Abwesend'],
    ['Odp: PD: Pytanie', 'Pytanie'],
    ['Enc: Res: Pergunta', 'Pergunta'],
    ['Doorst: Antwort: Vraag', 'Vraag'],
    ['Regarding the offer', 'Regarding the offer'],
  ])('without prefixes: %s → %s', (subject, rest) => {
    expect(withoutSubjectPrefixes(subject)).toBe(rest);
  });

  it.each(['Re: x', 'AW: x', 'SV: x', 'Antw: x', 'R: x', 'Rif: x', 'Odp: x', 'RE[3]: x'])(
    '%s is a reply',
    (subject) => {
      expect(isReplySubject(subject)).toBe(true);
      expect(isForwardSubject(subject)).toBe(false);
    },
  );

  it.each([
    'Fwd: x',
    'FW: x',
    'WG: x',
    'TR: x',
    'RV: x',
    'Enc: x',
    'VB: x',
    'PD: x',
    'Re: Doorst: x',
  ])('%s is a forward', (subject) => {
    expect(isForwardSubject(subject)).toBe(true);
  });

  it('words that merely start like a prefix are neither', () => {
    for (const subject of ['Regarding the offer', 'Forward planning', 'Travel: Lisbon']) {
      expect(isReplySubject(subject)).toBe(false);
      expect(isForwardSubject(subject)).toBe(false);
    }
  });
});
