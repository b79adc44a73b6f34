import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { loadBoard } from '../../db/board-queries.js';
import { listContacts } from '../../db/contact-list-queries.js';
import { type ContactPage, loadContactPage } from '../../db/contact-page-queries.js';
import { loadDraft, loadPendingDrafts } from '../../db/draft-queries.js';
import { loadMeetings, type MeetingRow } from '../../db/meeting-list-queries.js';
import type { MeetingInput } from '../../db/meetings.js';
import type { Meeting } from '../../db/schema.js';
import { BadInputError, KithError } from '../../errors.js';
import { isStage } from '../../pipeline/stages.js';
import {
  addMeetingByHand,
  cancelMeetingByHand,
  editMeetingByHand,
  type MeetingTiming,
  moveContact,
  PastMeetingError,
  parseMeeting,
  saveDetails,
  WallTimeError,
} from '../actions.js';
import { addNoteByHand } from '../advice-referral-actions.js';
import { idParam } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { meetingChangedOnWeb } from '../outbox-actions.js';
import { contactApiRoutes } from './api-contacts.js';
import { draftAction } from './drafts.js';
import type { Numbers } from './numbers.js';

/** Reads and validates a JSON body (empty means {}); bad JSON or shape is a 400 with the reason. */
export async function jsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new BadInputError('The request body must be JSON (Content-Type: application/json).');
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BadInputError(
      `Invalid ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'not accepted'}`,
    );
  }
  return result.data;
}

// Lengths are the actions' to check (field-limits.ts), so a page and the API refuse alike.
const optionalText = z.string().nullable().optional();
const detailsSchema = z.object({
  name: optionalText,
  company: optionalText,
  title: optionalText,
  linkedinUrl: optionalText,
  cadenceDays: z.number().int().min(1).max(3650).nullable().optional(),
});
const moveSchema = z.object({ to: z.string(), reason: z.string().optional() });
const noteSchema = z.object({ body: z.string() });
const meetingSchema = z.object({
  start: z.string().min(1),
  minutes: z.number().int().optional(),
  timeZone: z.string().optional(),
  mode: z.string().optional(),
  location: z.string().nullable().optional(),
  /** Which reading of a time the clocks pass twice: its UTC offset in minutes. */
  offsetMinutes: z.number().int().min(-900).max(900).nullable().optional(),
  /** The meeting is in the past and really took place then. */
  pastConfirmed: z.boolean().optional(),
});

/**
 * Parses a meeting; a time the clocks skip or repeat, or a past start not
 * confirmed, answers 400 with what to send instead.
 */
function parseMeetingOr400(
  c: Context,
  body: z.infer<typeof meetingSchema>,
  zone: string,
  timing: MeetingTiming,
): MeetingInput | Response {
  try {
    return parseMeeting(body, zone, timing);
  } catch (error) {
    if (error instanceof WallTimeError) {
      const check = error.check;
      return c.json(
        check.kind === 'twice'
          ? { error: check.message, choices: check.choices, retryWith: 'offsetMinutes' }
          : { error: check.message, suggestions: check.suggestions },
        400,
      );
    }
    if (error instanceof PastMeetingError) {
      return c.json({ error: error.message, retryWith: 'pastConfirmed' }, 400);
    }
    throw error;
  }
}

const approveSchema = z.object({ text: z.string().max(100_000).optional() });
const snoozeSchema = z.object({ days: z.number().int() });

function meetingJson(m: Meeting | MeetingRow) {
  return {
    id: m.id,
    contactId: m.contact_id,
    ...('contact_name' in m
      ? { contactName: m.contact_name, contactCompany: m.contact_company }
      : {}),
    startsAt: m.starts_at,
    endsAt: m.ends_at,
    timeZone: m.time_zone,
    mode: m.mode,
    location: m.location,
    status: m.status,
    /** The contact's answer to kith's calendar invitation (ACCEPTED, DECLINED, TENTATIVE) or null. */
    invitationAnswer: m.attendee_answer ?? null,
  };
}

