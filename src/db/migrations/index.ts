import type { Migration } from 'kysely';
import * as initial from './2026-11-22-initial.js';

/**
 * Static list, not a directory scan, so migrations work the same from
 * src/ under tsx and from dist/ after a build. Names sort in apply order.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22-initial': initial,
};
