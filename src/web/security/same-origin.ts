/**
 * Not hono/csrf, because its rule differs from kith's in two ways its options
 * cannot change: it checks only form-like content types (a cross-site JSON or
 * XML post passes it untouched; kith refuses those too), and it refuses a form
 * post that carries neither Origin nor Sec-Fetch-Site (its `origin` and
 * `secFetchSite` callbacks are never called when the header is absent), where
 * kith lets such non-browser clients through to the CSRF token check. Its
 * callbacks could express the rest, including `Origin: null`.
 */
import type { Context, MiddlewareHandler } from 'hono';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * True when a browser tells us the request comes from another site: an
 * Origin header naming another host, or Sec-Fetch-Site saying cross-site or
 * same-site. `Origin: null` proves nothing either way — browsers send it for
 * every form post from a page under Referrer-Policy: no-referrer (kith's own
 * pages) — so then Sec-Fetch-Site decides. A client that sends neither (curl,
 * a script) is not a browser being tricked; it still needs the CSRF token.
 */
function isCrossSiteRequest(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== 'null') {
    try {
      return new URL(origin).host !== new URL(c.req.url).host;
    } catch {
      return true;
    }
  }
  const site = c.req.header('sec-fetch-site');
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

/** Refuses every state-changing request that a browser marks as cross-site. */
export function refuseCrossSite(): MiddlewareHandler {
  return async (c, next) => {
    if (isUnsafeMethod(c.req.method) && isCrossSiteRequest(c)) {
      return c.text('Cross-site request refused.', 403);
    }
    await next();
  };
}
