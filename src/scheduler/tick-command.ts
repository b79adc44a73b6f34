import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { createKith } from '../kith.js';
import type { Logger } from '../log.js';
import type { JobOutcome, TickReport } from './tick.js';

/**
 * `kith tick`: one tick at `at` against the real outbox, kith's own scheduler
 * (src/kith.ts). A one-shot process has no earlier tick of its own, so it
 * re-checks the last two weeks: it is the first tick of its scheduler, like
 * the first tick of `kith serve`.
 */
export async function tickOnce(
  db: Db,
  config: Config,
  logger: Logger,
  at: Date,
): Promise<TickReport> {
  const kith = await createKith(config, {
    logger,
    db,
    clock: () => at,
    manual: true,
    inbox: false,
  });
  try {
    return await kith.scheduler.tickNow();
  } finally {
    await kith.stop();
  }
}

/** One line per job: kind, subject, what happened and why. */
export function describeOutcome(outcome: JobOutcome): string {
  const { job, result, note } = outcome;
  const word = result === 'gave_up' ? 'failed (gave up)' : result === 'taken' ? 'skipped' : result;
  return `${job.kind} ${job.subjectKey} ${word}${note ? `: ${note}` : ''}`;
}

export function describeTick(report: TickReport): string[] {
  if (report.outcomes.length === 0) {
    return [`nothing due between ${report.since} and ${report.now}`];
  }
  return report.outcomes.map(describeOutcome);
}
