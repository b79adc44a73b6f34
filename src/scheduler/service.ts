import cron, { type ScheduledTask } from 'node-cron';
import type { Service, ServiceStatus } from '../service.js';
import { runTick, type TickDeps, type TickReport } from './tick.js';

export interface SchedulerServiceOptions extends TickDeps {
  /** The clock; tests pass their own. */
  readonly now?: () => Date;
  /** Cron expression of the ticks; every minute by default. */
  readonly expression?: string;
  /**
   * Resolves when the inbox has caught up with mail that arrived while kith
   * was down: the first tick waits for it (at most `readyTimeoutMs`), so it
   * never drafts a follow-up to someone whose reply is still unread.
   */
  readonly ready?: () => Promise<void>;
  readonly readyTimeoutMs?: number;
}

/** The scheduler as a long-running part: a tick at start (catch-up), then every minute. */
export interface SchedulerService extends Service {
  /** Runs one tick now (waits for a running one first); for tests and `kith tick`. */
  tickNow(): Promise<TickReport>;
}

export function createSchedulerService(options: SchedulerServiceOptions): SchedulerService {
  const now = options.now ?? (() => new Date());
  const deps: TickDeps = { ...options, attempts: options.attempts ?? new Map() };
  let task: ScheduledTask | undefined;
  let running: Promise<TickReport> | undefined;
  let last: { at: string; ms: number; jobs: number; failed: number } | undefined;
  let lastError: string | undefined;
  let gate: Promise<void> = Promise.resolve();

  // The first tick of the process re-checks the last two weeks, not just the last minute.
  let recheck = true;

  const tick = async (): Promise<TickReport> => {
    const started = performance.now();
    try {
      const report = await runTick(deps, now(), { recheck });
      recheck = false;
      const failed = report.outcomes.filter((o) => o.result === 'failed').length;
      last = {
        at: report.now,
        ms: Math.round(performance.now() - started),
        jobs: report.outcomes.length,
        failed,
      };
      lastError = undefined;
      for (const o of report.outcomes) {
        if (o.result === 'done' || o.result === 'dropped' || o.result === 'gave_up') {
          options.logger?.info(`scheduler: ${o.job.kind} ${o.job.subjectKey} ${o.result}`, {
            note: o.note,
          });
        }
      }
      return report;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      options.logger?.error('scheduler tick failed', { error: lastError });
      throw error;
    }
  };

  // One tick at a time per process; a tick that finds another running waits for it.
  const tickNow = async (): Promise<TickReport> => {
    await gate;
    while (running) await running.catch(() => undefined);
    running = tick();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };

  return {
    name: 'scheduler',
    async start() {
      gate = waitForReady(options);
      // Catch up at once after a restart instead of waiting for the next minute.
      void tickNow().catch(() => undefined);
      task = cron.schedule(
        options.expression ?? '* * * * *',
        async () => {
          // A tick still running (a long catch-up) makes this one unnecessary.
          if (!running) await tickNow().catch(() => undefined);
        },
        { name: 'kith-scheduler', noOverlap: true },
      );
    },
    async stop() {
      await task?.destroy();
      task = undefined;
      await running?.catch(() => undefined);
    },
    status(): ServiceStatus {
      if (!task) return { state: 'down' };
      const detail = { lastTick: last ?? null, lastError: lastError ?? null };
      return { state: lastError || (last?.failed ?? 0) > 0 ? 'degraded' : 'ok', detail };
    },
    tickNow,
  };
}

/** Waits for `ready`, or gives up after `readyTimeoutMs` (an unreachable mailbox must not stop the scheduler). */
async function waitForReady(options: SchedulerServiceOptions): Promise<void> {
  if (!options.ready) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.readyTimeoutMs ?? 120_000);
    timer.unref();
  });
  const outcome = await Promise.race([
    options.ready().then(
      () => 'ready' as const,
      () => 'failed' as const,
    ),
    timeout,
  ]);
  if (timer) clearTimeout(timer);
  if (outcome !== 'ready') {
    options.logger?.warn('scheduler: the inbox has not caught up; ticking anyway', { outcome });
  }
}
