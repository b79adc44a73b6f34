import { Hono } from 'hono';
import { loadHealth } from '../../db/health.js';
import { loadJobSubjects } from '../../db/job-subjects.js';
import type { CheckResult } from '../../doctor/check.js';
import { runDoctor } from '../../doctor/run-doctor.js';
import { chromeFor } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { type CheckRun, healthBody } from '../views/health.js';
import { page } from '../views/layout.js';

/**
 * GET /health — services, mail, quarantine, failures, jobs, and the last
 * run of the doctor's checks. POST /health/checks runs them: they log in to
 * IMAP and SMTP, so they run on request (one run at a time), never on every
 * page load; the result is kept in memory with its time.
 */
export function healthRoutes(deps: WebDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const runChecks = deps.runChecks ?? ((now: Date) => runDoctor(deps.config, deps.db, now));
  let last: CheckRun | undefined;
  let running: Promise<CheckRun> | undefined;

  app.get('/health', async (c) => {
    const data = await loadHealth(deps.db);
    const upcoming = deps.upcomingJobs ? await deps.upcomingJobs(deps.now()) : undefined;
    const chrome = await chromeFor(c, deps);
    const subjects = await loadJobSubjects(deps.db, [
      ...data.recentJobs.map((j) => j.subject_key),
      ...(upcoming ?? []).map((j) => j.subject),
    ]);
    const body = healthBody({
      data,
      subjects,
      services: deps.services.map((s) => ({ name: s.name, status: s.status() })),
      upcoming,
      timeZone: deps.config.timeZone,
      checks: { last, running: running !== undefined, csrfToken: chrome.csrfToken },
    });
    return c.html(page({ title: 'Health', active: 'health', chrome, body }).value);
  });

  app.post('/health/checks', async (c) => {
    // A second click while checks run waits for the same run instead of logging in twice.
    running ??= (async () => {
      const at = deps.now();
      let results: readonly CheckResult[];
      try {
        results = await runChecks(at);
      } catch (error) {
        deps.logger.error('health checks failed to run', { error });
        results = [
          {
            name: 'checks',
            status: 'problem',
            detail: 'the checks could not run; see the log',
            fix: 'run `npm run kith -- doctor` in a terminal for details',
          },
        ];
      }
      return { at: at.toISOString(), results };
    })().finally(() => {
      running = undefined;
    });
    last = await running;
    return c.redirect('/health#checks-h', 303);
  });
  return app;
}
