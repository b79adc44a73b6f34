import type { ContactPage, PersonRef } from '../../db/contact-page-queries.js';
import type { Meeting } from '../../db/schema.js';
import type { NextStep } from '../../pipeline/next-step.js';
import { isOpen } from '../../pipeline/outbox-lifecycle.js';
import { STAGE_LABELS, STAGES, type Stage } from '../../pipeline/stages.js';
import { isIanaZone } from '../../pipeline/zone-guess.js';
import { bothClocks } from '../../templates/both-clocks.js';
import { KIND_LABELS } from '../../templates/contexts.js';
import { FIELD_LIMITS } from '../field-limits.js';
import { html, type SafeHtml, safeHttpUrl } from '../html.js';
import { adviceList, referralList } from './advice-referrals.js';
import {
  addAddressForm,
  addressButtons,
  type ContactChoice,
  managePanel,
} from './contact-manage.js';
import { timeline } from './contact-timeline.js';
import { daysSince, displayName, formatDateTime, plural, relativeDays } from './format.js';
import { csrfField } from './layout.js';
import {
  meetingFields as fieldsOf,
  invitationAnswer,
  MEETING_MODES,
  type MeetingFormState,
} from './meeting-form.js';

export interface ContactView {
  readonly page: ContactPage;
  readonly now: Date;
  readonly timeZone: string;
  readonly csrfToken: string;
  readonly keepInTouchDays: number;
  readonly messageLimit: number;
  readonly messageOffset: number;
  /** The contact's zone when known, offered first beside the owner's. */
  readonly contactZone?: string | null;
  /** A refused meeting form, shown back as typed. */
  readonly meetingForm?: MeetingFormState;
  /** A refused details form, shown back as typed. */
  readonly typedDetails?: Readonly<Record<string, string>>;
  /** Contacts offered for "referred by" and "merge" (most recently changed first). */
  readonly choices?: readonly ContactChoice[];
  /** What the scheduler's planner will do next for this contact, if anything. */
  readonly nextStep?: NextStep;
}

const ZONE_SOURCES: Readonly<Record<string, string>> = {
  owner: 'set by you',
  invite: 'from their calendar invitation',
  text: 'named in their mail',
  header: 'from their mail’s clock',
};

function stagePill(stage: Stage): SafeHtml {
  return html`<span class="stage-pill">${STAGE_LABELS[stage] ?? stage}</span>`;
}

function personLink(p: PersonRef): SafeHtml {
  return html`<a href="/contacts/${p.id}">${displayName(p)}</a> <span class="muted small">(${STAGE_LABELS[p.stage] ?? p.stage})</span>`;
}

function modeLabel(mode: string): string {
  return MEETING_MODES.find((m) => m.value === mode)?.label ?? mode;
}

/** Where the contact's zone came from and their clock now, or that it is not known. */
function zoneNote(v: ContactView): SafeHtml {
  const c = v.page.contact;
  if (!c.time_zone)
    return html`<p class="muted small" id="d-zone-note">Not known yet: kith learns it from their mail and invitations.</p>`;
  const source = ZONE_SOURCES[c.time_zone_source ?? ''] ?? '';
  return html`<p class="muted small" id="d-zone-note">${source ? `${source}; ` : ''}their clock now: ${bothClocks(v.now.toISOString(), v.timeZone, c.time_zone, c.name)}</p>`;
}

function detailsForm(v: ContactView): SafeHtml {
  const c = v.page.contact;
  const t = v.typedDetails;
  const value = (field: string, stored: string | number | null) =>
    t && field in t ? (t[field] ?? '') : (stored ?? '');
  return html`<section class="panel" aria-labelledby="details-h"><h2 id="details-h">Details</h2>
<form method="post" action="/contacts/${c.id}" class="stacked">${csrfField(v.csrfToken)}
<label for="d-name">Name</label><input id="d-name" name="name" value="${value('name', c.name)}" maxlength="${FIELD_LIMITS.name}" autocomplete="off">
<label for="d-company">Company</label><input id="d-company" name="company" value="${value('company', c.company)}" maxlength="${FIELD_LIMITS.company}" autocomplete="off">
<label for="d-title">Title</label><input id="d-title" name="title" value="${value('title', c.title)}" maxlength="${FIELD_LIMITS.title}" autocomplete="off">
<label for="d-linkedin">LinkedIn URL</label><input id="d-linkedin" name="linkedin" type="url" value="${value('linkedin', c.linkedin_url)}" maxlength="${FIELD_LIMITS.linkedinUrl}" autocomplete="off">
<label for="d-cadence">Keep in touch every … days</label><input id="d-cadence" name="cadence" type="number" min="1" max="3650" value="${value('cadence', c.cadence_days)}" placeholder="${v.keepInTouchDays} (default)">
<label for="d-zone">Their time zone</label><input id="d-zone" name="time_zone" value="${value('time_zone', c.time_zone)}" maxlength="${FIELD_LIMITS.zone}" autocomplete="off" placeholder="e.g. America/Los_Angeles" aria-describedby="d-zone-note"${t?.time_zone && !isIanaZone(t.time_zone.trim()) ? html` aria-invalid="true"` : ''}>
${zoneNote(v)}
<div class="actions"><button type="submit">Save details</button></div>
</form></section>`;
}

