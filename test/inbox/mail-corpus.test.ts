import { describe, expect, it } from 'vitest';
import { loadAutoReplyCorpus, runAutoReplyCase } from './auto-reply-corpus.js';
import { loadBounceCorpus, runBounceCase } from './bounce-corpus.js';
import { loadInviteCorpus, runInviteCase } from './invite-corpus.js';

/**
 * kith's own corpora of delivery reports, auto-replies and invites, each
 * mail through prepareMail and classify as `kith ingest` reads it, held to
 * issue 19's targets. `npm run bench:accuracy` prints the same figures by
 * category.
 */

describe('delivery-report corpus', () => {
  const cases = loadBounceCorpus();
  const failures = cases.filter((c) => c.failed.length > 0);

  it('is big and varied enough to measure', () => {
    expect(failures.length).toBeGreaterThanOrEqual(150);
    expect(new Set(failures.map((c) => c.system)).size).toBeGreaterThanOrEqual(30);
  });

  it('recognises ≥ 99% of failures, finds ≥ 97% of failed addresses, tells hard from soft', async () => {
    const outcomes = await Promise.all(cases.map(runBounceCase));
    const describe = (o: (typeof outcomes)[number]) => `${o.case.name}: ${o.got}`;
    const failed = outcomes.filter((o) => o.case.failed.length > 0);
    const missed = failed.filter((o) => !o.recognised).map(describe);
    const wrongAddress = failed.filter((o) => !o.addressesRight).map(describe);
    const wrongSeverity = failed.filter((o) => !o.severityRight).map(describe);
    expect(missed.length / failed.length, missed.join('\n')).toBeLessThanOrEqual(0.01);
    expect(wrongAddress.length / failed.length, wrongAddress.join('\n')).toBeLessThanOrEqual(0.03);
    expect(wrongSeverity, 'hard/soft').toEqual([]);
    // Delay warnings, success notices and people talking about failures are no bounce.
    const falseAlarms = outcomes.filter((o) => o.case.failed.length === 0 && !o.recognised);
    expect(falseAlarms.map(describe)).toEqual([]);
  });
});

describe('auto-reply corpus', () => {
  it('counts no auto-reply or challenge as a reply, and reads no time from one', async () => {
    const cases = loadAutoReplyCorpus();
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const outcomes = await Promise.all(cases.map(runAutoReplyCase));
    expect(outcomes.filter((o) => o.countedAsReply).map((o) => o.case.name)).toEqual([]);
    expect(outcomes.filter((o) => o.timeProposed).map((o) => o.case.name)).toEqual([]);
  });
});

describe('invite corpus', () => {
  it('reads every event of every file right: count, instants, zones', async () => {
    const cases = loadInviteCorpus();
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const outcomes = await Promise.all(cases.map(runInviteCase));
    const wrong = outcomes
      .filter((o) => o.right !== o.case.events.length)
      .map((o) => `${o.case.name}: ${o.got}`);
    expect(wrong).toEqual([]);
  });
});
