import type { ContactListRow } from '../../db/web-queries.js';
import { STAGE_LABELS, STAGES, type Stage } from '../../pipeline/stages.js';
import { html, type SafeHtml } from '../html.js';
import { daysSince, displayName, plural } from './format.js';

export interface ContactListView {
  readonly rows: readonly ContactListRow[];
  readonly total: number;
  readonly stage: Stage | undefined;
  readonly q: string;
  readonly offset: number;
  readonly limit: number;
  readonly now: Date;
}

function pageLink(v: ContactListView, offset: number, label: string): SafeHtml {
  const params = new URLSearchParams();
  if (v.stage) params.set('stage', v.stage);
  if (v.q) params.set('q', v.q);
  if (offset > 0) params.set('offset', String(offset));
  return html`<a href="/contacts?${params.toString()}">${label}</a>`;
}

/** A searchable, paged list of contacts. */
export function contactListBody(v: ContactListView): SafeHtml {
  return html`<form method="get" action="/contacts" class="panel form-grid" role="search">
<div><label for="q">Search name, company or address</label><input id="q" name="q" type="search" value="${v.q}"></div>
<div><label for="stage">Stage</label><select id="stage" name="stage"><option value="">Any stage</option>${STAGES.map(
    (s) =>
      html`<option value="${s}"${s === v.stage ? html` selected` : ''}>${STAGE_LABELS[s]}</option>`,
  )}</select></div>
<div class="actions"><button type="submit">Show</button></div>
</form>
<p class="muted">${plural(v.total, 'contact')}${v.total > v.limit ? html`, showing ${v.offset + 1}–${Math.min(v.offset + v.limit, v.total)}` : ''}.</p>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Name</th><th scope="col">Company</th><th scope="col">Stage</th><th scope="col" class="num">Days in stage</th></tr></thead>
<tbody>${v.rows.map(
    (r) =>
      html`<tr><td><a href="/contacts/${r.id}">${displayName(r)}</a></td><td data-label="Company">${r.company ?? ''}</td><td data-label="Stage">${STAGE_LABELS[r.stage] ?? r.stage}</td><td class="num" data-label="Days in stage">${daysSince(r.stageChangedAt, v.now)}</td></tr>`,
  )}</tbody></table></div>
<p class="actions">${v.offset > 0 ? pageLink(v, Math.max(0, v.offset - v.limit), 'Previous page') : ''}${
    v.offset + v.limit < v.total ? pageLink(v, v.offset + v.limit, 'Next page') : ''
  }</p>`;
}
