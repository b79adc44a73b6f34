import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ChaosRow, chaosRepoRoot, rowsFile } from './results.js';

/**
 * Clears the rows before the run and writes docs/chaos-results.md after
 * it, from the rows the suites recorded — the table is never edited by hand.
 */

const SUITE_ORDER = [
  '1 crash during ingest',
  '2 server faults',
  '3 send faults',
  '4 bad mail',
  '5 forgery',
  '6 loops',
  '7 web',
  '8 time',
];

let started = 0;

export function setup(): void {
  started = Date.now();
  rmSync(rowsFile, { force: true });
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function teardown(): void {
  const rows: ChaosRow[] = existsSync(rowsFile)
    ? readFileSync(rowsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ChaosRow)
    : [];
  const rank = (s: string) => {
    const i = SUITE_ORDER.indexOf(s);
    return i === -1 ? SUITE_ORDER.length : i;
  };
  const sorted = rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => rank(a.row.suite) - rank(b.row.suite) || a.i - b.i)
    .map((x) => x.row);
  const passed = sorted.filter((r) => r.held).length;
  const missing = SUITE_ORDER.filter((s) => !sorted.some((r) => r.suite === s));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const lines = [
    '# Chaos results',
    '',
    'Written by `npm run test:chaos` (test/chaos/); do not edit by hand.',
    '',
    `Run ${new Date().toISOString()} on Node ${process.version}, ${seconds} s in all:`,
    `${passed} of ${sorted.length} checks held.` +
      (missing.length
        ? ` Suites with no rows (failed before recording): ${missing.join(', ')}.`
        : ''),
    '',
    '| Suite | What was tried | Times | Held | Measured |',
    '| --- | --- | ---: | --- | --- |',
    ...sorted.map(
      (r) =>
        `| ${cell(r.suite)} | ${cell(r.tried)} | ${r.times} | ${r.held ? 'yes' : '**NO**'} | ${cell(r.figure)} |`,
    ),
    '',
  ];
  mkdirSync(path.join(chaosRepoRoot, 'docs'), { recursive: true });
  writeFileSync(path.join(chaosRepoRoot, 'docs', 'chaos-results.md'), lines.join('\n'));
}