/** The contact page's data in the API's camelCase shape. */
function contactJson(p: ContactPage) {
  const c = p.contact;
  return {
    id: c.id,
    name: c.name,
    company: c.company,
    title: c.title,
    linkedinUrl: c.linkedin_url,
    source: c.source,
    stage: c.stage,
    stageChangedAt: c.stage_changed_at,
    cadenceDays: c.cadence_days,
    createdAt: c.created_at,
    emails: p.emails.map((e) => ({
      address: e.address,
      primary: e.is_primary === 1,
      deadAt: e.dead_at,
      // Why kith added the address on its own (a reply in the thread), null when given.
      learnedCause: e.learned_cause,
      deadReason: e.dead_reason,
    })),
    referralChain: p.referralChain,
    referrals: p.referrals,
    messageCount: p.messageCount,
    messages: p.messages,
    meetings: p.meetings.map(meetingJson),
    notes: p.notes.map((n) => ({
      id: n.id,
      at: n.created_at,
      text: n.body,
      byMail: n.source_message_id !== null,
    })),
    advice: p.advice.map((a) => ({ id: a.id, at: a.created_at, text: a.body })),
    drafts: p.drafts.map((d) => ({
      id: d.id,
      kind: d.kind,
      state: d.state,
      subject: d.subject,
      createdAt: d.created_at,
      sentAt: d.sent_at,
    })),
    history: p.history.map((h) => ({
      from: h.from_stage,
      to: h.to_stage,
      at: h.at,
      cause: h.cause,
      manual: h.manual === 1,
    })),
  };
}

