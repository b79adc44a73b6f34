import { type Context, Hono } from 'hono';
import { isContactSort, listContactIds, listContacts } from '../../db/contact-list-queries.js';
import { type ContactPage, loadContactPage } from '../../db/contact-page-queries.js';
import { latestManualMoves } from '../../db/move-undo.js';
import { BadInputError, KithError } from '../../errors.js';
import { nextStepsByContact } from '../../pipeline/next-step.js';
import { isStage } from '../../pipeline/stages.js';
import { loadContactSnapshot } from '../../scheduler/contact-snapshot.js';
import { scheduleSettings } from '../../scheduler/settings.js';
import {
  addMeetingByHand,
  cancelMeetingByHand,
  editMeetingByHand,
  type MeetingFields,
  MeetingNotHeldError,
  moveContact,
  PastMeetingError,
  parseMeeting,
  saveDetails,
  WallTimeError,
} from '../actions.js';
import { addNoteByHand } from '../advice-referral-actions.js';
import { byNextAction, nextActions, nextActionsUntilChange } from '../contact-next-actions.js';
import { backTo, cachedPage, chromeFor, formFields, idParam, redirectWith } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { html } from '../html.js';
import { meetingChangedOnWeb } from '../outbox-actions.js';
import { minuteOf, type PageCache } from '../stamp-cache.js';
import { contactBody, contactHeading } from '../views/contact.js';
import { contactListBody } from '../views/contact-list.js';
import { displayName } from '../views/format.js';
import { startHint } from '../views/getting-started.js';
import type { Flash } from '../views/layout.js';
import { page } from '../views/layout.js';
import type { MeetingFormState } from '../views/meeting-form.js';
import type { NextDue } from '../views/next-due.js';
import { undoIds, undoMoveForm } from '../views/undo-move.js';
import { mountAdviceReferrals } from './advice-referrals.js';
import { confirmCancelMeeting, confirmMovePastMeeting, notYetMet } from './confirm-pages.js';
import { choicesFor, mountContactEdits, type RefuseOnContact } from './contact-edits.js';

const MESSAGES_PER_PAGE = 50;
const CONTACTS_PER_PAGE = 100;

function nonNegative(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1_000_000) : 0;
}

function meetingFieldsOf(f: Record<string, string>): MeetingFields {
  return {
    start: f.start ?? '',
    minutes: f.minutes,
    timeZone: f.timeZone,
    mode: f.mode,
    location: f.location,
    offsetMinutes: f.offsetMinutes,
    pastConfirmed: f.pastConfirmed,
  };
}

/** What a refused meeting form shows back: the typed values and the open question. */
function refusedMeetingForm(
  target: string,
  fields: Record<string, string>,
  error: BadInputError,
): MeetingFormState {
  const { offsetMinutes, pastConfirmed, ...typed } = fields;
  return {
    target,
    fields: typed,
    message: error.message,
    choices:
      error instanceof WallTimeError && error.check.kind === 'twice'
        ? error.check.choices
        : undefined,
    // Keep asking once asked: a second refusal for another reason must not drop the box.
    askPast: error instanceof PastMeetingError || pastConfirmed === 'on',
  };
}

/**
 * The contact's zone, when kith knows it: the one stored on the contact, else
 * the zone of their latest meeting when it is not the owner's.
 */
function contactZoneOf(page: ContactPage, ownerZone: string): string | null {
  const stored = page.contact.time_zone;
  if (stored) return stored;
  const latest = [...page.meetings].sort((a, b) => b.starts_at.localeCompare(a.starts_at))[0];
  return latest && latest.time_zone !== ownerZone ? latest.time_zone : null;
}

