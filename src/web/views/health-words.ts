import type { JobSubject } from '../../db/job-subjects.js';
import type { ServiceStatus } from '../../service.js';
import { KIND_LABELS } from '../../templates/contexts.js';
import { formatDate, formatDateTime, plural } from './format.js';

/** What each scheduler job does, as the owner would say it. */
const JOB_WORDS: Readonly<Record<string, string>> = {
  prep_brief: 'prep brief',
  thank_you: 'thank-you draft',
  thank_you_reminder: 'thank-you reminder',
  follow_up: 'follow-up draft',
  keep_in_touch: 'keep-in-touch draft',
  meeting_over: 'after-meeting check',
  no_response: 'marking as no response',
  referrer_update: 'update to the person who referred them',
  stage_after_send: 'stage move after a sent mail',
  weekly_digest: 'weekly digest',
  withdraw_follow_ups: 'withdrawing follow-ups',
};

/** What a job's "done" meant. */
const DONE_WORDS: Readonly<Record<string, string>> = {
  prep_brief: 'sent to you',
  weekly_digest: 'sent to you',
  thank_you_reminder: 'sent to you',
  thank_you: 'drafted',
  follow_up: 'drafted',
  keep_in_touch: 'drafted',
  referrer_update: 'drafted',
};

const STATE_WORDS: Readonly<Record<ServiceStatus['state'], string>> = {
  ok: 'working',
  degraded: 'having trouble',
  down: 'stopped',
  idle: 'idle',
};

const SERVICE_WORDS: Readonly<Record<string, string>> = {
  inbox: 'Incoming mail (inbox)',
  outbox: 'Sending mail (outbox)',
  scheduler: 'Scheduler',
};

export function serviceTitle(name: string): string {
  return SERVICE_WORDS[name] ?? name;
}

export function stateWords(state: ServiceStatus['state']): string {
  return STATE_WORDS[state] ?? state;
}

function person(name: string | null): string {
  return name?.trim() || 'a contact without a name';
}

function mailKind(kind: string): string {
  return (KIND_LABELS as Readonly<Record<string, string>>)[kind] ?? kind.replace(/_/g, ' ');
}

/** "prep brief for the meeting with Ana Souza on Thu 5 Nov 2026". */
export function jobWords(kind: string, subject: JobSubject | undefined, timeZone: string): string {
  const what = JOB_WORDS[kind] ?? kind.replace(/_/g, ' ');
  if (!subject) return `${what} (for something since deleted)`;
  switch (subject.type) {
    case 'owner':
      return what;
    case 'meeting':
      return `${what} for the meeting with ${person(subject.contactName)} on ${formatDate(subject.startsAt, timeZone)}`;
    case 'contact':
      return `${what} for ${person(subject.contactName)}`;
    case 'mail':
      return `${what}: your ${mailKind(subject.kind)} to ${person(subject.contactName)}`;
  }
}

/** "sent to you", "not needed: they replied", "failed: …". */
export function jobResultWords(kind: string, state: string, reason: string | null): string {
  if (state === 'done') return DONE_WORDS[kind] ?? 'done';
  if (state === 'dropped') return reason ? `not needed: ${reason}` : 'not needed';
  if (state === 'failed') return reason ? `failed: ${reason}` : 'failed';
  return reason ? `${state}: ${reason}` : state;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** A service's last error: a string, or `{ message, at }`. */
function errorText(v: unknown): string {
  if (typeof v === 'string') return v;
  const message = (v as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

/**
 * The sentences a service's status says to the owner; its raw detail stays
 * behind a disclosure on the page. Unknown services get none.
 */
export function serviceSentences(name: string, status: ServiceStatus, timeZone: string): string[] {
  const d = status.detail ?? {};
  const out: string[] = [];
  if (typeof d.problem === 'string') out.push(`${d.problem}.`);
  if (name === 'outbox') {
    const how =
      str(d.transport) === 'smtp' ? 'by SMTP' : `through ${str(d.transport) || 'its transport'}`;
    out.push(
      `Sends ${how}: ${plural(num(d.sent), 'mail')} sent and ${num(d.failed)} failed since kith started.`,
    );
    if (num(d.waitingForHourlyCap) > 0)
      out.push(
        `${plural(num(d.waitingForHourlyCap), 'mail waits', 'mails wait')} for the hourly sending limit.`,
      );
    if (d.drafts && d.drafts !== 'off')
      out.push('Drafts are also put in your mail program’s Drafts folder.');
    if (str(d.lastRoundAt))
      out.push(`Last looked for mail to send ${formatDateTime(str(d.lastRoundAt), timeZone)}.`);
    if (str(d.lastError)) out.push(`Last problem: ${str(d.lastError)}`);
  } else if (name === 'scheduler') {
    const tick = d.lastTick as { at?: unknown; jobs?: unknown; failed?: unknown } | null;
    out.push(
      tick && typeof tick.at === 'string'
        ? `Last ran ${formatDateTime(tick.at, timeZone)}: ${plural(num(tick.jobs), 'job')}${num(tick.failed) > 0 ? `, ${num(tick.failed)} failed` : ''}.`
        : 'Has not run yet.',
    );
    if (errorText(d.lastError)) out.push(`Last problem: ${errorText(d.lastError)}`);
  } else if (str(d.source) === 'imap') {
    const count = Array.isArray(d.mailboxes) ? d.mailboxes.length : 0;
    out.push(
      `Watching ${plural(count, 'mailbox', 'mailboxes')} on ${str(d.host) || 'your mail server'}.`,
    );
  } else if (str(d.source) === 'maildir') {
    out.push(
      `Reads mail from the folder ${str(d.dir)}: ${num(d.handled)} handled, ${num(d.quarantined)} put aside.`,
    );
    if (str(d.ingestStopped)) out.push(`Stopped: ${str(d.ingestStopped)}.`);
    if (str(d.waiting)) out.push(`${str(d.waiting)}.`);
    if (errorText(d.lastError)) out.push(`Last problem: ${errorText(d.lastError)}`);
  }
  return out;
}
