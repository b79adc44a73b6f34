import type { Meeting } from '../../db/schema.js';
import type { ContactPage, PersonRef, TimelineMessage } from '../../db/web-queries.js';
import { STAGE_LABELS, STAGES, type Stage } from '../../pipeline/stages.js';
import { isIanaZone } from '../../pipeline/zone-guess.js';
import { bothClocks } from '../../templates/both-clocks.js';
import { html, type SafeHtml, safeHttpUrl } from '../html.js';
import { daysSince, displayName, formatDateTime, plural } from './format.js';
import { csrfField } from './layout.js';
import {
  meetingFields as fieldsOf,
  invitationAnswer,
  MEETING_MODES,
  type MeetingFormState,
} from './meeting-form.js';

export { MEETING_MODES } from './meeting-form.js';

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
}

const ZONE_SOURCES: Readonly<Record<string, string>> = {
  owner: 'set by you',
  invite: 'from their calendar invitation',
  text: 'named in their mail',
  header: 'from their mail’s clock',
};

const KIND_WORDS: Readonly<Record<string, string>> = {
  outreach: 'outreach',
  reply: 'reply',
  auto_reply: 'automatic reply',
  bounce: 'bounce',
  invite: 'invitation',
  decline: 'decline',
  owner_reply: 'your mail',
  owner_note: 'your note',
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

function message(m: TimelineMessage, tz: string): SafeHtml {
  return html`<li class="message ${m.direction}"><article aria-label="${m.direction === 'in' ? 'Received' : 'Sent'} ${formatDateTime(m.date, tz)}">
<header><span>${m.direction === 'in' ? 'Received' : 'Sent'} · ${KIND_WORDS[m.kind] ?? m.kind}</span>
<time datetime="${m.date}">${formatDateTime(m.date, tz)}</time>
<span>${m.direction === 'in' ? html`from ${m.fromAddress}` : html`to ${m.toAddresses}`}</span></header>
<div class="subject">${m.subject || '(no subject)'}</div>
<pre>${m.text}</pre></article></li>`;
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
<label for="d-name">Name</label><input id="d-name" name="name" value="${value('name', c.name)}" maxlength="200" autocomplete="off">
<label for="d-company">Company</label><input id="d-company" name="company" value="${value('company', c.company)}" maxlength="200" autocomplete="off">
<label for="d-title">Title</label><input id="d-title" name="title" value="${value('title', c.title)}" maxlength="200" autocomplete="off">
<label for="d-linkedin">LinkedIn URL</label><input id="d-linkedin" name="linkedin" type="url" value="${value('linkedin', c.linkedin_url)}" maxlength="500" autocomplete="off">
<label for="d-cadence">Keep in touch every … days</label><input id="d-cadence" name="cadence" type="number" min="1" max="3650" value="${value('cadence', c.cadence_days)}" placeholder="${v.keepInTouchDays} (default)">
<label for="d-zone">Their time zone</label><input id="d-zone" name="time_zone" value="${value('time_zone', c.time_zone)}" maxlength="64" autocomplete="off" placeholder="e.g. America/Los_Angeles" aria-describedby="d-zone-note"${t?.time_zone && !isIanaZone(t.time_zone.trim()) ? html` aria-invalid="true"` : ''}>
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
          }</li>`,
      )}</ul>`
}
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
<h3>Introduced you to</h3>
${
  referrals.length === 0
    ? html`<p class="muted">Nobody yet.</p>`
    : html`<ul class="plain-list">${referrals.map((p) => html`<li>${personLink(p)}</li>`)}</ul>`
}
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

function moveForm(v: ContactView): SafeHtml {
  const c = v.page.contact;
  return html`<section class="panel" aria-labelledby="move-h"><h2 id="move-h">Stage</h2>
<p>${stagePill(c.stage as Stage)} for ${plural(daysSince(c.stage_changed_at, v.now), 'day')}</p>
<form method="post" action="/contacts/${c.id}/stage" class="stacked">${csrfField(v.csrfToken)}
<input type="hidden" name="back" value="/contacts/${c.id}">
<label for="move-to">Move to</label>
<select id="move-to" name="to" required><option value="">Choose a stage</option>${STAGES.filter(
    (s) => s !== c.stage,
  ).map((s) => html`<option value="${s}">${STAGE_LABELS[s]}</option>`)}</select>
<label for="move-why">Why</label><input id="move-why" name="reason" maxlength="200" placeholder="e.g. met at a conference">
<div class="actions"><button type="submit">Move</button></div></form>
<p><a class="button secondary" href="/contacts/${c.id}/compose">Write an outreach…</a></p>
</section>`;
}