function addresses(v: ContactView): SafeHtml {
  const { emails } = v.page;
  return html`<section class="panel" aria-labelledby="addr-h"><h2 id="addr-h">Addresses</h2>
${
  emails.length === 0
    ? html`<p class="muted">No address known.</p>`
    : html`<ul class="addresses">${emails.map(
        (e) =>
          html`<li>${
            e.dead_at
              ? html`<span class="dead">${e.address}</span> <strong>dead</strong> <span class="muted small">since ${formatDateTime(e.dead_at, v.timeZone)}${e.dead_reason ? html`: ${e.dead_reason}` : ''}</span>`
              : html`<a href="mailto:${e.address}">${e.address}</a>`
          }${e.is_primary ? html` <span class="muted small">(primary)</span>` : ''}${
            e.learned_cause
              ? html` <span class="muted small learned">added ${e.learned_at ? formatDateTime(e.learned_at, v.timeZone) : ''}: ${e.learned_cause}</span>`
              : ''
          }${addressButtons(v.page.contact.id, e, v.csrfToken)}</li>`,
      )}</ul>`
}
${addAddressForm(v.page.contact.id, v.csrfToken, v.typedDetails)}
</section>`;
}

function referrals(v: ContactView): SafeHtml {
  const { referralChain, referrals } = v.page;
  return html`<section class="panel" aria-labelledby="ref-h"><h2 id="ref-h">Referrals</h2>
<h3>Referred by</h3>
${
  referralChain.length === 0
    ? html`<p class="muted">Nobody (found directly).</p>`
    : html`<ol class="plain-list">${referralChain.map((p, i) => html`<li>${i > 0 ? html`<span class="muted small">who was referred by </span>` : ''}${personLink(p)}</li>`)}</ol>`
}
${referralList({ contactId: v.page.contact.id, referrals, csrfToken: v.csrfToken, typed: v.typedDetails, choices: v.choices ?? [] })}
</section>`;
}

function meetingFields(prefix: string, v: ContactView, m?: Meeting): SafeHtml {
  const target = m ? String(m.id) : 'new';
  return fieldsOf({
    prefix,
    ownerZone: v.timeZone,
    contactZone: v.contactZone ?? null,
    meeting: m,
    state: v.meetingForm?.target === target ? v.meetingForm : undefined,
  });
}

/** Open the form the owner was typing in when it came back refused. */
function openIf(v: ContactView, target: string): SafeHtml {
  return v.meetingForm?.target === target ? html` open` : html``;
}

function meetings(v: ContactView): SafeHtml {
  const c = v.page.contact;
  return html`<section class="panel" aria-labelledby="meet-h"><h2 id="meet-h">Meetings</h2>
${
  v.page.meetings.length === 0
    ? html`<p class="muted">No meetings yet.</p>`
    : html`<ul class="plain-list">${v.page.meetings.map(
        (
          m,
        ) => html`<li><strong>${bothClocks(m.starts_at, v.timeZone, c.time_zone ?? m.time_zone, c.name, { year: true })}</strong><br>${modeLabel(m.mode)}${m.location ? html` · ${m.location}` : ''} · <em>${m.status}</em>${invitationAnswer(m.attendee_answer)}
${
  m.status === 'cancelled'
    ? ''
    : html`<details${openIf(v, String(m.id))}><summary>Change or cancel</summary>
<form method="post" action="/meetings/${m.id}">${csrfField(v.csrfToken)}${meetingFields(`m${m.id}`, v, m)}
<div class="actions"><button type="submit">Save meeting</button></div></form>
<form method="post" action="/meetings/${m.id}/cancel">${csrfField(v.csrfToken)}
<div class="actions"><button type="submit" class="danger">Cancel this meeting</button></div></form></details>`
}</li>`,
      )}</ul>`
}
<details${openIf(v, 'new')}><summary>Add a meeting by hand</summary>
<form method="post" action="/contacts/${c.id}/meetings">${csrfField(v.csrfToken)}${meetingFields('new', v)}
<div class="actions"><button type="submit">Add meeting</button></div></form></details>
</section>`;
}

