import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import { createOutboxEffects } from './outbox-effects.js';
import { scheduleSettings } from './settings.js';
import { type JobOutcome, runTick, type TickReport } from './tick.js';

/**
 * `kith tick`: one tick at `at` against the real outbox. A one-shot process
 * has no earlier tick of its own, so it re-checks the last two weeks, like
 * the first tick of `kith serve`.
 */
export async function tickOnce(
  db: Db,
  config: Config,
  logger: Logger,
  at: Date,
): Promise<TickReport> {
  return runTick(
    {
      db,
      settings: scheduleSettings(config),
      effects: createOutboxEffects({ config, logger }),
      logger,
    },
    at,
    { recheck: true },
  );
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
