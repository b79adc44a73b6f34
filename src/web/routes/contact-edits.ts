import type { Context, Hono } from 'hono';
import { contactChoices, previewDeletion } from '../../db/contact-edits.js';
import { emailsOf, findContactById } from '../../db/contacts.js';
import { BadInputError, KithError } from '../../errors.js';
import {
  addAddressByHand,
  addContactByHand,
  deleteContactByHand,
  makePrimaryByHand,
  mergeByHand,
  removeAddressByHand,
  resolveContactRef,
  setReferrer,
} from '../contact-actions.js';
import { chromeFor, formFields, idParam, redirectWith } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { html } from '../html.js';
import {
  type ContactChoice,
  deleteConfirmBody,
  mergeConfirmBody,
  newContactBody,
} from '../views/contact-manage.js';
import { displayName } from '../views/format.js';
import { page } from '../views/layout.js';

/** How many contacts a "pick a contact" list offers (typing narrows them in the browser). */
const CHOICES = 500;

export async function choicesFor(deps: WebDeps): Promise<ContactChoice[]> {
  return contactChoices(deps.db, CHOICES);
}

/** Shows the contact page again with the refusal and what was typed. */
export type RefuseOnContact = (
  c: Context<AppEnv>,
  id: number,
  message: string,
  typed: Record<string, string>,
) => Promise<Response>;

/** Runs an edit of contact `id` from a form; bad input comes back on its page, as typed. */
export function contactEdit(refuse: RefuseOnContact) {
  return async (
    c: Context<AppEnv>,
    action: (id: number, f: Record<string, string>) => Promise<Response>,
  ): Promise<Response> => {
    const id = idParam(c);
    const f = await formFields(c);
    try {
      return await action(id, f);
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      return refuse(c, id, error.message, f);
    }
  };
}

async function primaryOf(deps: WebDeps, id: number): Promise<string | null> {
  return (await emailsOf(deps.db, id))[0]?.address ?? null;
}

/**
 * Contacts by hand: add one, its addresses, who referred them, merge two,
 * delete one. Mounted before /contacts/:id so /contacts/new is this page.
 */
export function mountContactEdits(app: Hono<AppEnv>, deps: WebDeps, refuse: RefuseOnContact): void {
  const { db } = deps;

  const edit = contactEdit(refuse);

  const newForm = async (c: Context<AppEnv>, typed?: Record<string, string>, error?: string) => {
    const chrome = await chromeFor(c, deps);
    return c.html(
      page({
        title: 'Add a contact',
        active: 'contacts',
        chrome,
        heading: html`<h1>Add a contact</h1>`,
        body: newContactBody({
          csrfToken: chrome.csrfToken,
          typed,
          error,
          choices: await choicesFor(deps),
        }),
      }).value,
      error ? 400 : 200,
    );
  };

  app.get('/contacts/new', (c) => newForm(c));

  app.post('/contacts', async (c) => {
    const f = await formFields(c);
    try {
      const id = await addContactByHand(
        db,
        {
          name: f.name,
          company: f.company,
          title: f.title,
          linkedinUrl: f.linkedin,
          addresses: f.addresses,
          how: f.how,
          referredBy: f.referredBy,
        },
        deps.now(),
      );
      return redirectWith(c, `/contacts/${id}`, 'contact_added');
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      return newForm(c, f, error.message);
    }
  });

  app.post('/contacts/:id/addresses', (c) =>
    edit(c, async (id, f) => {
      await addAddressByHand(db, id, f.address ?? '', { primary: f.primary === 'on' }, deps.now());
      return redirectWith(c, `/contacts/${id}`, 'address_added');
    }),
  );

  app.post('/contacts/:id/addresses/remove', (c) =>
    edit(c, async (id, f) => {
      await removeAddressByHand(db, id, f.address ?? '', deps.now());
      return redirectWith(c, `/contacts/${id}`, 'address_removed');
    }),
  );

  app.post('/contacts/:id/addresses/primary', (c) =>
    edit(c, async (id, f) => {
      await makePrimaryByHand(db, id, f.address ?? '');
      return redirectWith(c, `/contacts/${id}`, 'primary_set');
    }),
  );

  app.post('/contacts/:id/referrer', (c) =>
    edit(c, async (id, f) => {
      await setReferrer(db, id, f.referredBy, deps.now());
      return redirectWith(c, `/contacts/${id}`, 'referrer_saved');
    }),
  );

  const loadOrThrow = async (id: number) => {
    const contact = await findContactById(db, id);
    if (!contact) throw new KithError('not_found', `There is no contact #${id}.`);
    return contact;
  };

  app.get('/contacts/:id/merge', async (c) => {
    const id = idParam(c);
    const typed = (c.req.query('with') ?? '').slice(0, 300);
    const kept = await loadOrThrow(id);
    let otherId: number;
    try {
      if (typed.trim() === '') throw new BadInputError('Pick the contact to merge into this one.');
      otherId = await resolveContactRef(db, typed);
      if (otherId === id) throw new BadInputError('A contact cannot be merged with itself.');
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      return refuse(c, id, error.message, { with: typed });
    }
    const gone = await loadOrThrow(otherId);
    const chrome = await chromeFor(c, deps);
    const keptEmail = await primaryOf(deps, kept.id);
    return c.html(
      page({
        title: 'Merge two contacts',
        active: 'contacts',
        chrome,
        heading: html`<h1>Merge two contacts</h1>`,
        body: mergeConfirmBody(
          kept,
          keptEmail,
          gone,
          await primaryOf(deps, gone.id),
          chrome.csrfToken,
        ),
      }).value,
    );
  });

  app.post('/contacts/:id/merge', (c) =>
    edit(c, async (id, f) => {
      const other = Number(f.with);
      if (!Number.isInteger(other) || other < 1)
        throw new BadInputError('Pick the contact to merge into this one.');
      await mergeByHand(db, id, other, deps.now());
      return redirectWith(c, `/contacts/${id}`, 'merged');
    }),
  );

  app.get('/contacts/:id/delete', async (c) => {
    const contact = await loadOrThrow(idParam(c));
    const email = await primaryOf(deps, contact.id);
    const chrome = await chromeFor(c, deps);
    const name = displayName({ id: contact.id, name: contact.name, email });
    return c.html(
      page({
        title: `Delete ${name}`,
        active: 'contacts',
        chrome,
        heading: html`<h1>Delete ${name}?</h1>`,
        body: deleteConfirmBody(
          contact,
          email,
          await previewDeletion(db, contact.id, deps.now().toISOString()),
          chrome.csrfToken,
        ),
      }).value,
    );
  });

  app.post('/contacts/:id/delete', async (c) => {
    await deleteContactByHand(db, idParam(c), deps.now());
    return redirectWith(c, '/contacts', 'deleted');
  });
}
