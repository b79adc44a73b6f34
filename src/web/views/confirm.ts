import { html, type SafeHtml } from '../html.js';
import { csrfField } from './layout.js';

/** A question the owner answers before kith does something that cannot simply be taken back. */
export interface Confirmation {
  readonly question: string;
  /** What will happen, in the owner's words. */
  readonly details: SafeHtml | string;
  /** Where "yes" posts, with `fields` and `confirm=yes`. */
  readonly action: string;
  readonly fields: readonly (readonly [string, string])[];
  readonly yes: string;
  readonly noHref: string;
  readonly no: string;
  readonly danger?: boolean;
}

/** The body of a confirmation page: nothing has happened yet, and "no" changes nothing. */
export function confirmBody(q: Confirmation, csrfToken: string): SafeHtml {
  return html`<section class="panel confirm" aria-labelledby="confirm-h"><h2 id="confirm-h">${q.question}</h2>
<div>${q.details}</div>
<form method="post" action="${q.action}">${csrfField(csrfToken)}${q.fields.map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<input type="hidden" name="confirm" value="yes">
<div class="actions"><button type="submit"${q.danger ? html` class="danger"` : ''}>${q.yes}</button> <a href="${q.noHref}">${q.no}</a></div></form>
</section>`;
}
