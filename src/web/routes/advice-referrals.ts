import type { Hono } from 'hono';
import { BadInputError } from '../../errors.js';
import {
  addAdviceByHand,
  addReferralByHand,
  editAdviceByHand,
  removeAdviceByHand,
  removeReferralByHand,
} from '../advice-referral-actions.js';
import { idParam, redirectWith } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { contactEdit, type RefuseOnContact } from './contact-edits.js';

/** Advice and referrals by hand on the contact page. */
export function mountAdviceReferrals(
  app: Hono<AppEnv>,
  deps: WebDeps,
  refuse: RefuseOnContact,
): void {
  const { db } = deps;

  const edit = contactEdit(refuse);

  app.post('/contacts/:id/advice', (c) =>
    edit(c, async (id, f) => {
      await addAdviceByHand(db, id, f.advice, deps.now());
      return redirectWith(c, `/contacts/${id}`, 'advice_added');
    }),
  );

  app.post('/contacts/:id/advice/:adviceId', (c) =>
    edit(c, async (id, f) => {
      await editAdviceByHand(db, id, idParam(c, 'adviceId'), f.adviceBody);
      return redirectWith(c, `/contacts/${id}`, 'advice_saved');
    }),
  );

  app.post('/contacts/:id/advice/:adviceId/remove', (c) =>
    edit(c, async (id) => {
      await removeAdviceByHand(db, id, idParam(c, 'adviceId'));
      return redirectWith(c, `/contacts/${id}`, 'advice_removed');
    }),
  );

  app.post('/contacts/:id/referrals', (c) =>
    edit(c, async (id, f) => {
      await addReferralByHand(
        db,
        id,
        { pick: f.referralPick, name: f.referralName, address: f.referralAddress },
        deps.now(),
      );
      return redirectWith(c, `/contacts/${id}`, 'referral_added');
    }),
  );

  app.post('/contacts/:id/referrals/remove', (c) =>
    edit(c, async (id, f) => {
      const referred = Number(f.referred);
      if (!Number.isInteger(referred) || referred < 1)
        throw new BadInputError('Choose the person to take out of their referrals.');
      await removeReferralByHand(db, id, referred, deps.now());
      return redirectWith(c, `/contacts/${id}`, 'referral_removed');
    }),
  );
}
