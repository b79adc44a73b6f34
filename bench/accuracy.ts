/**
 * Accuracy benchmark (issue 19): how well kith understands real-world mail,
 * measured on the project's own fixture corpora through the same
 * parse → extract path as `kith ingest`. Each area is its own module that
 * returns a section; add bounces, auto-replies, proposed times and invites
 * to SECTIONS beside reply text.
 * Usage: npm run bench:accuracy
 */
import { autoReplyAccuracy, bounceAccuracy, inviteAccuracy } from './accuracy-mail.js';
import { type AccuracySection, replyTextAccuracy } from './accuracy-replies.js';
import { proposedTimesAccuracy } from './accuracy-times.js';

const SECTIONS: ReadonlyArray<() => Promise<AccuracySection | AccuracySection[]>> = [
  replyTextAccuracy,
  bounceAccuracy,
  autoReplyAccuracy,
  proposedTimesAccuracy,
  inviteAccuracy,
];

const results: AccuracySection[] = [];
for (const section of SECTIONS) {
  for (const result of [await section()].flat()) {
    results.push(result);
    console.log(`\n== ${result.title}\n`);
    for (const line of result.lines) console.log(line);
  }
}
console.log('\n== Summary\n');
for (const r of results) {
  console.log(`${r.title}: ${r.right}/${r.total} (${((r.right / r.total) * 100).toFixed(1)}%)`);
}
