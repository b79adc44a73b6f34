import type { TemplateReplies } from '../../db/numbers-queries.js';
import { STAGE_LABELS, type Stage } from '../../pipeline/stages.js';
import { KIND_LABELS } from '../../templates/contexts.js';
import { html, type SafeHtml } from '../html.js';
import { FUNNEL, type FunnelStep } from '../numbers/funnel.js';
import type { TreeLayout, TreeNode } from '../numbers/referral-tree.js';
import { displayName, percent, plural } from './format.js';

const STAGE_COLOURS: Partial<Record<Stage, string>> = {
  prospect: '#9aa5b8',
  contacted: '#6f8fd8',
  replied: '#4a74d6',
  scheduled: '#2f5bd3',
  met: '#2e9a5f',
  thanked: '#1d7a46',
  keeping_in_touch: '#155c35',
  declined: '#c0624f',
  no_response: '#b9a37a',
  bounced: '#b3261e',
  archived: '#8a8f99',
};

function bar(fraction: number): SafeHtml {
  const width = Math.max(0, Math.min(1, fraction)) * 200;
  return html`<svg width="200" height="14" viewBox="0 0 200 14" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="200" height="14" rx="3" fill="#e3e7ee"/><rect width="${width.toFixed(1)}" height="14" rx="3" fill="#2f5bd3"/></svg>`;
}

function days(value: number | null): string {
  if (value === null) return '—';
  return value < 10 ? `${value.toFixed(1)} d` : `${Math.round(value)} d`;
}

function funnelTable(steps: readonly FunnelStep[]): SafeHtml {
  const top = steps[0]?.reached ?? 0;
  return html`<div class="table-wrap"><table class="funnel-table stack"><caption class="visually-hidden">Funnel</caption>
<thead><tr><th scope="col">Stage</th><th scope="col" class="num">Reached</th><th scope="col"><span class="visually-hidden">Share of all</span></th><th scope="col" class="num">From the step before</th><th scope="col" class="num">Median time from the step before</th></tr></thead>
<tbody>${steps.map(
    (s) =>
      html`<tr><th scope="row">${STAGE_LABELS[s.stage]}</th><td class="num">${s.reached}</td><td>${bar(top === 0 ? 0 : s.reached / top)}</td><td class="num rate" data-label="From the step before">${s.conversion === null ? '—' : `${Math.round(s.conversion * 100)}%`}</td><td class="num rate" data-label="Median time from the step before">${days(s.medianDays)}</td></tr>`,
  )}</tbody></table></div>`;
}

function replyTable(rows: readonly TemplateReplies[]): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">Nothing sent to contacts yet.</p>`;
  return html`<div class="table-wrap"><table><thead><tr><th scope="col">Template</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Replied</th><th scope="col" class="num">Reply rate</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr><th scope="row">${templateLabel(r.template)}</th><td class="num">${r.sent}</td><td class="num">${r.replied}</td><td class="num">${percent(r.replied, r.sent)}</td></tr>`,
  )}</tbody></table></div>`;
}

function templateLabel(kind: string): string {
  return (KIND_LABELS as Readonly<Record<string, string>>)[kind] ?? kind.replace(/_/g, ' ');
}

function radius(n: TreeNode): number {
  return 5 + Math.min(14, 3 * Math.sqrt(n.reach));
}

/** The referral tree as an SVG picture (server-rendered; names escaped like all text). */
function referralSvg(layout: TreeLayout): SafeHtml {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const edges = layout.nodes
    .filter((n) => n.parentId !== null && byId.has(n.parentId))
    .map((n) => {
      const p = byId.get(n.parentId as number) as TreeNode;
      const mid = (p.x + n.x) / 2;
      return html`<path d="M${p.x},${p.y} C${mid},${p.y} ${mid},${n.y} ${n.x},${n.y}" fill="none" stroke="#b7c0d0" stroke-width="1.5"/>`;
    });
  const nodes = layout.nodes.map((n) => {
    const label = displayName(n);
    const short = label.length > 22 ? `${label.slice(0, 21)}…` : label;
    return html`<a href="/contacts/${n.id}"><title>${label}: ${STAGE_LABELS[n.stage] ?? n.stage}; opened ${plural(n.doors, 'door')}, led to ${plural(n.reach, 'person', 'people')} in all</title>
