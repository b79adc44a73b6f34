import type { Session } from './auth/session.js';

/** Hono's typed context for kith's web app: routes behind login see the session. */
export interface AppEnv {
  Variables: {
    session: Session;
  };
}
