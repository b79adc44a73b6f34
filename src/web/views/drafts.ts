import type { DraftRow } from '../../db/web-queries.js';
import { KIND_LABELS } from '../../templates/contexts.js';
import { html, type SafeHtml } from '../html.js';
import { SNOOZE_DAYS } from '../outbox-actions.js';
import { displayName, formatDateTime, plural } from './format.js';
import { csrfField } from './layout.js';

const PENDING = new Set(['drafted', 'awaiting_approval', 'snoozed']);

function stateLine(d: DraftRow, tz: string): SafeHtml {
  if (d.state === 'snoozed') return html`snoozed until ${formatDateTime(d.sendAfter, tz)}`;
  if (d.state === 'sent') return html`sent`;
  if (d.state === 'failed') return html`failed: ${d.lastError ?? 'unknown error'}`;
  return html`${d.state.replace(/_/g, ' ')}`;
}

/** One draft: what it is, its text in an editable box, and the four buttons. */
export function draftCard(
  d: DraftRow,
  tz: string,
  csrfToken: string,
  headingLevel: 2 | 3,
): SafeHtml {
  const who = d.contactId ? displayName({ id: d.contactId, name: d.contactName }) : d.toAddress;
  const label =
    (KIND_LABELS as Readonly<Record<string, string>>)[d.kind] ?? d.kind.replace(/_/g, ' ');
  const title = html`${label.charAt(0).toUpperCase()}${label.slice(1)} to ${who}`;
  const pending = PENDING.has(d.state);
  const hasPlaceholders = /\[[^\]\n]{3,}\]/.test(d.bodyText);
  return html`<article class="panel draft" aria-labelledby="draft-${d.id}-h">
${headingLevel === 2 ? html`<h2 id="draft-${d.id}-h">${title}</h2>` : html`<h3 id="draft-${d.id}-h"><a href="/drafts/${d.id}">${title}</a></h3>`}
<p class="small muted">To ${d.toAddress} · made ${formatDateTime(d.createdAt, tz)} · ${stateLine(d, tz)}${d.contactId ? html` · <a href="/contacts/${d.contactId}">contact page</a>` : ''}</p>
<p><strong>Subject:</strong> ${d.subject}</p>
${
  pending
    ? html`${hasPlaceholders ? html`<p class="flash error small">This draft still has [bracketed] places to fill in before you approve it.</p>` : ''}
<form method="post" action="/drafts/${d.id}">${csrfField(csrfToken)}
<label for="draft-${d.id}-text">Text (edit it, then approve to send your version)</label>
<textarea id="draft-${d.id}-text" name="text" rows="12">${d.bodyText}</textarea>
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

export function draftsBody(drafts: readonly DraftRow[], tz: string, csrfToken: string): SafeHtml {
  if (drafts.length === 0) {
    return html`<p class="muted">Nothing waits for your approval.</p>`;
  }
  return html`<p class="muted">${plural(drafts.length, 'mail waits', 'mails wait')} for you. Nothing is sent to a contact before you approve it — here or by replying “approve” to kith’s mail.</p>
${drafts.map((d) => draftCard(d, tz, csrfToken, 3))}`;
}
