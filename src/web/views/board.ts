import type { BoardCard, BoardColumn } from '../../db/board-queries.js';
import type { NextStep } from '../../pipeline/next-step.js';
import { JOURNEY, SIDE_EXITS, STAGE_LABELS, STAGES, type Stage } from '../../pipeline/stages.js';
import { bothClocks } from '../../templates/both-clocks.js';
import { FIELD_LIMITS } from '../field-limits.js';
import { html, type SafeHtml } from '../html.js';
import { daysSince, displayName, plural, relativeDays } from './format.js';
import { csrfField } from './layout.js';
import { type NextDue, nextDue } from './next-due.js';

export interface BoardView {
  readonly columns: readonly BoardColumn[];
  readonly now: Date;
  readonly timeZone: string;
  readonly csrfToken: string;
  /** Per contact, the scheduler planner's next step. */
  readonly nextSteps: ReadonlyMap<number, NextStep>;
  /** The search the cards were found by; empty shows them all. */
  readonly q?: string;
}

/** A card's next-action line; the contact list shows the same words. */
export function dueLine(
  due: NextDue | undefined,
  view: Pick<BoardView, 'now' | 'timeZone'>,
  card: Pick<BoardCard, 'name' | 'timeZone'>,
): SafeHtml | string | undefined {
  if (!due) return '';
  switch (due.kind) {
    case 'draft':
      return html`<div class="due draft${due.lateSince ? ' late' : ''}"><a href="${due.draftId ? `/drafts/${due.draftId}` : '/drafts'}">${
        due.lateSince
          ? 'Thank-you late: approve it'
          : due.count === 1
            ? 'Draft to approve'
            : `${due.count} drafts to approve`
      }</a></div>`;
    case 'meeting':
      return html`<div class="due">Meeting ${bothClocks(due.at, view.timeZone, card.timeZone, card.name, { year: true })}</div>`;
    case 'follow_up':
      return html`<div class="due">Follow-up due ${relativeDays(due.at, view.now)}</div>`;
    case 'thank_you':
      return html`<div class="due">Thank-you due ${relativeDays(due.at, view.now)}</div>`;
    case 'keep_in_touch':
      return html`<div class="due">Keep in touch ${relativeDays(due.at, view.now)}</div>`;
    case 'no_response':
      return html`<div class="due">No reply: moves to No response ${relativeDays(due.at, view.now)}</div>`;
  }
}

/** Every other stage; the next one along the main road comes preselected. */
function stageOptions(current: Stage): SafeHtml {
  const next = JOURNEY[JOURNEY.indexOf(current) + 1];
  return html`${STAGES.filter((s) => s !== current).map(
    (s) =>
      html`<option value="${s}"${s === next ? html` selected` : ''}>${STAGE_LABELS[s]}</option>`,
  )}`;
}

function card(c: BoardCard, view: BoardView): SafeHtml {
  const name = displayName(c);
  const days = daysSince(c.stageChangedAt, view.now);
  return html`<li class="card" data-contact="${c.id}" data-stage="${c.stage}">
<input class="pick" type="checkbox" id="pick-${c.id}" name="id" value="${c.id}"><label class="visually-hidden" for="pick-${c.id}">Tick ${name} to move</label>
<div class="name"><a href="/contacts/${c.id}">${name}</a></div>
${c.company ? html`<div class="meta">${c.company}</div>` : ''}
<div class="meta">${plural(days, 'day')} in stage</div>
${dueLine(nextDue(c, view.nextSteps.get(c.id)), view, c) ?? ''}</li>`;
}

/** The contact list of one stage, searched as the board is. */
function columnListHref(stage: Stage, q: string | undefined): string {
  const params = new URLSearchParams({ stage });
  if (q) params.set('q', q);
  return `/contacts?${params.toString()}`;
}

/**
 * A column is one form: tick cards, choose where they go, press Move — one
 * card or several at once (the small script does the same on drag and drop).
 */
function column(col: BoardColumn, view: BoardView): SafeHtml {
  const label = STAGE_LABELS[col.stage];
  const hidden = col.count - col.cards.length;
  const s = col.stage;
  return html`<section class="column" data-stage="${s}" aria-labelledby="col-${s}">
<h2 id="col-${s}"><a href="/contacts?stage=${s}">${label}</a> <span class="count" aria-label="${plural(col.count, 'contact')}">${col.count}</span></h2>
<form method="post" action="/board/move">${csrfField(view.csrfToken)}
<ul class="cards">${col.cards.map((c) => card(c, view))}</ul>
${
  col.cards.length > 0
    ? html`<div class="column-move"><label for="to-${s}">Move ticked to</label>
<select id="to-${s}" name="to">${stageOptions(s)}</select>
<label class="visually-hidden" for="why-${s}">Reason for the move</label>
<input id="why-${s}" name="reason" placeholder="Reason (optional)" maxlength="${FIELD_LIMITS.moveReason}">
<button type="submit">Move</button></div>`
    : ''
}</form>
${hidden > 0 ? html`<p class="more"><a href="${columnListHref(s, view.q)}">All ${col.count} ${label.toLowerCase()} contacts${view.q ? ' that match' : ''}</a></p>` : ''}
</section>`;
}

/** The pipeline board: the main road first, then the side exits. */
export function boardBody(view: BoardView): SafeHtml {
  const pick = (stages: readonly Stage[]) =>
    view.columns.filter((c) => stages.includes(c.stage)).map((c) => column(c, view));
  const total = view.columns.reduce((n, c) => n + c.count, 0);
  const q = view.q ?? '';
  return html`<form method="get" action="/" class="panel form-grid" role="search">
<div><label for="board-q">Find cards by name, company or address</label><input id="board-q" name="q" type="search" value="${q}" maxlength="200"></div>
<div class="actions"><button type="submit">Find</button>${q ? html`<a href="/">Show every card</a>` : ''}</div></form>
<p class="muted">${plural(total, 'contact')}${q ? html` match “${q}”` : ''}. Newest moves first in each column. To move cards, tick them and use Move at the foot of their column (or drag a card onto another column).</p>
<div class="board">${pick(JOURNEY)}</div>
<section class="side-exits" aria-labelledby="side-exits"><h2 id="side-exits">Left the main road</h2>
<div class="board">${pick(SIDE_EXITS)}</div></section>`;
}