function limitParam(value: string | undefined, fallback: number, max: number): number {
  const n = Number(value ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

/**
 * The JSON API under /api (session cookie; writes need X-CSRF-Token from
 * GET /api/session). Documented in the README's "JSON API" section.
 */
export function apiRoutes(deps: WebDeps, numbers: () => Promise<Numbers>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = deps;

  app.get('/session', (c) => {
    const session = c.get('session');
    return c.json({ csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  app.get('/board', async (c) => {
    const columns = await loadBoard(db, {
      now: deps.now(),
      perColumn: limitParam(c.req.query('perColumn'), 30, 200),
    });
    return c.json({ columns });
  });

  app.get('/contacts', async (c) => {
    const stage = c.req.query('stage');
    if (stage !== undefined && !isStage(stage))
      throw new BadInputError(`"${stage}" is not a stage.`);
    const offset = Number(c.req.query('offset') ?? 0);
    const result = await listContacts(db, {
      stage,
      q: c.req.query('q')?.slice(0, 200),
      limit: limitParam(c.req.query('limit'), 100, 1000),
      offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
    });
    return c.json({ total: result.total, contacts: result.rows });
  });

  app.get('/contacts/:id', async (c) => {
    const id = idParam(c);
    const data = await loadContactPage(db, id, {
      messageLimit: limitParam(c.req.query('messages'), 50, 1000),
      messageOffset: Math.max(0, Number(c.req.query('messageOffset') ?? 0) || 0),
    });
    if (!data) throw new KithError('not_found', `There is no contact #${id}.`);
    return c.json(contactJson(data));
  });

  app.patch('/contacts/:id', async (c) => {
    const id = idParam(c);
    const body = await jsonBody(c, detailsSchema);
    const current = await loadContactPage(db, id, { messageLimit: 0, messageOffset: 0 });
    if (!current) throw new KithError('not_found', `There is no contact #${id}.`);
    // PATCH: fields left out keep their value.
    const was = current.contact;
    await saveDetails(
      db,
      id,
      {
        name: body.name === undefined ? was.name : body.name,
        company: body.company === undefined ? was.company : body.company,
        title: body.title === undefined ? was.title : body.title,
        linkedinUrl: body.linkedinUrl === undefined ? was.linkedin_url : body.linkedinUrl,
        cadenceDays: body.cadenceDays === undefined ? was.cadence_days : body.cadenceDays,
      },
      deps.now(),
    );
    return c.json({ ok: true });
  });

  app.post('/contacts/:id/stage', async (c) => {
    const id = idParam(c);
    const body = await jsonBody(c, moveSchema);
    const result = await moveContact(db, id, body.to, body.reason ?? null, deps.now());
    return c.json(result, result.moved ? 200 : 409);
  });

  app.post('/contacts/:id/notes', async (c) => {
    const id = idParam(c);
    const body = await jsonBody(c, noteSchema);
    // Read like a note typed on the page: advice, referral and cadence lines become data.
    const outcome = await addNoteByHand(db, id, body.body, deps.now());
    const { noteId, advice, referrals, cadenceDays } = outcome;
    return c.json({ id: noteId, advice, referrals, cadenceDays }, 201);
  });

  app.get('/meetings', async (c) => {
    const result = await loadMeetings(db, {
      now: deps.now(),
      pastLimit: limitParam(c.req.query('past'), 100, 1000),
    });
    return c.json({
      upcoming: result.upcoming.map(meetingJson),
      past: result.past.map(meetingJson),
    });
  });

  app.post('/contacts/:id/meetings', async (c) => {
    const id = idParam(c);
    const body = await jsonBody(c, meetingSchema);
    const input = parseMeetingOr400(c, body, deps.config.timeZone, { now: deps.now() });
    if (input instanceof Response) return input;
    return c.json({ id: await addMeetingByHand(db, id, input, deps.now()) }, 201);
  });

  app.patch('/meetings/:id', async (c) => {
    const id = idParam(c);
    const body = await jsonBody(c, meetingSchema);
    const stored = await db
      .selectFrom('meetings')
      .select('starts_at')
      .where('id', '=', id)
      .executeTakeFirst();
    const input = parseMeetingOr400(c, body, deps.config.timeZone, {
      now: deps.now(),
      storedStart: stored?.starts_at,
    });
    if (input instanceof Response) return input;
    const meeting = await editMeetingByHand(db, id, input, deps.now());
    await meetingChangedOnWeb(deps, meeting.id);
    return c.json(meetingJson(meeting));
  });

  app.post('/meetings/:id/cancel', async (c) => {
    const meeting = await cancelMeetingByHand(db, idParam(c), deps.now());
    await meetingChangedOnWeb(deps, meeting.id);
    return c.json(meetingJson(meeting));
  });

  app.get('/drafts', async (c) => c.json({ drafts: await loadPendingDrafts(db) }));

  app.get('/drafts/:id', async (c) => {
    const id = idParam(c);
    const draft = await loadDraft(db, id);
    if (!draft) throw new KithError('not_found', `There is no draft #${id}.`);
    return c.json(draft);
  });

  /** Draft actions answer 200 with the outbox's one-line message, or 409 when refused. */
  const draftReply = (c: Context, result: { ok: boolean; message: string }) =>
    c.json({ ok: result.ok, message: result.message }, result.ok ? 200 : 409);

  app.post('/drafts/:id/approve', async (c) => {
    const id = idParam(c);
    const body = await jsonBody(c, approveSchema);
    return draftReply(c, await draftAction(deps, id, 'approve', { text: body.text }));
  });

  app.post('/drafts/:id/skip', async (c) =>
    draftReply(c, await draftAction(deps, idParam(c), 'skip', {})),
  );

  app.post('/drafts/:id/snooze', async (c) => {
    const id = idParam(c);
    const body = await jsonBody(c, snoozeSchema);
    return draftReply(c, await draftAction(deps, id, 'snooze', { days: body.days }));
  });

  // Contacts by hand: add, addresses, referrer, merge, delete.
  app.route('/', contactApiRoutes(deps));

  app.get('/stats', async (c) => {
    const data = await numbers();
    return c.json({
      funnel: data.funnel,
      replyRates: data.replies.map((r) => ({
        ...r,
        rate: r.sent === 0 ? null : r.replied / r.sent,
      })),
      referrals: data.tree.nodes.map((n) => ({
        id: n.id,
        name: n.name,
        stage: n.stage,
        referredById: n.parentId,
        doors: n.doors,
        reach: n.reach,
      })),
    });
  });

  return app;
}
