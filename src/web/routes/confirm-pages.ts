import type { Context } from 'hono';
import { findContactById } from '../../db/contacts.js';
import type { Db } from '../../db/database.js';
import { meetingById } from '../../db/scheduler-mail-queries.js';
import { unheldMeetings } from '../../db/unheld-meetings.js';
import { KithError } from '../../errors.js';
import { movePresumesMeeting } from '../../pipeline/move-checks.js';
import { STAGE_LABELS, type Stage } from '../../pipeline/stages.js';
import { bothClocks } from '../../templates/both-clocks.js';
import { chromeFor } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { html } from '../html.js';
import { type Confirmation, confirmBody } from '../views/confirm.js';
import { displayName } from '../views/format.js';
import { page } from '../views/layout.js';

async function confirmPage(c: Context<AppEnv>, deps: WebDeps, title: string, q: Confirmation) {
  const chrome = await chromeFor(c, deps);
  return c.html(page({ title, chrome, body: confirmBody(q, chrome.csrfToken) }).value);
}

/** Asked before a meeting is cancelled: the contact may be told, and the stage may go back. */
export async function confirmCancelMeeting(c: Context<AppEnv>, deps: WebDeps, meetingId: number) {
  const meeting = await meetingById(deps.db, meetingId);
  if (!meeting) throw new KithError('not_found', `There is no meeting #${meetingId}.`);
  const contact = await findContactById(deps.db, meeting.contact_id);
  const name = contact ? displayName(contact) : 'this contact';
  const when = bothClocks(
    meeting.starts_at,
    deps.config.timeZone,
    contact?.time_zone ?? meeting.time_zone,
    contact?.name,
    { year: true },
  );
  return confirmPage(c, deps, 'Cancel the meeting?', {
    question: `Cancel the meeting with ${name} on ${when}?`,
    details: html`<p>The meeting is marked cancelled and leaves your calendar feed. If kith sent ${name} the invitation, a cancellation is drafted for your approval. With no other meeting planned, ${name} goes back to Replied.</p>`,
    action: `/meetings/${meetingId}/cancel`,
    fields: [],
    yes: 'Yes, cancel the meeting',
    noHref: `/contacts/${meeting.contact_id}`,
    no: 'No, keep it',
    danger: true,
  });
}

/** A contact whose meeting has not taken place yet, for the move question. */
export interface NotYetMet {
  readonly contactId: number;
  readonly name: string;
  readonly startsAt: string;
  readonly timeZone: string | null;
}

/** Of the contacts to move to `to`, those whose meeting that move would say took place too early. */
export async function notYetMet(
  db: Db,
  ids: readonly number[],
  to: Stage,
  now: Date,
): Promise<NotYetMet[]> {
  const meetings = await unheldMeetings(db, ids, now);
  const out: NotYetMet[] = [];
  for (const [id, meeting] of meetings) {
    const contact = await findContactById(db, id);
    if (!contact) continue;
    if (!movePresumesMeeting(contact.stage as Stage, to, meeting.endsAt, now.toISOString()))
      continue;
    out.push({
      contactId: id,
      name: displayName(contact),
      startsAt: meeting.startsAt,
      timeZone: contact.time_zone ?? meeting.timeZone,
    });
  }
  return out;
}

/**
 * Asked before a move says a meeting happened that has not: the owner may
 * know better (they met earlier), but kith tells nobody about it until the
 * meeting itself is over.
 */
export async function confirmMovePastMeeting(
  c: Context<AppEnv>,
  deps: WebDeps,
  move: {
    readonly to: Stage;
    readonly notYet: readonly NotYetMet[];
    readonly action: string;
    readonly fields: readonly (readonly [string, string])[];
    readonly back: string;
  },
) {
  const stage = STAGE_LABELS[move.to];
  const when = (m: NotYetMet) =>
    bothClocks(m.startsAt, deps.config.timeZone, m.timeZone, m.name, { year: true });
  const one = move.notYet.length === 1 ? move.notYet[0] : undefined;
  return confirmPage(c, deps, 'The meeting has not happened yet', {
    question: one
      ? `Your meeting with ${one.name} is on ${when(one)}. Move to ${stage} anyway?`
      : `Some meetings have not happened yet. Move to ${stage} anyway?`,
    details: html`${
      one
        ? ''
        : html`<ul>${move.notYet.map((m) => html`<li>${m.name}: meeting on ${when(m)}</li>`)}</ul>`
    }<p>${stage} means you have met. Nothing that assumes so is planned before the meeting is over: whoever referred them hears about it only then.</p>`,
    action: move.action,
    fields: move.fields,
    yes: `Yes, move to ${stage}`,
    noHref: move.back,
    no: 'No, leave it as it is',
  });
}
