import type { HealthData } from '../../db/health.js';
import type { JobSubject } from '../../db/job-subjects.js';
import type { CheckResult } from '../../doctor/check.js';
import { putAsideSentence } from '../../pipeline/put-aside.js';
import type { ServiceStatus } from '../../service.js';
import type { UpcomingJob } from '../deps.js';
import { html, type SafeHtml } from '../html.js';
import { formatDateTime, percent } from './format.js';
import {
  jobResultWords,
  jobWords,
  serviceSentences,
  serviceTitle,
  stateWords,
} from './health-words.js';
import { csrfField } from './layout.js';

export interface HealthView {
  readonly data: HealthData;
  readonly services: readonly { name: string; status: ServiceStatus }[];
  readonly upcoming: readonly UpcomingJob[] | undefined;
  readonly timeZone: string;
  /** The people, meetings and mails the jobs are about, by subject key. */
  readonly subjects?: ReadonlyMap<string, JobSubject>;
  /** The doctor's checks: the last run (kept in memory) and the form to run them. */
  readonly checks?: {
    readonly last: CheckRun | undefined;
    readonly running: boolean;
    readonly csrfToken: string;
  };
}

/** One run of the doctor's checks, with when it ran. */
export interface CheckRun {
  readonly at: string;
  readonly results: readonly CheckResult[];
}

const CHECK_MARK: Readonly<Record<CheckResult['status'], SafeHtml>> = {
  ok: html`<span class="state-ok">ok</span>`,
  problem: html`<span class="state-down">problem</span>`,
  skipped: html`<span class="muted">skipped</span>`,
};

function checksSection(checks: NonNullable<HealthView['checks']>, tz: string): SafeHtml {
  const { last } = checks;
  const problems = last?.results.filter((r) => r.status === 'problem').length ?? 0;
  const summary = last
    ? html`<p>Last run ${formatDateTime(last.at, tz)}: ${problems === 0 ? html`<span class="state-ok">all good</span>` : html`<span class="state-down">${problems} problem${problems === 1 ? '' : 's'}</span>`}.</p>`
    : html`<p class="muted">Not run since kith started. The checks log in to your mailbox (IMAP and SMTP, nothing is sent), so they run only when you ask.</p>`;
  const table = last
    ? html`<div class="table-wrap"><table class="stack"><caption class="visually-hidden">Results of the checks</caption><thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Found</th><th scope="col">What to do</th></tr></thead><tbody>${last.results.map(
        (r) =>
          html`<tr><td>${r.name}</td><td data-label="Result">${CHECK_MARK[r.status]}</td><td data-label="Found">${r.detail}</td><td data-label="What to do">${r.fix ?? ''}</td></tr>`,
      )}</tbody></table></div>`
    : '';
  return html`<section aria-labelledby="checks-h"><h2 id="checks-h">Checks</h2>
${summary}${table}
<form method="post" action="/health/checks">${csrfField(checks.csrfToken)}<button type="submit"${checks.running ? ' disabled' : ''}>${checks.running ? 'Checks are running…' : 'Run checks'}</button></form>
</section>`;
}

/** `{ done, total }` from a status detail's `backfill`, if it reports one in progress. */
function backfillOf(
  detail: Readonly<Record<string, unknown>> | undefined,
): { done: number; total: number } | undefined {
  const b = detail?.backfill as { done?: unknown; total?: unknown } | null | undefined;
  if (!b || typeof b.done !== 'number' || typeof b.total !== 'number' || b.total <= 0) {
    return undefined;
  }
  return { done: Math.min(b.done, b.total), total: b.total };
}

function backfillBar(id: string, b: { done: number; total: number }): SafeHtml {
  return html`<label for="${id}">Reading existing mail: ${b.done} of ${b.total} (${percent(b.done, b.total)})</label><progress id="${id}" max="${b.total}" value="${b.done}"></progress>`;
}

/** The IMAP watcher reports one entry per mailbox (see MailboxStatus in src/inbox). */
type MailboxDetail = Readonly<Record<string, unknown>>;

