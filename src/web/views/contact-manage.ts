import type { DeletionPreview } from '../../db/contact-edits.js';
import type { Contact, ContactEmail } from '../../db/schema.js';
import { STAGE_LABELS, type Stage } from '../../pipeline/stages.js';
import { FIELD_LIMITS } from '../field-limits.js';
import { html, type SafeHtml } from '../html.js';
import { displayName, plural } from './format.js';
import { csrfField } from './layout.js';

/**
 * Forms for managing people by hand: the new-contact page, the address
 * buttons, who referred them, merge and delete with their confirmations.
 */

/** A contact offered in a "pick a contact" list: its value is what the field resolves. */
export interface ContactChoice {
  readonly id: number;
  readonly name: string | null;
  readonly email: string | null;
}

/** The value a pick-list option puts in the field (resolveContactRef reads it back). */
function choiceValue(c: ContactChoice): string {
  if (c.email) return `${c.name ?? ''} <${c.email}>`.trim();
  return `#${c.id} ${c.name ?? ''}`.trim();
}

export function contactChoiceList(id: string, choices: readonly ContactChoice[]): SafeHtml {
  return html`<datalist id="${id}">${choices.map((c) => html`<option value="${choiceValue(c)}"></option>`)}</datalist>`;
}

type Typed = Readonly<Record<string, string>> | undefined;

const value = (t: Typed, field: string) => t?.[field] ?? '';

export interface NewContactView {
  readonly csrfToken: string;
  readonly typed?: Readonly<Record<string, string>>;
  /** The refusal, shown beside the form. */
  readonly error?: string;
  readonly choices: readonly ContactChoice[];
}

export function newContactBody(v: NewContactView): SafeHtml {
  const t = v.typed;
  return html`<form method="post" action="/contacts" class="panel stacked"${v.error ? html` aria-describedby="new-error"` : ''}>${csrfField(v.csrfToken)}
${v.error ? html`<p id="new-error" class="flash error" role="alert">${v.error}</p>` : ''}
<label for="n-name">Name</label><input id="n-name" name="name" value="${value(t, 'name')}" maxlength="${FIELD_LIMITS.name}" autocomplete="off">
<label for="n-addresses">Mail addresses <span class="muted small">(several: one per line)</span></label><textarea id="n-addresses" name="addresses" rows="2" maxlength="2000">${value(t, 'addresses')}</textarea>
<label for="n-company">Company</label><input id="n-company" name="company" value="${value(t, 'company')}" maxlength="${FIELD_LIMITS.company}" autocomplete="off">
<label for="n-title">Title</label><input id="n-title" name="title" value="${value(t, 'title')}" maxlength="${FIELD_LIMITS.title}" autocomplete="off">
<label for="n-linkedin">LinkedIn URL</label><input id="n-linkedin" name="linkedin" value="${value(t, 'linkedin')}" maxlength="${FIELD_LIMITS.linkedinUrl}" autocomplete="off" placeholder="https://www.linkedin.com/in/…">
<label for="n-referred">Referred by <span class="muted small">(a contact: type to pick)</span></label><input id="n-referred" name="referredBy" list="n-people" value="${value(t, 'referredBy')}" maxlength="${FIELD_LIMITS.contactRef}" autocomplete="off">
${contactChoiceList('n-people', v.choices)}
<label for="n-how">How you know them</label><textarea id="n-how" name="how" rows="2" maxlength="${FIELD_LIMITS.how}">${value(t, 'how')}</textarea>
<p class="muted small">Give at least a name, an address or a LinkedIn URL. The contact starts as a prospect.</p>
<div class="actions"><button type="submit">Add contact</button> <a href="/contacts">Cancel</a></div>
</form>`;
}

/** The buttons beside one address on the contact page. */
export function addressButtons(contactId: number, e: ContactEmail, csrfToken: string): SafeHtml {
  return html`<div class="actions">${
    e.is_primary
      ? ''
      : html`<form method="post" action="/contacts/${contactId}/addresses/primary">${csrfField(csrfToken)}<input type="hidden" name="address" value="${e.address}"><button type="submit" class="secondary" aria-label="Make ${e.address} the primary address">Make primary</button></form>`
  }<form method="post" action="/contacts/${contactId}/addresses/remove">${csrfField(csrfToken)}<input type="hidden" name="address" value="${e.address}"><button type="submit" class="danger" aria-label="Remove ${e.address}">Remove</button></form></div>`;
}

