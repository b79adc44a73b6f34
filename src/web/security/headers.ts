import type { MiddlewareHandler } from 'hono';

/**
 * No inline script anywhere (script-src 'self'), no framing, no referrer, no
 * MIME sniffing. Styles come from /static only, so a style attribute smuggled
 * in by a mail could not even change the page's look.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    h.set('X-Frame-Options', 'DENY');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    // Private data: never store pages in shared or disk caches (static assets set their own).
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
  };
}
