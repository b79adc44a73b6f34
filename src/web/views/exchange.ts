import type { KeptReason } from '../../db/import-queries.js';
import type { ImportProgress } from '../../exchange/import.js';
import type { UndoReport } from '../../exchange/undo-import.js';
import { html, type SafeHtml } from '../html.js';
import type { ImportJob } from '../import-jobs.js';
import { percent, plural } from './format.js';
import { csrfField } from './layout.js';

export const IMPORT_KINDS = [
  { value: 'linkedin', label: 'LinkedIn connections (Connections.csv)' },
  { value: 'csv', label: 'CSV file (name, email, company, title…)' },
  { value: 'vcard', label: 'vCard file (.vcf)' },
] as const;

export const EXPORT_FORMATS = [
  {
    value: 'json',
    label: 'JSON (everything, stable shape)',
    ext: 'json',
    type: 'application/json',
  },
  { value: 'csv', label: 'CSV (one row per contact)', ext: 'csv', type: 'text/csv' },
  { value: 'vcard', label: 'vCard (address books)', ext: 'vcf', type: 'text/vcard' },
] as const;

export function exchangeBody(csrfToken: string): SafeHtml {
  return html`<section class="panel" aria-labelledby="imp-h"><h2 id="imp-h">Import people as prospects</h2>
<p class="muted small">The same person twice (same address or LinkedIn URL) is merged, not duplicated. Rows that cannot be read are skipped and listed.</p>
<form method="post" action="/import" enctype="multipart/form-data">${csrfField(csrfToken)}
<fieldset><legend>What kind of file</legend>${IMPORT_KINDS.map(
    (k, i) =>
      html`<div><input type="radio" id="kind-${k.value}" name="kind" value="${k.value}"${i === 0 ? html` checked` : ''}> <label for="kind-${k.value}" class="inline-label">${k.label}</label></div>`,
  )}</fieldset>
<label for="import-file">File</label><input id="import-file" name="file" type="file" required accept=".csv,.vcf,.vcard,text/csv,text/vcard">
<div class="actions"><button type="submit">Import</button></div>
</form></section>
<section class="panel" aria-labelledby="exp-h"><h2 id="exp-h">Export every contact</h2>
<form method="get" action="/export">
<label for="export-format">Format</label><select id="export-format" name="format">${EXPORT_FORMATS.map(
    (f) => html`<option value="${f.value}">${f.label}</option>`,
  )}</select>
<div class="actions"><button type="submit">Download</button></div>
</form></section>`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** The progress line, on the page and in the polled JSON (the script shows it as it is). */
export function progressLabel(p: ImportProgress): string {
  if (p.phase === 'reading') return `Reading: ${count(p.read)} of about ${count(p.total)} rows`;
  return `Saving: ${count(p.done)} of ${count(p.total)} rows — ${plural(p.created, 'new prospect')}, ${count(p.merged)} merged, ${count(p.skipped)} skipped`;
}

const KEPT_REASONS: Record<KeptReason, string> = {
  mail: 'mail was exchanged with them',
  meetings: 'they have a meeting',
  notes: 'they have notes or advice',
  stage: 'they moved on from prospect',
  drafts: 'a draft was written to them',
  referrals: 'they referred someone',
  edited: 'their details were edited since',
};

export function undoReportBody(undo: UndoReport): SafeHtml {
  const kept = (Object.entries(undo.kept) as [KeptReason, number][]).filter(([, n]) => n > 0);
  const keptTotal = kept.reduce((sum, [, n]) => sum + n, 0);
  return html`<div class="panel" data-undo-report><p role="status">Import undone: ${plural(undo.removed, 'prospect')} removed${keptTotal === 0 ? '' : `, ${plural(keptTotal, 'contact')} kept because something has happened to them since`}.</p>${
    kept.length === 0
      ? ''
      : html`<ul>${kept.map(([reason, n]) => html`<li>${plural(n, 'contact')}: ${KEPT_REASONS[reason]}</li>`)}</ul>`
  }<p class="muted small">Contacts the import merged into keep what it added.</p></div>`;
}

function undoForm(job: ImportJob, csrfToken: string): SafeHtml {
  if (job.undo) return undoReportBody(job.undo);
  if (!job.report || job.report.created === 0) return html``;
  return html`<form method="post" action="/import/jobs/${job.id}/undo" class="panel">${csrfField(csrfToken)}
<p>Imported the wrong file? Undo removes the ${plural(job.report.created, 'prospect')} this import created, except any that mail, a meeting, a note or a move has touched since.</p>
<div class="actions"><button type="submit">Undo this import</button></div></form>`;
}

export function importJobBody(job: ImportJob, csrfToken: string): SafeHtml {
  if (job.state === 'running') {
    const p = job.progress;
    const max = Math.max(1, p.total);
    const value = p.phase === 'reading' ? 0 : p.done;
    return html`<div class="panel" data-poll="/import/jobs/${job.id}/progress">
<p>Importing <strong>${job.fileName}</strong>…</p>
<label for="import-progress">Progress</label>
<progress id="import-progress" max="${max}" value="${value}"></progress>
<p data-progress-label aria-live="polite">${progressLabel(p)}</p>
<p class="muted small">This page updates by itself; without JavaScript, <a href="/import/jobs/${job.id}">reload it</a>.</p>
</div>`;
  }
  if (job.state === 'failed') {
    return html`<p class="flash error" role="alert">The import of ${job.fileName} failed: ${job.error ?? 'unknown error'}</p><p><a href="/import">Try again</a></p>`;
  }
  const r = job.report!;
  const rows = r.created + r.merged + r.errors.length;
  return html`<div class="panel"><p role="status"><strong>${job.fileName}</strong>: ${plural(r.created, 'new prospect')}, ${plural(r.merged, 'merged contact')}, ${plural(r.errors.length, 'row')} skipped${rows > 0 ? ` (${percent(r.created + r.merged, rows)} imported)` : ''}.</p>
<progress max="1" value="1" aria-label="Import finished"></progress></div>
${undoForm(job, csrfToken)}
${
  r.errors.length === 0
    ? ''
    : html`<h2>Rows that were skipped</h2><div class="table-wrap"><table><thead><tr><th scope="col" class="num">Line</th><th scope="col">Problem</th></tr></thead><tbody>${r.errors.map(
        (e) => html`<tr><td class="num">${e.line}</td><td>${e.message}</td></tr>`,
      )}</tbody></table></div>`
}
<p><a href="/contacts?stage=prospect">See the prospects</a> · <a href="/import">Import another file</a></p>`;
}
