import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { jobKey, planDueJobs } from '../pipeline/schedule.js';
import { scheduleSettings } from '../scheduler/settings.js';
import { loadSnapshot } from '../scheduler/snapshot.js';
import type { UpcomingJob } from './deps.js';

const DAY_MS = 86_400_000;

/** Extra planner runs allowed per forecast (see below). */
const MAX_RECHECKS = 20;

/**
 * A forecast for the health page: the scheduler's own planner asked what
 * falls due between now and `days` ahead, as things stand. (What actually
 * runs is decided at each tick; a reply in between changes the plan.)
 */
export async function forecastJobs(
  db: Db,
  config: Config,
  now: Date,
  options: { days?: number; limit?: number } = {},
): Promise<UpcomingJob[]> {
  const settings = scheduleSettings(config);
  const plan = async (until: string) => {
    const clock = { since: now.toISOString(), now: until };
    return planDueJobs(await loadSnapshot(db, clock, settings), clock, settings);
  };
  const limit = options.limit ?? 15;
  const horizon = new Date(now.getTime() + (options.days ?? 7) * DAY_MS).toISOString();
  const out: UpcomingJob[] = [];
  let rechecks = 0;
  for (const job of await plan(horizon)) {
    if (out.length >= limit) break;
    let keep = job.drop === null;
    // Planned from the horizon, a job may look dropped only because the
    // horizon lies past it ("the meeting already began"): ask again as the
    // tick at its own due time would.
    if (!keep && rechecks < MAX_RECHECKS) {
      rechecks += 1;
      const atDue = (await plan(job.dueAt)).find((j) => jobKey(j) === jobKey(job));
      keep = atDue?.drop === null;
    }
    if (keep) out.push({ kind: job.kind, subject: job.subjectKey, dueAt: job.dueAt });
  }
  return out;
}