function timeline(v: ContactView): SafeHtml {
  const { messages, messageCount, contact } = v.page;
  const shownTo = v.messageOffset + messages.length;
  return html`<section aria-labelledby="tl-h"><h2 id="tl-h">Messages <span class="muted small">(${messageCount})</span></h2>
${messages.length === 0 ? html`<p class="muted">No messages yet.</p>` : html`<ol class="timeline">${messages.map((m) => message(m, v.timeZone))}</ol>`}
<p class="actions">${
    v.messageOffset > 0
      ? html`<a href="/contacts/${contact.id}?older=${Math.max(0, v.messageOffset - v.messageLimit)}">Newer messages</a>`
      : ''
  }${shownTo < messageCount ? html`<a href="/contacts/${contact.id}?older=${shownTo}">Older messages</a>` : ''}</p>
</section>`;
}

function notes(v: ContactView): SafeHtml {
  const c = v.page.contact;
  return html`<section aria-labelledby="notes-h"><h2 id="notes-h">Notes</h2>
<form method="post" action="/contacts/${c.id}/notes" class="panel">${csrfField(v.csrfToken)}
<label for="note-body">Add a note</label><textarea id="note-body" name="body" required maxlength="20000"></textarea>
<div class="actions"><button type="submit">Add note</button></div></form>
${
  v.page.notes.length === 0
    ? html`<p class="muted">No notes yet.</p>`
    : html`<ul class="plain-list">${v.page.notes.map(
        (n) =>
          html`<li class="note"><time class="muted small" datetime="${n.created_at}">${formatDateTime(n.created_at, v.timeZone)}</time>${n.source_message_id ? html` <span class="muted small">(by mail)</span>` : ''}<pre>${n.body}</pre></li>`,
      )}</ul>`
}
<h2 id="advice-h">Advice</h2>
${
  v.page.advice.length === 0
    ? html`<p class="muted">No advice written down yet (reply “advice: …” to kith’s after-meeting mail).</p>`
    : html`<ul class="plain-list" aria-labelledby="advice-h">${v.page.advice.map(
        (a) =>
          html`<li class="note"><time class="muted small" datetime="${a.created_at}">${formatDateTime(a.created_at, v.timeZone)}</time><pre>${a.body}</pre></li>`,
      )}</ul>`
}
</section>`;
}

function drafts(v: ContactView): SafeHtml {
  return html`<section aria-labelledby="drafts-h"><h2 id="drafts-h">Mail from kith</h2>
${
  v.page.drafts.length === 0
    ? html`<p class="muted">No drafts.</p>`
    : html`<div class="table-wrap"><table><thead><tr><th scope="col">Made</th><th scope="col">Kind</th><th scope="col">Subject</th><th scope="col">State</th></tr></thead><tbody>${v.page.drafts.map(
        (d) =>
          html`<tr><td>${formatDateTime(d.created_at, v.timeZone)}</td><td>${d.kind.replace(/_/g, ' ')}</td><td><a href="/drafts/${d.id}">${d.subject || '(no subject)'}</a></td><td>${d.state.replace(/_/g, ' ')}</td></tr>`,
      )}</tbody></table></div>`
}
</section>`;
}

function history(v: ContactView): SafeHtml {
  return html`<section aria-labelledby="hist-h"><h2 id="hist-h">Stage changes</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">Move</th><th scope="col">Cause</th></tr></thead><tbody>${v.page.history.map(
    (h) =>
      html`<tr><td>${formatDateTime(h.at, v.timeZone)}</td><td>${h.from_stage === h.to_stage ? html`<span class="muted small">no move</span>` : h.from_stage ? html`${STAGE_LABELS[h.from_stage as Stage] ?? h.from_stage} → ` : ''}${h.from_stage === h.to_stage ? '' : (STAGE_LABELS[h.to_stage as Stage] ?? h.to_stage)}</td><td>${h.cause}${h.manual ? html` <span class="muted small">(by hand)</span>` : ''}</td></tr>`,
  )}</tbody></table></div></section>`;
}

export function contactHeading(v: ContactView): SafeHtml {
  const c = v.page.contact;
  const linkedin = safeHttpUrl(c.linkedin_url);
  return html`<h1>${displayName({ id: c.id, name: c.name, email: v.page.emails[0]?.address })}</h1>
<p>${stagePill(c.stage as Stage)} ${[c.title, c.company].filter(Boolean).join(' · ')}${
    linkedin ? html` · <a href="${linkedin}" rel="noopener noreferrer">LinkedIn</a>` : ''
  } <span class="muted small">· from ${c.source}</span></p>`;
}

/** The contact page: the timeline and notes first, details and actions alongside. */
export function contactBody(v: ContactView): SafeHtml {
  return html`<div class="contact-grid">
<div>${timeline(v)}${notes(v)}${drafts(v)}${history(v)}</div>
<div>${moveForm(v)}${meetings(v)}${detailsForm(v)}${addresses(v)}${referrals(v)}</div>
</div>`;
}
