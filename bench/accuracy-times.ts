/**
 * Proposed-times section of `npm run bench:accuracy` (issue 19): kith's own
 * corpus of times proposed in free text and of traps, each phrase a reply
 * through prepareMail and classify. Prints kinds fully right (the headline,
 * target ≥ 38 of 40), phrases right by kind and by language, and every
 * failure with what was expected and what came out.
 */
import {
  byKind,
  loadTimeCorpus,
  runTimeCase,
  type TimeOutcome,
} from '../test/inbox/time-corpus.js';
import type { AccuracySection } from './accuracy-replies.js';

function share(right: number, total: number): string {
  const pct = total === 0 ? 100 : (right / total) * 100;
  return `${right}/${total} (${pct.toFixed(1)}%)`;
}

export async function proposedTimesAccuracy(): Promise<AccuracySection> {
  const outcomes: TimeOutcome[] = [];
  for (const c of loadTimeCorpus()) outcomes.push(await runTimeCase(c));
  const kinds = byKind(outcomes);
  const kindsRight = kinds.filter((k) => k.right === k.total).length;
  const proposals = kinds.filter((k) => k.group === 'proposal');
  const traps = kinds.filter((k) => k.group === 'trap');
  const phrasesRight = outcomes.filter((o) => o.right).length;
  const languages = new Map<string, TimeOutcome[]>();
  for (const o of outcomes)
    languages.set(o.case.language, [...(languages.get(o.case.language) ?? []), o]);
  const wrong = outcomes.filter((o) => !o.right);
  const kindLine = (k: (typeof kinds)[number]) =>
    `  ${k.right === k.total ? 'ok   ' : 'WRONG'} ${k.kind.padEnd(36)} ${k.right}/${k.total}`;
  return {
    title: 'Proposed times (kinds of proposals and traps fully right)',
    lines: [
      `${outcomes.length} phrases in ${languages.size} languages, ${kinds.length} kinds (${proposals.length} proposals, ${traps.length} traps)`,
      `kinds fully right: ${share(kindsRight, kinds.length)} (target ≥ 38 of 40)`,
      `  proposals: ${share(proposals.filter((k) => k.right === k.total).length, proposals.length)}`,
      `  traps:     ${share(traps.filter((k) => k.right === k.total).length, traps.length)}`,
      `phrases right: ${share(phrasesRight, outcomes.length)}`,
      '',
      'by kind (phrases right):',
      ...proposals.map(kindLine),
      ...traps.map(kindLine),
      '',
      'by language (phrases right):',
      ...[...languages.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([l, os]) => `  ${l.padEnd(4)} ${share(os.filter((o) => o.right).length, os.length)}`),
      '',
      ...(wrong.length === 0
        ? ['failures: none']
        : [
            `failures (${wrong.length}):`,
            ...wrong.flatMap((o) => [
              `  [${o.case.kind}] ${o.case.language} ${JSON.stringify(o.case.text)} (Date: ${o.case.date})`,
              `    expected: ${o.case.expected === 'none' ? 'none' : o.case.expected.join(', ')}${o.case.ends ? ` ending ${o.case.ends.join(', ')}` : ''}`,
              `    got:      ${o.got}`,
            ]),
          ]),
    ],
    right: kindsRight,
    total: kinds.length,
  };
}
