import { type Context, Hono } from 'hono';
import { findContactById } from '../../db/contacts.js';
import { BadInputError, KithError } from '../../errors.js';
import { chromeFor, formFields, idParam, redirectWith } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { html } from '../html.js';
import { type OutreachPreview, previewOutreach, sendOutreach } from '../outbox-actions.js';
import { composeBody } from '../views/compose.js';
import { displayName } from '../views/format.js';
import { type Flash, page } from '../views/layout.js';

/** GET/POST /contacts/:id/compose — an outreach from the template. */
export function composeRoutes(deps: WebDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const render = async (
    c: Context<AppEnv>,
    preview: OutreachPreview,
    flash?: Flash,
    status = 200,
  ) => {
    const contact = await findContactById(deps.db, preview.contactId);
    if (!contact) throw new KithError('not_found', `There is no contact #${preview.contactId}.`);
    const name = displayName({ id: contact.id, name: contact.name, email: preview.to });
    const chrome = await chromeFor(c, deps);
    return c.html(
      page({
        title: `Outreach to ${name}`,
        active: 'contacts',
        chrome: flash ? { ...chrome, flash } : chrome,
        heading: html`<h1>Outreach to <a href="/contacts/${contact.id}">${name}</a></h1>`,
        body: composeBody({ preview, csrfToken: chrome.csrfToken, contactName: name }),
      }).value,
      status as 200,
    );
  };

  app.get('/contacts/:id/compose', async (c) => render(c, await previewOutreach(deps, idParam(c))));

  app.post('/contacts/:id/compose', async (c) => {
    const id = idParam(c);
    const f = await formFields(c);
    const base = await previewOutreach(deps, id);
    const edited = { ...base, subject: f.subject ?? base.subject, text: f.text ?? base.text };
    if (f.action !== 'send') return render(c, edited);
    try {
      const result = await sendOutreach(deps, id, edited.subject, edited.text);
      if (!result.ok) return render(c, edited, { text: result.message, error: true }, 409);
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      return render(c, edited, { text: error.message, error: true }, 400);
    }
    return redirectWith(c, `/contacts/${id}`, 'queued');
  });

  return app;
}