/** What waits: drafts for the owner's approval and the next meeting, from stored rows only. */
function nextUp(v: ContactView): SafeHtml | string {
  const c = v.page.contact;
  const waiting = v.page.drafts.filter((d) => isOpen(d.state));
  const now = v.now.toISOString();
  const meeting = v.page.meetings
    .filter((m) => m.status === 'confirmed' && m.ends_at > now)
    .sort((a, b) => (a.starts_at < b.starts_at ? -1 : 1))[0];
  const step = v.nextStep;
  if (waiting.length === 0 && !meeting && !step) return '';
  return html`<h3>Next</h3><ul class="next-list">${waiting.map(
    (d) =>
      html`<li><a href="/drafts/${d.id}">${capitalised((KIND_LABELS as Readonly<Record<string, string>>)[d.kind] ?? d.kind.replace(/_/g, ' '))} waits for your approval</a>${d.state === 'snoozed' && d.send_after ? html` <span class="muted small">(snoozed until ${formatDateTime(d.send_after, v.timeZone)})</span>` : ''}</li>`,
  )}${
    meeting
      ? html`<li>Meeting ${bothClocks(meeting.starts_at, v.timeZone, c.time_zone ?? meeting.time_zone, c.name, { year: true })} <span class="muted small">(${relativeDays(meeting.starts_at, v.now)})</span></li>`
      : ''
  }${
    step
      ? html`<li>${STEP_WORDS[step.kind]} ${relativeDays(step.dueAt, v.now)} <span class="muted small">(${formatDateTime(step.dueAt, v.timeZone)})</span></li>`
      : ''
  }</ul>`;
}

/** The planner's next step in words, as on the board's cards. */
const STEP_WORDS: Readonly<Record<NextStep['kind'], string>> = {
  follow_up: 'Follow-up due',
  thank_you: 'Thank-you due',
  keep_in_touch: 'Keep in touch',
  no_response: 'No reply: moves to No response',
};

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function moveForm(v: ContactView): SafeHtml {
  const c = v.page.contact;
  return html`<section class="panel" aria-labelledby="move-h"><h2 id="move-h">Stage</h2>
<p>${stagePill(c.stage as Stage)} for ${plural(daysSince(c.stage_changed_at, v.now), 'day')}</p>
${nextUp(v)}
<form method="post" action="/contacts/${c.id}/stage" class="stacked">${csrfField(v.csrfToken)}
<input type="hidden" name="back" value="/contacts/${c.id}">
<label for="move-to">Move to</label>
<select id="move-to" name="to" required><option value="">Choose a stage</option>${STAGES.filter(
    (s) => s !== c.stage,
  ).map((s) => html`<option value="${s}">${STAGE_LABELS[s]}</option>`)}</select>
<label for="move-why">Why</label><input id="move-why" name="reason" maxlength="${FIELD_LIMITS.moveReason}" placeholder="e.g. met at a conference">
<div class="actions"><button type="submit">Move</button></div></form>
<p><a class="button secondary" href="/contacts/${c.id}/compose">Write an outreach…</a></p>
</section>`;
}

function notes(v: ContactView): SafeHtml {
  const c = v.page.contact;
  return html`<section aria-labelledby="notes-h"><h2 id="notes-h">Notes</h2>
<form method="post" action="/contacts/${c.id}/notes" class="panel">${csrfField(v.csrfToken)}
<label for="note-body">Add a note</label><textarea id="note-body" name="body" required maxlength="${FIELD_LIMITS.note}" aria-describedby="note-hint">${v.typedDetails?.body ?? ''}</textarea>
<p class="muted small" id="note-hint">Lines starting “advice:”, “referral: Name &lt;address&gt;” or “cadence: every 30 days” are kept as advice, a referral or how often to keep in touch, as in a reply to kith.</p>
<div class="actions"><button type="submit">Add note</button></div></form>
${
  v.page.notes.length === 0
    ? html`<p class="muted">No notes yet.</p>`
    : html`<ul class="plain-list">${v.page.notes.map(
        (n) =>
          html`<li class="note"><time class="muted small" datetime="${n.created_at}">${formatDateTime(n.created_at, v.timeZone)}</time>${n.source_message_id ? html` <span class="muted small">(by mail)</span>` : ''}<pre>${n.body}</pre></li>`,
      )}</ul>`
}
${adviceList({ contactId: c.id, advice: v.page.advice, timeZone: v.timeZone, csrfToken: v.csrfToken, typed: v.typedDetails })}
</section>`;
}

