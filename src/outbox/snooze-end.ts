import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import { resolveSnooze, type Snooze } from '../pipeline/owner-commands.js';

/**
 * When a snooze given at `at` ends, in the owner's zone and at the hour kith
 * asks about thank-yous; null when it names no future time. The one place
 * mail ("snooze 3d") and the web's snooze button turn a snooze into an instant.
 */
export function snoozeEnd(
  config: Pick<Config, 'timeZone' | 'schedule'>,
  snooze: Snooze,
  at: string,
): string | null {
  const local = DateTime.fromISO(at, { zone: config.timeZone });
  const offset = local.isValid ? local.offset : 0;
  return resolveSnooze(snooze, at, offset, config.schedule.thankYouHour);
}
