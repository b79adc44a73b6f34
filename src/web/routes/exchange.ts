import { Hono } from 'hono';
import { BadInputError, KithError } from '../../errors.js';
import { exportContacts } from '../../exchange/export.js';
import type { ImportKind } from '../../exchange/import.js';
import { chromeFor } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { ImportJobs } from '../import-jobs.js';
import {
  EXPORT_FORMATS,
  exchangeBody,
  IMPORT_KINDS,
  importJobBody,
  progressLabel,
  undoReportBody,
} from '../views/exchange.js';
import { page } from '../views/layout.js';

/** Reads the upload of an import form into kind, name and bytes. */
async function readImportUpload(
  body: Record<string, string | File | (string | File)[]>,
): Promise<{ kind: ImportKind; name: string; bytes: Uint8Array }> {
  const kind = IMPORT_KINDS.find((k) => k.value === body.kind)?.value;
  if (!kind) throw new BadInputError('Choose what kind of file this is: linkedin, csv or vcard.');
  const file = body.file;
  if (!(file instanceof File) || file.size === 0)
    throw new BadInputError('Choose a file to import.');
  return { kind, name: file.name || 'upload', bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** Import form, import progress and report, export download. */
export function exchangeRoutes(deps: WebDeps, jobs: ImportJobs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/import', async (c) => {
    const chrome = await chromeFor(c, deps);
    return c.html(
      page({
        title: 'Import and export',
        active: 'exchange',
        chrome,
        body: exchangeBody(chrome.csrfToken),
      }).value,
    );
  });

  app.post('/import', async (c) => {
    const upload = await readImportUpload(await c.req.parseBody());
    const job = await jobs.start(upload.kind, upload.name, upload.bytes, deps.now());
    return c.redirect(`/import/jobs/${job.id}`, 303);
  });

  const jobOf = (id: string) => {
    const job = jobs.get(id);
    if (!job)
      throw new KithError('not_found', 'That import is no longer known (kith was restarted?).');
    return job;
  };

  app.get('/import/jobs/:id', async (c) => {
    const job = jobOf(c.req.param('id'));
    const chrome = await chromeFor(c, deps);
    return c.html(
      page({
        title: 'Import',
        active: 'exchange',
        chrome,
        body: importJobBody(job, chrome.csrfToken),
      }).value,
    );
  });

  app.get('/import/jobs/:id/progress', (c) => {
    const job = jobOf(c.req.param('id'));
    return c.json({
      state: job.state,
      ...job.progress,
      label: progressLabel(job.progress),
      errors: job.report?.errors ?? [],
      error: job.error ?? null,
    });
  });

  app.post('/import/jobs/:id/undo', async (c) => {
    const id = c.req.param('id');
    const undo = await jobs.undo(id);
    if (jobs.get(id)) return c.redirect(`/import/jobs/${id}`, 303);
    // The job was forgotten (a restart), but its contacts are recorded: say what happened here.
    const chrome = await chromeFor(c, deps);
    return c.html(
      page({ title: 'Import', active: 'exchange', chrome, body: undoReportBody(undo) }).value,
    );
  });

  app.get('/export', async (c) => {
    const format = EXPORT_FORMATS.find((f) => f.value === c.req.query('format'));
    if (!format) throw new BadInputError('Choose a format: json, csv or vcard.');
    const text = await exportContacts(deps.db, format.value);
    const day = deps.now().toISOString().slice(0, 10);
    c.header('Content-Type', `${format.type}; charset=utf-8`);
    c.header('Content-Disposition', `attachment; filename="kith-contacts-${day}.${format.ext}"`);
    return c.body(text);
  });

  return app;
}
