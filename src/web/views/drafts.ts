import type { DraftRow } from '../../db/draft-queries.js';
import { countPlaces, placesToFill } from '../../pipeline/draft-text.js';
import { lateSince } from '../../pipeline/late.js';
import { isOpen } from '../../pipeline/outbox-lifecycle.js';
import { KIND_LABELS } from '../../templates/contexts.js';
import { html, type SafeHtml } from '../html.js';
import { SNOOZE_DAYS } from '../outbox-actions.js';
import { displayName, formatDate, formatDateTime, plural } from './format.js';
import { csrfField } from './layout.js';

function stateLine(d: DraftRow, tz: string): SafeHtml {
  if (d.state === 'snoozed') return html`snoozed until ${formatDateTime(d.sendAfter, tz)}`;
  if (d.state === 'sent') return html`sent`;
  if (d.state === 'failed') return html`failed: ${d.lastError ?? 'unknown error'}`;
  return html`${d.state.replace(/_/g, ' ')}`;
}

/** The places still to fill in, each marked, and how many. */
function placesNote(text: string): SafeHtml {
  const places = placesToFill(text);
  if (places.length === 0) return html``;
  return html`<p class="flash error small places"><strong>${countPlaces(places.length)}</strong> before it can be approved: ${places.map((p, i) => html`${i > 0 ? ', ' : ''}<mark>${p}</mark>`)}</p>`;
}

/** What the draft card needs besides the draft: the page's clock and, after a refusal, what was typed. */
export interface DraftCardOptions {
  readonly now: Date;
  /** The text the owner submitted, shown again instead of the stored one. */
  readonly typed?: string;
}

/** One draft: what it is, its text in an editable box, and the four buttons. */
export function draftCard(
  d: DraftRow,
  tz: string,
  csrfToken: string,
  /** On its own page the title is plain; in the list it links to that page. Both sit under the h1. */
  place: 'page' | 'list',
  options: DraftCardOptions,
): SafeHtml {
  const who = d.contactId ? displayName({ id: d.contactId, name: d.contactName }) : d.toAddress;
  const label =
    (KIND_LABELS as Readonly<Record<string, string>>)[d.kind] ?? d.kind.replace(/_/g, ' ');
  const title = html`${label.charAt(0).toUpperCase()}${label.slice(1)} to ${who}`;
  const pending = isOpen(d.state);
  const text = options.typed ?? d.bodyText;
  const late =
    d.state === 'snoozed' ? null : lateSince(d.kind, d.meetingEndsAt, options.now.toISOString());
  return html`<article class="panel draft${late ? ' late' : ''}" aria-labelledby="draft-${d.id}-h">
${place === 'page' ? html`<h2 id="draft-${d.id}-h">${title}</h2>` : html`<h2 id="draft-${d.id}-h"><a href="/drafts/${d.id}">${title}</a></h2>`}
${late && d.meetingEndsAt ? html`<p class="late-note"><strong>Late:</strong> you met on ${formatDate(d.meetingEndsAt, tz)}; a thank-you is best sent within two days.</p>` : ''}
<p class="small muted">To ${d.toAddress} · made ${formatDateTime(d.createdAt, tz)} · ${stateLine(d, tz)}${d.contactId ? html` · <a href="/contacts/${d.contactId}">contact page</a>` : ''}</p>
<p><strong>Subject:</strong> ${d.subject}</p>
${
  pending
    ? html`${placesNote(text)}
<form method="post" action="/drafts/${d.id}">${csrfField(csrfToken)}
<label for="draft-${d.id}-text">Text (edit it, then approve to send exactly this text)</label>
<textarea id="draft-${d.id}-text" name="text" rows="12">${text}</textarea>
<div class="actions">
<button type="submit" name="action" value="approve">Approve and send</button>
<button type="submit" name="action" value="skip" class="danger">Skip</button>
<label class="visually-hidden" for="draft-${d.id}-days">Snooze for</label>
<select id="draft-${d.id}-days" name="days">${SNOOZE_DAYS.map((n) => html`<option value="${n}"${n === 3 ? html` selected` : ''}>${plural(n, 'day')}</option>`)}</select>
<button type="submit" name="action" value="snooze" class="secondary">Snooze</button>
</div></form>`
    : html`<pre>${d.bodyText}</pre>`
}
</article>`;
}

export function draftsBody(
  drafts: readonly DraftRow[],
  tz: string,
  csrfToken: string,
  now: Date,
): SafeHtml {
  if (drafts.length === 0) {
    return html`<p class="muted">Nothing waits for your approval.</p>`;
  }
  const snoozed = drafts.filter((d) => d.state === 'snoozed').length;
  const waiting = drafts.length - snoozed;
  const late = drafts.filter(
    (d) => d.state !== 'snoozed' && lateSince(d.kind, d.meetingEndsAt, now.toISOString()),
  ).length;
  const counts = [
    waiting > 0 ? plural(waiting, 'mail waits', 'mails wait') : 'No mail waits',
    ...(late > 0 ? [`${late} late`] : []),
  ].join(', ');
  return html`<p class="muted">${counts} for you${snoozed > 0 ? html`; ${plural(snoozed, 'snoozed draft')} below` : ''}. Nothing is sent to a contact before you approve its exact text — here or by replying “approve” to kith’s mail.</p>
${drafts.map((d) => draftCard(d, tz, csrfToken, 'list', { now }))}`;
}
