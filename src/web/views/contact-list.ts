import type { ContactListRow, ContactSort } from '../../db/contact-list-queries.js';
import { STAGE_LABELS, STAGES, type Stage } from '../../pipeline/stages.js';
import { html, type SafeHtml } from '../html.js';
import { dueLine } from './board.js';
import { daysSince, displayName, formatDateTime, plural } from './format.js';
import type { NextDue } from './next-due.js';

export interface ContactListView {
  readonly rows: readonly ContactListRow[];
  readonly total: number;
  readonly stage: Stage | undefined;
  readonly q: string;
  readonly sort: ContactSort | undefined;
  readonly desc: boolean;
  readonly offset: number;
  readonly limit: number;
  readonly now: Date;
  readonly timeZone: string;
  /** Per shown contact, its next action (as on the board). */
  readonly nextActions: ReadonlyMap<number, NextDue>;
}

const SORT_OPTIONS: readonly (readonly [ContactSort, string])[] = [
  ['name', 'Name'],
  ['company', 'Company'],
  ['stage', 'Stage'],
  ['last', 'Last contact'],
  ['next', 'Next action'],
];

function listHref(
  v: ContactListView,
  over: { offset?: number; sort?: ContactSort; desc?: boolean },
): string {
  const params = new URLSearchParams();
  if (v.stage) params.set('stage', v.stage);
  if (v.q) params.set('q', v.q);
  const sort = 'sort' in over ? over.sort : v.sort;
  if (sort) params.set('sort', sort);
  if ('sort' in over ? over.desc : v.desc) params.set('dir', 'desc');
  const offset = over.offset ?? 0;
  if (offset > 0) params.set('offset', String(offset));
  return `/contacts?${params.toString()}`;
}

function pageLink(v: ContactListView, offset: number, label: string): SafeHtml {
  return html`<a href="${listHref(v, { offset })}">${label}</a>`;
}

/** A column heading that sorts by it; a second click reverses the order. */
function sortHeading(v: ContactListView, sort: ContactSort, label: string): SafeHtml {
  const active = v.sort === sort;
  const desc = active && !v.desc;
  const aria = active ? (v.desc ? 'descending' : 'ascending') : undefined;
  return html`<th scope="col"${aria ? html` aria-sort="${aria}"` : ''}><a href="${listHref(v, { sort, desc })}">${label}${active ? (v.desc ? ' ↓' : ' ↑') : ''}</a></th>`;
}

function row(v: ContactListView, r: ContactListRow): SafeHtml {
  const due = dueLine(v.nextActions.get(r.id), v, { name: r.name, timeZone: null });
  return html`<tr><td><a href="/contacts/${r.id}">${displayName(r)}</a></td><td data-label="Company">${r.company ?? ''}</td><td data-label="Stage">${STAGE_LABELS[r.stage] ?? r.stage}</td><td data-label="Last contact">${r.lastContactAt ? html`<time datetime="${r.lastContactAt}">${formatDateTime(r.lastContactAt, v.timeZone)}</time>` : html`<span class="muted">none yet</span>`}</td><td data-label="Next action">${due || html`<span class="muted">nothing planned</span>`}</td><td class="num" data-label="Days in stage">${daysSince(r.stageChangedAt, v.now)}</td></tr>`;
}

/** A searchable, sortable, paged list of contacts. */
export function contactListBody(v: ContactListView): SafeHtml {
  return html`<form method="get" action="/contacts" class="panel form-grid" role="search">
<div><label for="q">Search name, company or address</label><input id="q" name="q" type="search" value="${v.q}"></div>
<div><label for="stage">Stage</label><select id="stage" name="stage"><option value="">Any stage</option>${STAGES.map(
    (s) =>
      html`<option value="${s}"${s === v.stage ? html` selected` : ''}>${STAGE_LABELS[s]}</option>`,
  )}</select></div>
<div><label for="sort">Order</label><select id="sort" name="sort"><option value="">Most recently moved first</option>${SORT_OPTIONS.map(
    ([value, label]) =>
      html`<option value="${value}"${value === v.sort ? html` selected` : ''}>${label}</option>`,
  )}</select>
<label class="inline-label"><input type="checkbox" class="tick" name="dir" value="desc"${v.desc ? html` checked` : ''}> Reversed</label></div>
<div class="actions"><button type="submit">Show</button></div>
</form>
<p class="muted">${plural(v.total, 'contact')}${v.total > v.limit ? html`, showing ${v.offset + 1}–${Math.min(v.offset + v.limit, v.total)}` : ''}.${v.sort ? html` <a href="${listHref(v, { sort: undefined, desc: false })}">Most recently moved first</a>` : ''}</p>
<div class="table-wrap"><table class="stack"><thead><tr>${sortHeading(v, 'name', 'Name')}${sortHeading(v, 'company', 'Company')}${sortHeading(v, 'stage', 'Stage')}${sortHeading(v, 'last', 'Last contact')}${sortHeading(v, 'next', 'Next action')}<th scope="col" class="num">Days in stage</th></tr></thead>
<tbody>${v.rows.map((r) => row(v, r))}</tbody></table></div>
<p class="actions">${v.offset > 0 ? pageLink(v, Math.max(0, v.offset - v.limit), 'Previous page') : ''}${
    v.offset + v.limit < v.total ? pageLink(v, v.offset + v.limit, 'Next page') : ''
  }</p>`;
}
