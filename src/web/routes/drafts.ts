import { type Context, Hono } from 'hono';
import { loadDraft, loadPendingDrafts } from '../../db/draft-queries.js';
import { KithError } from '../../errors.js';
import type { CommandResult } from '../../outbox/draft-commands.js';
import { chromeFor, formFields, idParam, redirectWith } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { html } from '../html.js';
import {
  approveFromWeb,
  editedOrUndefined,
  skipFromWeb,
  snoozeFromWeb,
} from '../outbox-actions.js';
import { draftCard, draftsBody } from '../views/drafts.js';
import { type Flash, page } from '../views/layout.js';

/** Runs the action a draft form's button asked for, through src/outbox/drafts.ts. */
export async function draftAction(
  deps: WebDeps,
  id: number,
  action: string | undefined,
  fields: { text?: string; days?: string | number },
): Promise<CommandResult> {
  const draft = await loadDraft(deps.db, id);
  if (!draft) throw new KithError('not_found', `There is no draft #${id}.`);
  switch (action) {
    case 'approve':
      return approveFromWeb(deps, id, editedOrUndefined(draft.bodyText, fields.text));
    case 'skip':
      return skipFromWeb(deps, id);
    case 'snooze':
      return snoozeFromWeb(deps, id, Number(fields.days ?? 3));
    default:
      throw new KithError('bad_input', 'Choose approve, skip or snooze.');
  }
}

/** GET /drafts, GET /drafts/:id, POST /drafts/:id. */
export function draftRoutes(deps: WebDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const tz = deps.config.timeZone;

  const renderOne = async (
    c: Context<AppEnv>,
    id: number,
    flash?: Flash,
    status = 200,
    typed?: string,
  ) => {
    const draft = await loadDraft(deps.db, id);
    if (!draft) throw new KithError('not_found', `There is no draft #${id}.`);
    const chrome = await chromeFor(c, deps);
    return c.html(
      page({
        title: `Draft #${id}`,
        active: 'drafts',
        chrome: flash ? { ...chrome, flash } : chrome,
        heading: html`<h1>Draft</h1>`,
        body: draftCard(draft, tz, chrome.csrfToken, 'page', {
          now: deps.now(),
          ...(typed === undefined ? {} : { typed }),
        }),
      }).value,
      status as 200,
    );
  };

  app.get('/drafts', async (c) => {
    const drafts = await loadPendingDrafts(deps.db);
    const chrome = await chromeFor(c, deps);
    return c.html(
      page({
        title: 'Drafts',
        active: 'drafts',
        chrome,
        body: draftsBody(drafts, tz, chrome.csrfToken, deps.now()),
      }).value,
    );
  });

  app.get('/drafts/:id', (c) => renderOne(c, idParam(c)));

  app.post('/drafts/:id', async (c) => {
    const id = idParam(c);
    const f = await formFields(c);
    const result = await draftAction(deps, id, f.action, { text: f.text, days: f.days });
    // A refused approval shows what the owner typed again, so no edit is lost.
    if (!result.ok) return renderOne(c, id, { text: result.message, error: true }, 409, f.text);
    const code = f.action === 'approve' ? 'approved' : f.action === 'skip' ? 'skipped' : 'snoozed';
    return redirectWith(c, '/drafts', code);
  });

  return app;
}
