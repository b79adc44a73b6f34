import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { CheckResult } from '../doctor/check.js';
import type { Logger } from '../log.js';
import type { Service } from '../service.js';

/** A job the scheduler will run, for the health page. */
export interface UpcomingJob {
  readonly kind: string;
  readonly subject: string;
  readonly dueAt: string;
}

/** What the web app needs from the rest of kith; src/kith.ts fills it in. */
export interface WebDeps {
  readonly db: Db;
  /** Settings; `secret` must be set (it signs sessions and the calendar feed URL). */
  readonly config: Config;
  readonly services: readonly Service[];
  readonly logger: Logger;
  readonly version: string;
  /** Passed in (not read) so tests can control time. */
  readonly now: () => Date;
  /**
   * Port: the scheduler's next due jobs. Optional because the scheduler may
   * not expose them; the health page then shows recent runs only.
   */
  readonly upcomingJobs?: (now: Date) => Promise<readonly UpcomingJob[]>;
  /**
   * Port: the doctor's checks for the health page, run on request only (they
   * log in to IMAP and SMTP). Default: runDoctor on this config and database.
   */
  readonly runChecks?: (now: Date) => Promise<readonly CheckResult[]>;
  /** How the login slow-down waits; tests pass one that moves their clock. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Rendered pages kept until the data changes (default 64); 0 renders every view, only to measure the cache. */
  readonly pageCacheEntries?: number;
}