/** Contact list, contact page and the owner's actions on a contact. */
export function contactRoutes(deps: WebDeps, cache: PageCache): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = deps;
  const allNextActions = nextActionsUntilChange(deps);

  const renderContact = async (
    c: Context<AppEnv>,
    id: number,
    flash?: Flash,
    status = 200,
    meetingForm?: MeetingFormState,
    typedDetails?: Readonly<Record<string, string>>,
  ) => {
    const offset = nonNegative(c.req.query('older'));
    const now = deps.now();
    // Only right after a move (never cached): a cached page must not carry one.
    const undo = c.req.query('msg') === 'moved' ? undoIds(c.req.query('undo')) : [];
    const render = async () => {
      const data = await loadContactPage(db, id, {
        messageLimit: MESSAGES_PER_PAGE,
        messageOffset: offset,
      });
      if (!data) throw new KithError('not_found', `There is no contact #${id}.`);
      const chrome = await chromeFor(c, deps);
      const nextStep = nextStepsByContact(
        await loadContactSnapshot(db, [id], now),
        now.toISOString(),
        scheduleSettings(deps.config),
      ).get(id);
      const view = {
        nextStep,
        choices: await choicesFor(deps),
        page: data,
        now,
        timeZone: deps.config.timeZone,
        csrfToken: chrome.csrfToken,
        keepInTouchDays: deps.config.schedule.keepInTouchDays,
        messageLimit: MESSAGES_PER_PAGE,
        messageOffset: offset,
        contactZone: contactZoneOf(data, deps.config.timeZone),
        meetingForm,
        typedDetails,
      };
      const title = displayName({
        id: data.contact.id,
        name: data.contact.name,
        email: data.emails[0]?.address,
      });
      return page({
        title,
        active: 'contacts',
        chrome: flash ? { ...chrome, flash } : chrome,
        heading: contactHeading(view),
        body: html`${undo.length > 0 ? undoMoveForm(undo, chrome.csrfToken, `/contacts/${id}`) : ''}${contactBody(view)}`,
      }).value;
    };
    if (flash) return c.html(await render(), status as 200);
    // Rendered once per change of the data (or per minute: "for 3 days").
    return cachedPage(c, cache, `contact:${id}:${offset}:${minuteOf(now)}`, render);
  };

  /**
   * Runs a form action; bad input re-renders the contact page with the
   * reason, and a meeting form (`meetingTarget`) comes back as typed.
   */
  const formAction = async (
    c: Context<AppEnv>,
    contactId: () => Promise<number> | number,
    action: (fields: Record<string, string>) => Promise<Response>,
    meetingTarget?: string,
  ) => {
    const fields = await formFields(c);
    try {
      return await action(fields);
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      const form = meetingTarget ? refusedMeetingForm(meetingTarget, fields, error) : undefined;
      return renderContact(c, await contactId(), { text: error.message, error: true }, 400, form);
    }
  };

  // Before /contacts/:id, so /contacts/new is the add form.
  const refuse: RefuseOnContact = (c, id, text, typed) =>
    renderContact(c, id, { text, error: true }, 400, undefined, typed);
  mountContactEdits(app, deps, refuse);
  mountAdviceReferrals(app, deps, refuse);

  app.get('/contacts', async (c) => {
    const stageParam = c.req.query('stage') ?? '';
    const stage = isStage(stageParam) ? stageParam : undefined;
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const offset = nonNegative(c.req.query('offset'));
    const sortParam = c.req.query('sort') ?? '';
    const sort = isContactSort(sortParam) ? sortParam : undefined;
    const desc = c.req.query('dir') === 'desc';
    const now = deps.now();
    const limit = CONTACTS_PER_PAGE;
    let listed: Awaited<ReturnType<typeof listContacts>>;
    let actions: ReadonlyMap<number, NextDue>;
    if (sort === 'next') {
      // The planner is code, not SQL: every listed contact is asked, then one page is shown.
      const ids = await listContactIds(db, { stage, q });
      actions = await allNextActions(ids, now);
      const shown = byNextAction(ids, actions, now, desc).slice(offset, offset + limit);
      const { rows } = await listContacts(db, { ids: shown, limit, offset: 0 });
      const byId = new Map(rows.map((r) => [r.id, r]));
      listed = {
        total: ids.length,
        rows: shown.flatMap((id) => byId.get(id) ?? []),
      };
    } else {
      listed = await listContacts(db, { stage, q, limit, offset, sort, desc });
      actions = await nextActions(
        deps,
        listed.rows.map((r) => r.id),
        now,
      );
    }
    const { total, rows } = listed;
    const chrome = await chromeFor(c, deps);
    const list = contactListBody({
      rows,
      total,
      stage,
      q,
      sort,
      desc,
      offset,
      limit,
      now,
      timeZone: deps.config.timeZone,
      nextActions: actions,
    });
    const empty = total === 0 && !stage && q === '';
    const body = html`${empty ? startHint(deps.config.serviceAddress, 'No contacts yet') : ''}${list}`;
    const heading = html`<h1>Contacts</h1><p><a class="button" href="/contacts/new">Add a contact</a></p>`;
    return c.html(page({ title: 'Contacts', active: 'contacts', chrome, heading, body }).value);
  });

  app.get('/contacts/:id', (c) => renderContact(c, idParam(c)));

  app.post('/contacts/:id', async (c) => {
    const id = idParam(c);
    const f = await formFields(c);
    try {
      await saveDetails(
        db,
        id,
        {
          name: f.name,
          company: f.company,
          title: f.title,
          linkedinUrl: f.linkedin,
          cadenceDays: f.cadence,
          timeZone: f.time_zone,
        },
        deps.now(),
      );
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      // The form comes back as typed, so a mistyped zone is corrected, not typed again.
      return renderContact(c, id, { text: error.message, error: true }, 400, undefined, f);
    }
    return redirectWith(c, `/contacts/${id}`, 'saved');
  });

  app.post('/contacts/:id/stage', (c) => {
    const id = idParam(c);
    return formAction(
      c,
      () => id,
      async (f) => {
        const back = backTo(f, `/contacts/${id}`);
        const meetingConfirmed = f.confirm === 'yes';
        try {
          const result = await moveContact(db, id, f.to ?? '', f.reason ?? null, deps.now(), {
            meetingConfirmed,
          });
          if (!result.moved) return redirectWith(c, back, 'not_moved');
          const moves = await latestManualMoves(db, [id]);
          const sep = back.includes('?') ? '&' : '?';
          // The flash first, as for every other move; the undo button reads `undo`.
          return c.redirect(`${back}${sep}msg=moved&undo=${moves.join('.')}`, 303);
        } catch (error) {
          if (!(error instanceof MeetingNotHeldError)) throw error;
          return confirmMovePastMeeting(c, deps, {
            to: error.to,
            notYet: await notYetMet(db, [id], error.to, deps.now()),
            action: `/contacts/${id}/stage`,
            fields: [
              ['to', error.to],
              ['reason', f.reason ?? ''],
              ['back', back],
            ],
            back,
          });
        }
      },
    );
  });

  app.post('/contacts/:id/notes', async (c) => {
    const id = idParam(c);
    const f = await formFields(c);
    try {
      // Read like the owner's mail: advice, referral and cadence lines become data.
      await addNoteByHand(db, id, f.body ?? '', deps.now());
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      return renderContact(c, id, { text: error.message, error: true }, 400, undefined, f);
    }
    return redirectWith(c, `/contacts/${id}`, 'note');
  });

  app.post('/contacts/:id/meetings', (c) => {
    const id = idParam(c);
    return formAction(
      c,
      () => id,
      async (f) => {
        const input = parseMeeting(meetingFieldsOf(f), deps.config.timeZone, { now: deps.now() });
        await addMeetingByHand(db, id, input, deps.now());
        return redirectWith(c, `/contacts/${id}`, 'meeting_added');
      },
      'new',
    );
  });

  const meetingContact = async (meetingId: number) => {
    const row = await db
      .selectFrom('meetings')
      .select('contact_id')
      .where('id', '=', meetingId)
      .executeTakeFirst();
    if (!row) throw new KithError('not_found', `There is no meeting #${meetingId}.`);
    return row.contact_id;
  };

  app.post('/meetings/:id', (c) => {
    const id = idParam(c);
    return formAction(
      c,
      () => meetingContact(id),
      async (f) => {
        const stored = await db
          .selectFrom('meetings')
          .select('starts_at')
          .where('id', '=', id)
          .executeTakeFirst();
        const input = parseMeeting(meetingFieldsOf(f), deps.config.timeZone, {
          now: deps.now(),
          storedStart: stored?.starts_at,
        });
        const meeting = await editMeetingByHand(db, id, input, deps.now());
        await meetingChangedOnWeb(deps, meeting.id);
        return redirectWith(c, `/contacts/${meeting.contact_id}`, 'meeting_saved');
      },
      String(id),
    );
  });

  app.post('/meetings/:id/cancel', async (c) => {
    const id = idParam(c);
    if ((await formFields(c)).confirm !== 'yes') return confirmCancelMeeting(c, deps, id);
    const meeting = await cancelMeetingByHand(db, id, deps.now());
    await meetingChangedOnWeb(deps, meeting.id);
    return redirectWith(c, `/contacts/${meeting.contact_id}`, 'meeting_cancelled');
  });

  return app;
}
