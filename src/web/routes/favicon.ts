import { Hono } from 'hono';

/** kith's icon: a "k" on the accent colour. SVG, so one small file serves every size. */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#2f5d8a"/><path d="M20 14h8v20l14-14h10L36 36l17 14H42L28 38v12h-8z" fill="#fff"/></svg>`;

/**
 * Public: browsers ask for /favicon.ico on every page whatever the page
 * links, and each 404 was logged. Both names answer with the same icon.
 */
export function faviconRoutes(): Hono {
  const app = new Hono();
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, (c) => {
      c.header('Content-Type', 'image/svg+xml');
      c.header('Cache-Control', 'public, max-age=86400');
      return c.body(ICON);
    });
  }
  return app;
}
