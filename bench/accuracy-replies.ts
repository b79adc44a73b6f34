/**
 * Reply-text section of `npm run bench:accuracy` (issue 19): the share of
 * kith's own reply corpus whose new text comes out exactly, overall, by mail
 * client and by language, with every failure listed (expected and got).
 */
import { loadReplyCorpus, type ReplyOutcome, runReplyCase } from '../test/inbox/reply-corpus.js';

export interface AccuracySection {
  readonly title: string;
  /** Printed lines. */
  readonly lines: readonly string[];
  /** The headline: exact cases and all cases. */
  readonly right: number;
  readonly total: number;
}

export async function replyTextAccuracy(): Promise<AccuracySection> {
  const outcomes: ReplyOutcome[] = [];
  for (const c of loadReplyCorpus()) outcomes.push(await runReplyCase(c));
  const right = outcomes.filter((o) => o.exact).length;
  const lines = [
    `exact new text: ${share(right, outcomes.length)}`,
    '',
    'by client:',
    ...tally(outcomes, (o) => o.case.client),
    '',
    'by language:',
    ...tally(outcomes, (o) => o.case.language),
    '',
    ...failures(outcomes),
  ];
  return { title: 'Reply text', lines, right, total: outcomes.length };
}

function share(right: number, total: number): string {
  const pct = total === 0 ? 0 : (right / total) * 100;
  return `${right}/${total} (${pct.toFixed(1)}%)`;
}

function tally(outcomes: readonly ReplyOutcome[], key: (o: ReplyOutcome) => string): string[] {
  const groups = new Map<string, ReplyOutcome[]>();
  for (const o of outcomes) groups.set(key(o), [...(groups.get(key(o)) ?? []), o]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, group]) =>
        `  ${name.padEnd(16)} ${share(group.filter((o) => o.exact).length, group.length)}`,
    );
}

function failures(outcomes: readonly ReplyOutcome[]): string[] {
  const wrong = outcomes.filter((o) => !o.exact);
  if (wrong.length === 0) return ['failures: none'];
  return [
    `failures (${wrong.length}):`,
    ...wrong.flatMap((o) => [
      `  ${o.case.name}`,
      `    expected: ${JSON.stringify(o.case.expected.trim())}`,
      `    got:      ${JSON.stringify(o.got)}`,
    ]),
  ];
}
