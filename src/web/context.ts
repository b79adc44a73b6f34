import type { Context } from 'hono';
import { countPendingDrafts } from '../db/draft-queries.js';
import { KithError } from '../errors.js';
import type { WebDeps } from './deps.js';
import type { AppEnv } from './env.js';
import type { PageCache } from './stamp-cache.js';
import type { Chrome, Flash } from './views/layout.js';

/**
 * Short, fixed messages shown after a redirect (`?msg=code`). Only codes
 * travel in the URL, so nobody can craft a link that puts their text on a
 * kith page.
 */
const FLASH: Readonly<Record<string, Flash>> = {
  moved: { text: 'Moved.' },
  not_moved: { text: 'That move was not made: the contact is already in that stage.', error: true },
  move_undone: { text: 'Move undone: back where it was, and what the move planned is taken back.' },
  move_not_undone: {
    text: 'That move cannot be undone any more: something happened to the contact since.',
    error: true,
  },
  choose_cards: { text: 'Tick the cards to move first, then press Move.', error: true },
  saved: { text: 'Saved.' },
  note: { text: 'Note added.' },
  meeting_added: { text: 'Meeting added.' },
  meeting_saved: { text: 'Meeting saved.' },
  meeting_cancelled: { text: 'Meeting cancelled.' },
  approved: { text: 'Approved: the mail is on its way.' },
  skipped: { text: 'Skipped: it will not be sent.' },
  snoozed: { text: 'Snoozed.' },
  draft_saved: { text: 'Draft saved.' },
  not_pending: { text: 'That draft no longer waits for approval.', error: true },
  queued: { text: 'Queued: the mail goes out through the outbox.' },
  feed_new: { text: 'A new calendar link was made; the old one no longer works.' },
  feed_off: { text: 'The calendar link was turned off.' },
  contact_added: { text: 'Contact added.' },
  address_added: { text: 'Address added.' },
  address_removed: { text: 'Address removed.' },
  primary_set: { text: 'Primary address changed.' },
  referrer_saved: { text: 'Referrer saved.' },
  merged: { text: 'Merged: everything of the other contact is here now.' },
  deleted: { text: 'Contact deleted.' },
  advice_added: { text: 'Advice added.' },
  advice_saved: { text: 'Advice saved.' },
  advice_removed: { text: 'Advice removed.' },
  referral_added: { text: 'Referral added.' },
  referral_removed: { text: 'Referral removed: the person stays among your contacts.' },
};

function flashFrom(c: Context): Flash | undefined {
  const code = c.req.query('msg');
  return code ? FLASH[code] : undefined;
}

/** Everything the page frame needs: CSRF token, drafts badge, first-run banner. */
export async function chromeFor(c: Context<AppEnv>, deps: WebDeps): Promise<Chrome> {
  return {
    csrfToken: c.get('session').csrfToken,
    pendingDrafts: await countPendingDrafts(deps.db),
    ownerMissing: deps.config.owner.emails.length === 0,
    flash: flashFrom(c),
  };
}

/** Sends a page rendered earlier (see PageCache). */
function htmlBytes(c: Context, bytes: Uint8Array): Response {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': 'text/html; charset=UTF-8',
  });
}

/**
 * Serves a page from `cache` under `key` (plus the session's CSRF token),
 * unless it carries a one-off flash message: then it is rendered fresh.
 */
export async function cachedPage(
  c: Context<AppEnv>,
  cache: PageCache,
  key: string,
  render: () => Promise<string>,
): Promise<Response> {
  if (flashFrom(c)) return c.html(await render());
  return htmlBytes(c, await cache.get(`${key}|${c.get('session').csrfToken}`, render));
}

/** A positive integer route parameter, else a 404. */
export function idParam(c: Context, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new KithError('not_found', 'No such page.');
  return Number(raw);
}

/** A submitted form's text fields (files are ignored here), trimmed. */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** A redirect after a successful form post, with a flash code. */
export function redirectWith(c: Context, path: string, msg: keyof typeof FLASH): Response {
  const sep = path.includes('?') ? '&' : '?';
  return c.redirect(`${path}${sep}msg=${msg}`, 303);
}

/** Where to go back to after a form post: a local path from the form, else `fallback`. */
export function backTo(fields: Record<string, string>, fallback: string): string {
  const back = fields.back;
  return back?.startsWith('/') && !back.startsWith('//') && !back.includes('\\') ? back : fallback;
}
