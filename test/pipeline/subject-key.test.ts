import { describe, expect, it } from 'vitest';
import { subjectKey } from '../../src/pipeline/subject-key.js';

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
