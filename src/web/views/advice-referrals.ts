import type { PersonRef } from '../../db/contact-page-queries.js';
import type { Advice } from '../../db/schema.js';
import { STAGE_LABELS } from '../../pipeline/stages.js';
import { FIELD_LIMITS } from '../field-limits.js';
import { html, type SafeHtml } from '../html.js';
import { type ContactChoice, contactChoiceList } from './contact-manage.js';
import { displayName, formatDateTime } from './format.js';
import { csrfField } from './layout.js';

/**
 * The advice list and the "introduced you to" list on the contact page, each
 * with its forms; a refused form comes back open with what was typed.
 */

type Typed = Readonly<Record<string, string>> | undefined;

const value = (t: Typed, field: string) => t?.[field] ?? '';

export interface AdviceListView {
  readonly contactId: number;
  readonly advice: readonly Advice[];
  readonly timeZone: string;
  readonly csrfToken: string;
  readonly typed: Typed;
}

function adviceItem(v: AdviceListView, a: Advice): SafeHtml {
  const typedHere = v.typed?.adviceId === String(a.id);
  const field = `advice-edit-${a.id}`;
  return html`<li class="note"><time class="muted small" datetime="${a.created_at}">${formatDateTime(a.created_at, v.timeZone)}</time>${a.source_message_id ? html` <span class="muted small">(by mail)</span>` : ''}<pre>${a.body}</pre>
<details${typedHere ? html` open` : ''}><summary>Change or remove</summary>
<form method="post" action="/contacts/${v.contactId}/advice/${a.id}" class="stacked">${csrfField(v.csrfToken)}<input type="hidden" name="adviceId" value="${a.id}">
<label for="${field}">Advice</label><textarea id="${field}" name="adviceBody" rows="3" maxlength="${FIELD_LIMITS.advice}" required>${typedHere ? value(v.typed, 'adviceBody') : a.body}</textarea>
<div class="actions"><button type="submit">Save advice</button></div></form>
<form method="post" action="/contacts/${v.contactId}/advice/${a.id}/remove">${csrfField(v.csrfToken)}
<div class="actions"><button type="submit" class="danger">Remove this advice</button></div></form></details></li>`;
}

export function adviceList(v: AdviceListView): SafeHtml {
  return html`<h2 id="advice-h">Advice</h2>
${
  v.advice.length === 0
    ? html`<p class="muted">No advice written down yet. Add it here, or write “advice: …” on a line of a note or of a reply to kith.</p>`
    : html`<ul class="plain-list" aria-labelledby="advice-h">${v.advice.map((a) => adviceItem(v, a))}</ul>`
}
<form method="post" action="/contacts/${v.contactId}/advice" class="panel">${csrfField(v.csrfToken)}
<label for="advice-new">Add advice they gave</label><textarea id="advice-new" name="advice" rows="2" maxlength="${FIELD_LIMITS.advice}" required>${value(v.typed, 'advice')}</textarea>
<div class="actions"><button type="submit">Add advice</button></div></form>`;
}

export interface ReferralListView {
  readonly contactId: number;
  readonly referrals: readonly PersonRef[];
  readonly csrfToken: string;
  readonly typed: Typed;
  readonly choices: readonly ContactChoice[];
}

function referralItem(v: ReferralListView, p: PersonRef): SafeHtml {
  const name = displayName(p);
  return html`<li><a href="/contacts/${p.id}">${name}</a> <span class="muted small">(${STAGE_LABELS[p.stage] ?? p.stage})</span>
<div class="actions"><form method="post" action="/contacts/${v.contactId}/referrals/remove">${csrfField(v.csrfToken)}<input type="hidden" name="referred" value="${p.id}"><button type="submit" class="secondary" aria-label="Remove ${name} from the people they referred you to">Remove</button></form></div></li>`;
}

export function referralList(v: ReferralListView): SafeHtml {
  const t = v.typed;
  const typed = ['referralPick', 'referralName', 'referralAddress'].some((f) => value(t, f) !== '');
  return html`<h3>Introduced you to</h3>
${
  v.referrals.length === 0
    ? html`<p class="muted">Nobody yet.</p>`
    : html`<ul class="plain-list">${v.referrals.map((p) => referralItem(v, p))}</ul>`
}
<details${typed ? html` open` : ''}><summary>Add someone they referred you to</summary>
<form method="post" action="/contacts/${v.contactId}/referrals" class="stacked">${csrfField(v.csrfToken)}
<label for="r-pick">A contact you have <span class="muted small">(type to pick)</span></label><input id="r-pick" name="referralPick" list="r-people" value="${value(t, 'referralPick')}" maxlength="${FIELD_LIMITS.contactRef}" autocomplete="off">
${contactChoiceList('r-people', v.choices)}
<p class="muted small">Or someone new, added as a prospect:</p>
<label for="r-name">Name</label><input id="r-name" name="referralName" value="${value(t, 'referralName')}" maxlength="${FIELD_LIMITS.name}" autocomplete="off">
<label for="r-address">Mail address <span class="muted small">(if you have it)</span></label><input id="r-address" name="referralAddress" type="email" value="${value(t, 'referralAddress')}" maxlength="${FIELD_LIMITS.address}" autocomplete="off">
<div class="actions"><button type="submit">Add referral</button></div></form></details>`;
}
