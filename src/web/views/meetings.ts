import type { MeetingRow } from '../../db/meeting-list-queries.js';
import { bothClocks } from '../../templates/both-clocks.js';
import { html, type SafeHtml } from '../html.js';
import { displayName, relativeDays } from './format.js';
import { csrfField } from './layout.js';

export interface MeetingsView {
  readonly upcoming: readonly MeetingRow[];
  readonly past: readonly MeetingRow[];
  readonly now: Date;
  readonly timeZone: string;
  readonly csrfToken: string;
  /** The feed's URL when it is on. */
  readonly feedUrl: string | undefined;
  /** The feed's host is this computer only (no WEB_PUBLIC_URL): web calendars cannot reach it. */
  readonly feedLoopback?: boolean;
}

function table(rows: readonly MeetingRow[], v: MeetingsView, caption: string): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">None.</p>`;
  return html`<div class="table-wrap"><table class="stack"><caption class="visually-hidden">${caption}</caption><thead><tr><th scope="col">When</th><th scope="col">With</th><th scope="col">How and where</th><th scope="col">Status</th></tr></thead><tbody>${rows.map(
    (m) =>
      html`<tr><td>${bothClocks(m.starts_at, v.timeZone, m.contact_time_zone ?? m.time_zone, m.contact_name, { year: true })}<br><span class="muted small">${relativeDays(m.starts_at, v.now)}</span></td><td data-label="With"><a href="/contacts/${m.contact_id}">${displayName({ id: m.contact_id, name: m.contact_name })}</a>${m.contact_company ? html`<br><span class="muted small">${m.contact_company}</span>` : ''}</td><td data-label="How">${m.mode.replace(/_/g, ' ')}${m.location ? html`<br><span class="small">${m.location}</span>` : ''}</td><td data-label="Status">${m.status}</td></tr>`,
  )}</tbody></table></div>`;
}

export function meetingsBody(v: MeetingsView): SafeHtml {
  return html`<section aria-labelledby="up-h"><h2 id="up-h">Upcoming</h2>${table(v.upcoming, v, 'Upcoming meetings')}</section>
<section aria-labelledby="past-h"><h2 id="past-h">Past</h2>${table(v.past, v, 'Past meetings')}</section>
<section class="panel" aria-labelledby="feed-h"><h2 id="feed-h">Calendar feed</h2>
${
  v.feedUrl
    ? html`<p>Subscribe to this private address in your calendar app (it shows your meetings, and anyone who has it can see them):</p>
<p><label for="feed-url">Calendar address</label><input id="feed-url" readonly value="${v.feedUrl}" size="60"> <button type="button" class="secondary" data-copy="feed-url" hidden>Copy address</button></p>
${
  v.feedLoopback
    ? html`<p class="muted small" id="feed-loopback">This address only works on this computer: a web calendar (Google Calendar, Outlook.com, iCloud) fetches it from the internet and cannot reach it. Set <code>WEB_PUBLIC_URL</code> to the address you reach kith at (behind an HTTPS reverse proxy) and restart kith; a calendar app on this computer can use it as it is.</p>`
    : ''
}
<p><a href="${v.feedUrl.replace(/^https?:/, 'webcal:')}">Open in calendar app</a></p>
<div class="actions"><form method="post" action="/calendar-link/renew">${csrfField(v.csrfToken)}<button type="submit" class="secondary">Make a new address (the old one stops working)</button></form>
<form method="post" action="/calendar-link/off">${csrfField(v.csrfToken)}<button type="submit" class="danger">Turn the feed off</button></form></div>`
    : html`<p>The feed is off. Turn it on to get a private address your calendar app can subscribe to.</p>
<form method="post" action="/calendar-link/renew">${csrfField(v.csrfToken)}<button type="submit">Make a private calendar address</button></form>`
}
</section>`;
}
