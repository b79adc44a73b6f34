import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../db/database.js';
import {
  type ImportKind,
  type ImportProgress,
  type ImportReport,
  importFile,
} from '../exchange/import.js';
import { type UndoReport, undoImport } from '../exchange/undo-import.js';
import type { Logger } from '../log.js';

/** A running or finished import started from the web UI. */
export interface ImportJob {
  readonly id: string;
  readonly kind: ImportKind;
  readonly fileName: string;
  readonly startedAt: string;
  state: 'running' | 'done' | 'failed';
  progress: ImportProgress;
  report?: ImportReport;
  error?: string;
  /** Set once the import was undone from its page. */
  undo?: UndoReport;
}

const KEEP_FINISHED = 20;

/**
 * Imports run in the background (importFile works in slices with the event
 * loop free between them, so pages stay fast) and report progress here for
 * the page's progress bar. Kept in memory: a job only matters while someone
 * watches it; the contacts it created are recorded in the database under
 * its id, so undo works from the id alone.
 */
export interface ImportJobs {
  start(kind: ImportKind, fileName: string, bytes: Uint8Array, now: Date): Promise<ImportJob>;
  get(id: string): ImportJob | undefined;
  /** Resolves when the job has finished (for tests and the API). */
  settled(id: string): Promise<ImportJob | undefined>;
  /** Takes back a finished import (see undoImport); the report is kept on the job when it is known. */
  undo(id: string): Promise<UndoReport>;
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
        progress: {
          phase: 'reading',
          read: 0,
          total: 0,
          done: 0,
          created: 0,
          merged: 0,
          skipped: 0,
        },
      };
      jobs.set(id, job);
      const work = importFile(db, kind, file, now, {
        importId: id,
        onProgress: (progress) => {
          job.progress = progress;
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
    async undo(id) {
      // An import still running would go on creating contacts after the undo.
      await running.get(id);
      const report = await undoImport(db, id);
      const job = jobs.get(id);
      if (job) job.undo = report;
      return report;
    },
  };
}
