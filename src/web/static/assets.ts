import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { APP_CSS } from './app-css.js';
import { APP_JS } from './app-js.js';

interface Asset {
  readonly path: string;
  readonly body: string;
  readonly type: string;
}

function asset(name: string, ext: string, body: string, type: string): Asset {
  // The content hash in the name lets browsers cache it for good.
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return { path: `/static/${name}.${hash}.${ext}`, body, type };
}

export const STYLESHEET = asset('app', 'css', APP_CSS, 'text/css; charset=utf-8');
export const SCRIPT = asset('app', 'js', APP_JS, 'text/javascript; charset=utf-8');

/** Public, immutable static files (the login page needs them before any session). */
export function staticRoutes(): Hono {
  const app = new Hono();
  for (const a of [STYLESHEET, SCRIPT]) {
    app.get(a.path, (c) => {
      c.header('Content-Type', a.type);
      c.header('Cache-Control', 'public, max-age=31536000, immutable');
      return c.body(a.body);
    });
  }
  return app;
}