function mailboxTable(service: string, mailboxes: readonly MailboxDetail[], tz: string): SafeHtml {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const rows = mailboxes.map((m, i) => {
    const error = m.lastError as { message?: unknown; at?: unknown } | null | undefined;
    const backfill = backfillOf(m);
    const connection = m.connected
      ? m.idling
        ? 'connected, idle (push)'
        : 'connected'
      : html`<span class="state-down">not connected</span>`;
    return html`<tr><td>${text(m.path) || text(m.mailbox)}</td><td data-label="Connection">${connection}</td><td data-label="Last message">${formatDateTime(text(m.lastMessageAt), tz)}</td><td data-label="Last error">${error ? html`${text(error.message)} <span class="muted small">${formatDateTime(text(error.at), tz)}</span>` : ''}</td></tr>${
      backfill
        ? html`<tr><td colspan="4">${backfillBar(`bf-${service}-${i}`, backfill)}</td></tr>`
        : ''
    }`;
  });
  return html`<div class="table-wrap"><table class="stack"><caption class="visually-hidden">Mailboxes of ${service}</caption><thead><tr><th scope="col">Mailbox</th><th scope="col">Connection</th><th scope="col">Last message</th><th scope="col">Last error</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Where put-aside mail was found: `imap:INBOX:123`, `maildir:<file>`, `file:<path>`. */
function sourceWords(source: string): string {
  const imap = /^imap:(.+):(\d+)$/.exec(source);
  if (imap) return `mailbox ${imap[1]} (message number ${imap[2]})`;
  if (source.startsWith('maildir:')) return `mail folder file ${source.slice('maildir:'.length)}`;
  if (source.startsWith('file:')) return `file ${source.slice('file:'.length)}`;
  return source;
}

/** `waitingForHourlyCap` / `last_error` → "waiting for hourly cap" / "last error". */
function humanKey(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function detailText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function serviceRow(s: { name: string; status: ServiceStatus }, tz: string): SafeHtml {
  const backfill = backfillOf(s.status.detail);
  const mailboxes = s.status.detail?.mailboxes;
  const details = Object.entries(s.status.detail ?? {}).filter(
    ([k]) => k !== 'backfill' && !(k === 'mailboxes' && Array.isArray(mailboxes)),
  );
  const sentences = serviceSentences(s.name, s.status, tz);
  return html`<li class="panel"><h3>${serviceTitle(s.name)}: <span class="state-${s.status.state}">${stateWords(s.status.state)}</span></h3>
${sentences.length > 0 ? html`<p>${sentences.join(' ')}</p>` : ''}
${backfill ? backfillBar(`bf-${s.name}`, backfill) : ''}
${Array.isArray(mailboxes) ? mailboxTable(s.name, mailboxes as MailboxDetail[], tz) : ''}
${
  details.length > 0
    ? html`<details class="technical"><summary>Technical details</summary><dl class="details">${details.map(
        ([k, v]) =>
          html`<dt>${humanKey(k)}</dt><dd>${/At$|_at$/.test(k) && typeof v === 'string' ? formatDateTime(v, tz) : detailText(v)}</dd>`,
      )}</dl></details>`
    : ''
}</li>`;
}

/** Mail from known contacts that was put aside: kith did not count it, so the owner must read it. */
function putAsideFromContactsList(
  mails: HealthData['putAsideFromContacts'],
  tz: string,
): SafeHtml | string {
  if (mails.length === 0) return '';
  return html`<div class="panel" id="put-aside-contacts"><h3>From your contacts: read these in your mail program</h3>
<p class="small muted">kith did not count them as replies, so these contacts are still where they were.</p>
<ul>${mails.map((m) => html`<li><a href="/contacts/${m.contactId}">${putAsideSentence(m, tz)}</a></li>`)}</ul></div>`;
}

export function healthBody(v: HealthView): SafeHtml {
  const { data } = v;
  return html`<section aria-labelledby="svc-h"><h2 id="svc-h">Services</h2>
${v.services.length === 0 ? html`<p class="muted">No services are running in this process.</p>` : html`<ul class="plain-list">${v.services.map((s) => serviceRow(s, v.timeZone))}</ul>`}
</section>
${v.checks ? checksSection(v.checks, v.timeZone) : ''}
<section aria-labelledby="mail-h"><h2 id="mail-h">Mail</h2>
<p>${data.messageCount} messages stored. ${
    data.lastMessage
      ? html`Last one seen ${formatDateTime(data.lastMessage.createdAt, v.timeZone)} (sent ${formatDateTime(data.lastMessage.date, v.timeZone)}): “${data.lastMessage.subject}”.`
      : html`None yet.`
  }</p>
${
  data.syncState.length > 0
    ? html`<details class="technical"><summary>Where kith is in each mailbox</summary><div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Mailbox</th><th scope="col" class="num">Last message number read</th><th scope="col">Updated</th></tr></thead><tbody>${data.syncState.map(
        (s) =>
          html`<tr><td>${s.mailbox}</td><td class="num" data-label="Last message number read">${s.last_uid}</td><td data-label="Updated">${formatDateTime(s.updated_at, v.timeZone)}</td></tr>`,
      )}</tbody></table></div></details>`
    : ''
}
</section>
<section aria-labelledby="q-h"><h2 id="q-h">Put aside (quarantine) <span class="muted small">(${data.quarantineCount})</span></h2>
${putAsideFromContactsList(data.putAsideFromContacts, v.timeZone)}
${
  data.quarantine.length === 0
    ? html`<p class="muted">Nothing was put aside.</p>`
    : html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">When</th><th scope="col">Subject</th><th scope="col">Reason</th><th scope="col">Found in</th></tr></thead><tbody>${data.quarantine.map(
        (q) =>
          html`<tr><td>${formatDateTime(q.created_at, v.timeZone)}</td><td data-label="Subject">${q.subject ?? '(none)'}</td><td data-label="Reason">${q.reason}</td><td class="small" data-label="Found in">${sourceWords(q.source)}</td></tr>`,
      )}</tbody></table></div>`
}
</section>
<section aria-labelledby="f-h"><h2 id="f-h">Mail that failed to send</h2>
${
  data.failedOutbox.length === 0
    ? html`<p class="muted">No failures.</p>`
    : html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Last try</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col" class="num">Attempts</th><th scope="col">Error</th></tr></thead><tbody>${data.failedOutbox.map(
        (o) =>
          html`<tr><td>${formatDateTime(o.updated_at, v.timeZone)}</td><td data-label="To">${o.to_address}</td><td data-label="Subject">${o.contact_id ? html`<a href="/contacts/${o.contact_id}">${o.subject}</a>` : o.subject}</td><td class="num" data-label="Attempts">${o.attempts}</td><td data-label="Error">${o.last_error ?? ''}</td></tr>`,
      )}</tbody></table></div>`
}
</section>
<section aria-labelledby="j-h"><h2 id="j-h">Scheduled work</h2>
<h3>Next</h3>
${
  v.upcoming === undefined
    ? html`<p class="muted">The scheduler does not report its next jobs here.</p>`
    : v.upcoming.length === 0
      ? html`<p class="muted">Nothing due.</p>`
      : html`<ul class="plain-list">${v.upcoming.map((j) => html`<li>${formatDateTime(j.dueAt, v.timeZone)} — ${jobWords(j.kind, v.subjects?.get(j.subject), v.timeZone)}</li>`)}</ul>`
}
<h3>Recent</h3>
${
  data.recentJobs.length === 0
    ? html`<p class="muted">No jobs have run yet.</p>`
    : html`<ul class="plain-list">${data.recentJobs.map(
        (j) =>
          html`<li>${formatDateTime(j.ran_at, v.timeZone)}: ${jobWords(j.kind, v.subjects?.get(j.subject_key), v.timeZone)} — <span class="${j.state === 'failed' ? 'state-down' : ''}">${jobResultWords(j.kind, j.state, j.reason)}</span></li>`,
      )}</ul>`
}
</section>`;
}
