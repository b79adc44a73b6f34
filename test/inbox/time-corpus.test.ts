import { describe, expect, it } from 'vitest';
import { byKind, loadTimeCorpus, runTimeCase } from './time-corpus.js';

/**
 * kith's own corpus of proposed times and traps, each phrase a reply read as
 * `kith ingest` reads it (prepareMail, classify), held to issue 19's target:
 * at least 38 of 40 kinds fully right. `npm run bench:accuracy` prints the
 * same figures by kind and language, with every failure.
 */

describe('proposed-times corpus', () => {
  const cases = loadTimeCorpus();

  it('is big and varied enough to measure', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.kind)).size).toBe(40);
    expect(new Set(cases.map((c) => c.language))).toEqual(new Set(['en', 'fr', 'de', 'es']));
    expect(cases.filter((c) => c.group === 'trap').length).toBeGreaterThanOrEqual(20);
  });

  it('gets at least 38 of 40 kinds of proposals and traps fully right', async () => {
    const outcomes = await Promise.all(cases.map(runTimeCase));
    const wrong = outcomes
      .filter((o) => !o.right)
      .map((o) => `[${o.case.kind}] ${o.case.text} → ${o.got}`);
    const kindsRight = byKind(outcomes).filter((k) => k.right === k.total).length;
    expect(kindsRight, wrong.join('\n')).toBeGreaterThanOrEqual(38);
  });
});