export function addAddressForm(contactId: number, csrfToken: string, typed: Typed): SafeHtml {
  return html`<form method="post" action="/contacts/${contactId}/addresses" class="stacked">${csrfField(csrfToken)}
<label for="a-new">Add an address</label><input id="a-new" name="address" type="email" value="${value(typed, 'address')}" maxlength="${FIELD_LIMITS.address}" autocomplete="off" required>
<label><input type="checkbox" name="primary"${typed?.primary === 'on' ? ' checked' : ''}> Make it the primary address</label>
<div class="actions"><button type="submit">Add address</button></div></form>`;
}

export interface ManageView {
  readonly contact: Contact;
  readonly referrer: ContactChoice | null;
  readonly csrfToken: string;
  readonly typed: Typed;
  readonly choices: readonly ContactChoice[];
}

/** Who referred them, merge and delete: the contact page's "manage" panel. */
export function managePanel(v: ManageView): SafeHtml {
  const c = v.contact;
  const referred =
    v.typed && 'referredBy' in v.typed
      ? value(v.typed, 'referredBy')
      : v.referrer
        ? choiceValue(v.referrer)
        : '';
  return html`<section class="panel" aria-labelledby="manage-h"><h2 id="manage-h">Manage</h2>
<form method="post" action="/contacts/${c.id}/referrer" class="stacked">${csrfField(v.csrfToken)}
<label for="m-referred">Referred by <span class="muted small">(empty: found directly)</span></label><input id="m-referred" name="referredBy" list="m-people" value="${referred}" maxlength="${FIELD_LIMITS.contactRef}" autocomplete="off">
<div class="actions"><button type="submit">Save referrer</button></div></form>
<form method="get" action="/contacts/${c.id}/merge" class="stacked">
<label for="m-merge">Merge another contact into this one</label><input id="m-merge" name="with" list="m-people" value="${value(v.typed, 'with')}" maxlength="${FIELD_LIMITS.contactRef}" autocomplete="off" required>
<div class="actions"><button type="submit" class="secondary">Merge…</button></div></form>
${contactChoiceList('m-people', v.choices)}
<p><a class="button secondary" href="/contacts/${c.id}/delete">Delete this contact…</a></p>
</section>`;
}

function who(c: Contact, email?: string | null): string {
  return displayName({ id: c.id, name: c.name, email: email ?? undefined });
}

export function deleteConfirmBody(
  c: Contact,
  email: string | null,
  p: DeletionPreview,
  csrfToken: string,
): SafeHtml {
  const name = who(c, email);
  return html`<section class="panel">
<p>Delete <strong>${name}</strong> (${STAGE_LABELS[c.stage as Stage] ?? c.stage})? This cannot be undone.</p>
<ul>
<li>Their addresses, ${plural(p.meetings, 'meeting')}, ${plural(p.notes, 'note')} and advice, and their history go.</li>
<li>Their ${plural(p.messages, 'message')} leave every page; kith keeps only each mail's Message-ID, so the same mail read again never brings them back.</li>
${p.undecidedDrafts > 0 ? html`<li>${plural(p.undecidedDrafts, 'draft')} to them will not be sent.</li>` : ''}
${p.referrals > 0 ? html`<li>${plural(p.referrals, 'person', 'people')} they referred stay, referred by nobody.</li>` : ''}
${p.upcomingMeetings > 0 ? html`<li><strong>${plural(p.upcomingMeetings, 'meeting')} to come</strong>: kith will not tell them it is off. Cancel it on their page first if they should hear.</li>` : ''}
</ul>
<form method="post" action="/contacts/${c.id}/delete">${csrfField(csrfToken)}
<div class="actions"><button type="submit" class="danger">Delete ${name}</button> <a href="/contacts/${c.id}">Keep them</a></div></form>
</section>`;
}

export function mergeConfirmBody(
  kept: Contact,
  keptEmail: string | null,
  gone: Contact,
  goneEmail: string | null,
  csrfToken: string,
): SafeHtml {
  const a = who(kept, keptEmail);
  const b = who(gone, goneEmail);
  return html`<section class="panel">
<p>Merge <a href="/contacts/${gone.id}">${b}</a> (${STAGE_LABELS[gone.stage as Stage] ?? gone.stage}${goneEmail ? `, ${goneEmail}` : ''}) into <a href="/contacts/${kept.id}">${a}</a> (${STAGE_LABELS[kept.stage as Stage] ?? kept.stage}${keptEmail ? `, ${keptEmail}` : ''})?</p>
<p>Addresses, messages, meetings, notes, advice and history move to ${a}; details ${a} lacks are taken from ${b}; the stage further along is kept. ${b} is then gone, and the merge is written in the history.</p>
<form method="post" action="/contacts/${kept.id}/merge">${csrfField(csrfToken)}<input type="hidden" name="with" value="${gone.id}">
<div class="actions"><button type="submit">Merge into ${a}</button> <a href="/contacts/${kept.id}">Cancel</a></div></form>
</section>`;
}