<circle cx="${n.x}" cy="${n.y}" r="${radius(n).toFixed(1)}" fill="${STAGE_COLOURS[n.stage] ?? '#8a8f99'}" stroke="#fff" stroke-width="1.5"/>
<text x="${n.x + radius(n) + 5}" y="${n.y + 4}" font-size="12" fill="#1d2330" stroke="#fff" stroke-width="3" paint-order="stroke"${n.doors > 0 ? html` font-weight="600"` : ''}>${short}${n.doors > 0 ? ` (${n.doors})` : ''}</text></a>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="group" aria-labelledby="tree-title"><title id="tree-title">Referral tree: who led to whom. Bigger circles led to more people; the number is how many people each one introduced directly.</title>
<g>${edges}</g><g font-family="system-ui, sans-serif">${nodes}</g></svg>`;
}

/**
 * The same tree as nested lists, for a phone: the picture would have to
 * shrink its names past reading or run off the screen.
 */
export function referralList(layout: TreeLayout): SafeHtml {
  const children = new Map<number | null, TreeNode[]>();
  const ids = new Set(layout.nodes.map((n) => n.id));
  for (const n of layout.nodes) {
    const parent = n.parentId !== null && ids.has(n.parentId) ? n.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), n]);
  }
  const branch = (parent: number | null): SafeHtml | string => {
    const kids = children.get(parent);
    if (!kids) return '';
    return html`<ul>${kids.map(
      (n) =>
        html`<li><a href="/contacts/${n.id}">${displayName(n)}</a> <span class="muted small">${STAGE_LABELS[n.stage] ?? n.stage}${n.doors > 0 ? `; introduced ${plural(n.doors, 'person', 'people')}` : ''}</span>${branch(n.id)}</li>`,
    )}</ul>`;
  };
  return html`<div class="tree-list">${branch(null)}</div>`;
}

function legend(): SafeHtml {
  const shown: Stage[] = [...FUNNEL, 'declined'];
  return html`<p class="small muted tree-legend">${shown.map(
    (s) =>
      html`<svg width="10" height="10" aria-hidden="true" focusable="false"><circle cx="5" cy="5" r="5" fill="${STAGE_COLOURS[s] ?? '#888'}"/></svg> ${STAGE_LABELS[s]} `,
  )}</p>`;
}

function doorOpeners(layout: TreeLayout): SafeHtml {
  const top = [...layout.nodes]
    .filter((n) => n.doors > 0)
    .sort((a, b) => b.reach - a.reach || b.doors - a.doors)
    .slice(0, 10);
  if (top.length === 0) return html``;
  return html`<h3>Who opened the most doors</h3><div class="table-wrap"><table><thead><tr><th scope="col">Contact</th><th scope="col" class="num">Introduced directly</th><th scope="col" class="num">Led to in all</th></tr></thead><tbody>${top.map(
    (n) =>
      html`<tr><td><a href="/contacts/${n.id}">${displayName(n)}</a></td><td class="num">${n.doors}</td><td class="num">${n.reach}</td></tr>`,
  )}</tbody></table></div>`;
}

export interface NumbersView {
  readonly funnel: readonly FunnelStep[];
  readonly replies: readonly TemplateReplies[];
  readonly tree: TreeLayout;
}

export function numbersBody(v: NumbersView): SafeHtml {
  return html`<section aria-labelledby="funnel-h"><h2 id="funnel-h">Funnel</h2>
<p class="muted small">How many contacts got at least this far, what share of the step before got here, and how long that took (median).</p>
${funnelTable(v.funnel)}</section>
<section aria-labelledby="replies-h"><h2 id="replies-h">Reply rate by template</h2>
<p class="muted small">A mail counts as answered when a person (not an auto-reply) from that contact wrote back after it.</p>
${replyTable(v.replies)}</section>
<section aria-labelledby="tree-h"><h2 id="tree-h">Referral tree</h2>
${
  v.tree.nodes.length === 0
    ? html`<p class="muted">No referrals yet. When someone gives you a name (reply “referral: Name &lt;address&gt;” to kith’s after-meeting mail), the tree grows here.</p>`
    : html`${legend()}<div class="tree-wrap">${referralSvg(v.tree)}</div>${referralList(v.tree)}
${v.tree.omitted > 0 ? html`<p class="muted small">${plural(v.tree.omitted, 'more person', 'more people')} not drawn.</p>` : ''}
${doorOpeners(v.tree)}`
}</section>`;
}
