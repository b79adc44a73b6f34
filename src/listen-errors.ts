import { KithError } from './errors.js';

/**
 * Why the web server could not listen, as one sentence with the fix: a
 * busy port, an address this machine does not have, or a host name that
 * does not resolve. Anything else is passed on as it is.
 */
export function listenError(error: unknown, host: string, port: number): unknown {
  const code = String((error as { code?: unknown })?.code ?? '');
  const where = `${host}:${port}`;
  const reasons: Record<string, string> = {
    EADDRINUSE: `port ${port} on ${host} is already in use (another kith, or another program): stop it, or set WEB_PORT to a free port`,
    EACCES: `kith may not listen on port ${port}: ports below 1024 need root; set WEB_PORT to 1024 or above`,
    EADDRNOTAVAIL: `WEB_HOST=${host} is not an address of this machine: set WEB_HOST to 127.0.0.1 (this machine only) or to one of its addresses`,
    ENOTFOUND: `WEB_HOST=${host} is neither an IP address nor a name that resolves: set WEB_HOST to 127.0.0.1 or a valid address`,
    EAI_AGAIN: `WEB_HOST=${host} could not be resolved: set WEB_HOST to 127.0.0.1 or a valid IP address`,
    EINVAL: `WEB_HOST=${host} is not a usable address: set WEB_HOST to 127.0.0.1 or a valid address`,
  };
  const reason = reasons[code];
  if (!reason) return error;
  return new KithError('config', `kith cannot start: cannot listen on ${where}: ${reason}.`, {
    cause: error,
  });
}