function drafts(v: ContactView): SafeHtml {
  return html`<section aria-labelledby="drafts-h"><h2 id="drafts-h">Mail from kith</h2>
${
  v.page.drafts.length === 0
    ? html`<p class="muted">No drafts.</p>`
    : html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Made</th><th scope="col">Kind</th><th scope="col">Subject</th><th scope="col">State</th></tr></thead><tbody>${v.page.drafts.map(
        (d) =>
          html`<tr><td data-label="Made">${formatDateTime(d.created_at, v.timeZone)}</td><td data-label="Kind">${(KIND_LABELS as Readonly<Record<string, string>>)[d.kind] ?? d.kind.replace(/_/g, ' ')}</td><td data-label="Subject"><a href="/drafts/${d.id}">${d.subject || '(no subject)'}</a></td><td data-label="State">${d.state.replace(/_/g, ' ')}</td></tr>`,
      )}</tbody></table></div>`
}
</section>`;
}

/** Causes older kith versions stored with internal ids in them. */
function causeWords(cause: string): string {
  return cause.replace(/^draft outbox:\d+ was sent$/, 'kith’s mail to them was sent');
}

function history(v: ContactView): SafeHtml {
  return html`<section aria-labelledby="hist-h"><h2 id="hist-h">Stage changes</h2>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">When</th><th scope="col">Move</th><th scope="col">Cause</th></tr></thead><tbody>${v.page.history.map(
    (h) =>
      html`<tr><td>${formatDateTime(h.at, v.timeZone)}</td><td data-label="Move">${h.from_stage === h.to_stage ? html`<span class="muted small">no move</span>` : h.from_stage ? html`${STAGE_LABELS[h.from_stage as Stage] ?? h.from_stage} → ` : ''}${h.from_stage === h.to_stage ? '' : (STAGE_LABELS[h.to_stage as Stage] ?? h.to_stage)}</td><td data-label="Why">${causeWords(h.cause)}${h.manual ? html` <span class="muted small">(by hand)</span>` : ''}</td></tr>`,
  )}</tbody></table></div></section>`;
}

export function contactHeading(v: ContactView): SafeHtml {
  const c = v.page.contact;
  const linkedin = safeHttpUrl(c.linkedin_url);
  return html`<h1>${displayName({ id: c.id, name: c.name, email: v.page.emails[0]?.address })}</h1>
<p>${stagePill(c.stage as Stage)} ${[c.title, c.company].filter(Boolean).join(' · ')}${
    linkedin ? html` · <a href="${linkedin}" rel="noopener noreferrer">LinkedIn</a>` : ''
  }${sourceWords(c.source) ? html` <span class="muted small">· ${sourceWords(c.source)}</span>` : ''}</p>`;
}

const SOURCE_WORDS: Readonly<Record<string, string>> = {
  outreach: 'added when you wrote to them',
  referral: 'added as a referral',
  'import:csv': 'imported from a CSV file',
  'import:linkedin': 'imported from LinkedIn',
  'import:vcard': 'imported from a contacts file (vCard)',
  web: 'added by you',
};

/** Where a contact came from, in words; a source kith has no words for is left out. */
function sourceWords(source: string): string {
  return SOURCE_WORDS[source] ?? '';
}

/**
 * The contact page. The stage, what is next and the meetings come first in
 * the page (a phone shows them on top); on a laptop they sit beside the
 * timeline, with who the contact is below them.
 */
export function contactBody(v: ContactView): SafeHtml {
  return html`<div class="contact-grid">
<div class="contact-now">${moveForm(v)}${meetings(v)}</div>
<div class="contact-main">${timeline(v)}${notes(v)}${drafts(v)}${history(v)}</div>
<div class="contact-about">${detailsForm(v)}${addresses(v)}${referrals(v)}${managePanel({ contact: v.page.contact, referrer: v.page.referralChain[0] ?? null, csrfToken: v.csrfToken, typed: v.typedDetails, choices: v.choices ?? [] })}</div>
</div>`;
}
