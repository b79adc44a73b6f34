import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';

/**
 * Against DNS rebinding: a page on evil.example whose name is made to point
 * at 127.0.0.1 reaches kith as same-origin, but its requests still say
 * `Host: evil.example`. kith answers only to names it was given: loopback
 * names, WEB_HOST and the host of WEB_PUBLIC_URL. An IP address as Host is
 * always fine: a browser sends one only when the page's own origin is that
 * address, which no other site can claim (this keeps WEB_HOST=0.0.0.0
 * reachable at the machine's LAN address).
 */
export function allowedHostnames(web: {
  readonly host: string;
  readonly publicUrl: string | undefined;
}): ReadonlySet<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  names.add(
    normalise(web.host.includes(':') && !web.host.startsWith('[') ? `[${web.host}]` : web.host),
  );
  if (web.publicUrl !== undefined) names.add(normalise(new URL(web.publicUrl).hostname));
  return names;
}

function normalise(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
}

export function refuseUnknownHost(allowed: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    const hostname = normalise(new URL(c.req.url).hostname);
    if (!allowed.has(hostname) && !isIpLiteral(hostname)) {
      // 421: this server is not the one for that name. The name is not echoed back.
      return c.text(
        'kith does not answer to this host name. Open it at 127.0.0.1 or localhost, or set WEB_PUBLIC_URL to the address you use.',
        421,
      );
    }
    await next();
  };
}
