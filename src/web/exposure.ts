import { KithError } from '../errors.js';
import type { Logger } from '../log.js';

/**
 * Addresses only this machine can reach. Strict on purpose: it decides whether
 * kith may listen without a password, so a name that merely ought to resolve
 * to loopback (`*.localhost`) does not count.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Checked at start, before anything runs. Listening beyond loopback, the one-
 * time login link would be the only lock on the owner's mail, so kith refuses
 * without WEB_PASSWORD; with one, plain HTTP still carries it and the session
 * cookie in clear, which is worth a warning unless an https WEB_PUBLIC_URL
 * says a TLS proxy is in front.
 */
export function checkWebExposure(
  web: {
    readonly host: string;
    readonly password: string | undefined;
    readonly publicUrl: string | undefined;
  },
  logger: Logger,
): void {
  if (isLoopbackHost(web.host)) return;
  if (web.password === undefined) {
    throw new KithError(
      'config',
      `kith will not serve the web UI on WEB_HOST=${web.host} without WEB_PASSWORD: other machines can reach it there, so set WEB_PASSWORD (or WEB_HOST=127.0.0.1).`,
    );
  }
  if (!web.publicUrl?.startsWith('https://')) {
    logger.warn(
      `The web UI listens on ${web.host} over plain HTTP: your password and session cookie cross the network readable. Put kith behind an HTTPS reverse proxy and set WEB_PUBLIC_URL=https://…, or set WEB_HOST=127.0.0.1.`,
    );
  }
}
