import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Request bodies are capped before they are read: a declared Content-Length
 * over the cap is refused at once (the node server then drops the rest), a
 * chunked body is cut off at the cap. The login form holds a password and a
 * path; forms and API calls hold text a person typed; imports hold files.
 */
export const BODY_LIMITS = {
  login: 8 * 1024,
  form: 1024 * 1024,
  /**
   * A LinkedIn Connections.csv of 30,000 people (LinkedIn's cap) is about
   * 3 MB; vCard exports with photos run larger. 20 MB keeps those working while
   * bounding what one upload holds in memory (the parsed form copies it once).
   */
  import: 20 * 1024 * 1024,
} as const;

function limitOf(path: string): keyof typeof BODY_LIMITS {
  if (path === '/login') return 'login';
  if (path === '/import') return 'import';
  return 'form';
}

const MESSAGES: Record<keyof typeof BODY_LIMITS, string> = {
  login: 'That login request is too large.',
  form: 'That request is too large (1 MB at most).',
  import: 'That file is too large to import (20 MB at most). Split it into smaller files.',
};

export function capRequestBodies(): MiddlewareHandler {
  const limiters = Object.fromEntries(
    (Object.keys(BODY_LIMITS) as (keyof typeof BODY_LIMITS)[]).map((kind) => [
      kind,
      bodyLimit({ maxSize: BODY_LIMITS[kind], onError: (c) => c.text(MESSAGES[kind], 413) }),
    ]),
  ) as Record<keyof typeof BODY_LIMITS, MiddlewareHandler>;
  return (c, next) => limiters[limitOf(c.req.path)](c, next);
}
