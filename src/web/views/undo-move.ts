import { html, type SafeHtml } from '../html.js';
import { csrfField } from './layout.js';

const MAX_MOVES = 200;

/** History row ids as a page address or form carries them: `12.13.14`. */
export function undoIds(raw: string | undefined): number[] {
  if (!raw || !/^[1-9][0-9]{0,15}(\.[1-9][0-9]{0,15})*$/.test(raw)) return [];
  return raw.split('.').slice(0, MAX_MOVES).map(Number);
}

/** The button shown after a move by hand: it takes that move back. */
export function undoMoveForm(moves: readonly number[], csrfToken: string, back: string): SafeHtml {
  return html`<form method="post" action="/board/undo" class="undo-move">${csrfField(csrfToken)}
<input type="hidden" name="moves" value="${moves.join('.')}"><input type="hidden" name="back" value="${back}">
<button type="submit" class="secondary">Undo this move</button></form>`;
}
