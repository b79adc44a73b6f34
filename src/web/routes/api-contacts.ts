import { Hono } from 'hono';
import { z } from 'zod';
import {
  addAddressByHand,
  addContactByHand,
  deleteContactByHand,
  makePrimaryByHand,
  mergeByHand,
  removeAddressByHand,
  setReferrer,
} from '../contact-actions.js';
import { idParam } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { jsonBody } from './api.js';

// Lengths are the actions' to check (field-limits.ts), so a page and the API refuse alike.
const text = z.string().nullable().optional();
/** A contact named as its id, or as the pages accept it: `#12`, an address, an exact name. */
const contactRef = z.union([z.number().int().positive(), z.string()]).nullable();

const newContactSchema = z.object({
  name: text,
  company: text,
  title: text,
  linkedinUrl: text,
  addresses: z.array(z.string()).optional(),
  how: text,
  referredBy: contactRef.optional(),
});
const addressSchema = z.object({ address: z.string(), primary: z.boolean().optional() });
const referrerSchema = z.object({ referredBy: contactRef });
const mergeSchema = z.object({ from: z.number().int().positive() });

const asRef = (ref: number | string | null | undefined) =>
  typeof ref === 'number' ? `#${ref}` : (ref ?? null);

/** The JSON API's hand edits of people: the same actions as the pages (contact-actions.ts). */
export function contactApiRoutes(deps: WebDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = deps;

  app.post('/contacts', async (c) => {
    const body = await jsonBody(c, newContactSchema);
    const id = await addContactByHand(
      db,
      { ...body, referredBy: asRef(body.referredBy) },
      deps.now(),
    );
    return c.json({ id }, 201);
  });

  app.delete('/contacts/:id', async (c) => {
    await deleteContactByHand(db, idParam(c), deps.now());
    return c.json({ ok: true });
  });

  app.put('/contacts/:id/referrer', async (c) => {
    const body = await jsonBody(c, referrerSchema);
    await setReferrer(db, idParam(c), asRef(body.referredBy), deps.now());
    return c.json({ ok: true });
  });

  app.post('/contacts/:id/addresses', async (c) => {
    const body = await jsonBody(c, addressSchema);
    const address = await addAddressByHand(
      db,
      idParam(c),
      body.address,
      { primary: body.primary ?? false },
      deps.now(),
    );
    return c.json({ address }, 201);
  });

  app.delete('/contacts/:id/addresses/:address', async (c) => {
    await removeAddressByHand(db, idParam(c), c.req.param('address'), deps.now());
    return c.json({ ok: true });
  });

  app.post('/contacts/:id/addresses/:address/primary', async (c) => {
    await makePrimaryByHand(db, idParam(c), c.req.param('address'));
    return c.json({ ok: true });
  });

  app.post('/contacts/:id/merge', async (c) => {
    const body = await jsonBody(c, mergeSchema);
    const result = await mergeByHand(db, idParam(c), body.from, deps.now());
    return c.json({ id: result.keptId, stage: result.stage });
  });

  return app;
}
