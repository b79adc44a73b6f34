import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../db/database.js';
import { type ImportKind, type ImportReport, importFile } from '../exchange/import.js';
import type { Logger } from '../log.js';

/** A running or finished import started from the web UI. */
export interface ImportJob {
  readonly id: string;
  readonly kind: ImportKind;
  readonly fileName: string;
  readonly startedAt: string;
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  report?: ImportReport;
  error?: string;
}

const KEEP_FINISHED = 20;

/**
 * Imports run in the background (importFile yields per row, so pages stay
 * fast) and report progress here for the page's progress bar. Kept in
 * memory: a job only matters while someone watches it.
 */
export interface ImportJobs {
  start(kind: ImportKind, fileName: string, bytes: Uint8Array, now: Date): Promise<ImportJob>;
  get(id: string): ImportJob | undefined;
  /** Resolves when the job has finished (for tests and the API). */
  settled(id: string): Promise<ImportJob | undefined>;
}

export function createImportJobs(db: Db, logger: Logger): ImportJobs {
  const jobs = new Map<string, ImportJob>();
  const running = new Map<string, Promise<void>>();

  const forgetOld = () => {
    const finished = [...jobs.values()].filter((j) => j.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      jobs.delete(j.id);
  };

  return {
    async start(kind, fileName, bytes, now) {
      const id = randomUUID();
      const file = path.join(tmpdir(), `kith-import-${id}`);
      // The importer reads files (like the CLI); the upload is written privately and removed after.
      await writeFile(file, bytes, { mode: 0o600 });
      const job: ImportJob = {
        id,
        kind,
        fileName: fileName.slice(0, 200),
        startedAt: now.toISOString(),
        state: 'running',
        done: 0,
        total: 0,
      };
      jobs.set(id, job);
      const work = importFile(db, kind, file, now, {
        onProgress: (done, total) => {
          job.done = done;
          job.total = total;
        },
      })
        .then((report) => {
          job.report = report;
          job.state = 'done';
        })
        .catch((error: unknown) => {
          job.state = 'failed';
          job.error =
            error instanceof Error ? error.message.replace(file, fileName) : String(error);
          logger.warn('web import failed', { kind, error });
        })
        .finally(async () => {
          running.delete(id);
          await rm(file, { force: true });
          forgetOld();
        });
      running.set(id, work);
      return job;
    },
    get(id) {
      return jobs.get(id);
    },
    async settled(id) {
      await running.get(id);
      return jobs.get(id);
    },
  };
}
