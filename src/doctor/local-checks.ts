import { statfsSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { databaseHealth } from '../db/health.js';
import { type CheckResult, ok, problem } from './check.js';

const MIN_FREE_BYTES = 200 * 1024 * 1024;

/** Owner and service addresses: without them kith cannot tell whose mail is whose. */
export function checkAddresses(config: Config): CheckResult[] {
  const owner = config.owner.emails.length
    ? ok('owner address', config.owner.emails.join(', '))
    : problem(
        'owner address',
        'KITH_OWNER_EMAIL is not set',
        'set KITH_OWNER_EMAIL in .env to the address(es) you send from',
      );
  const service = config.serviceAddress
    ? ok('BCC address', config.serviceAddress)
    : problem(
        'BCC address',
        'KITH_SERVICE_ADDRESS is not set',
        'set KITH_SERVICE_ADDRESS to the address you BCC on outreach, e.g. you+kith@example.org',
      );
  return [owner, service];
}

/** The clock and zone every reminder depends on. */
export function checkClock(config: Config, now: Date): CheckResult {
  const local = DateTime.fromJSDate(now, { zone: config.timeZone });
  if (now.getUTCFullYear() < 2024) {
    return problem(
      'clock',
      `the system clock says ${now.toISOString()}`,
      'set the system clock (enable NTP)',
    );
  }
  return ok(
    'clock and zone',
    `${local.toFormat('ccc d LLL yyyy HH:mm')} ${config.timeZone} (UTC${local.toFormat('ZZ')})`,
  );
}

/** Free space where the database and mail files live. */
export function checkDisk(config: Config): CheckResult {
  try {
    const stats = statfsSync(config.dataDir);
    const free = stats.bavail * stats.bsize;
    const shown = `${(free / 1024 / 1024 / 1024).toFixed(1)} GiB free in ${config.dataDir}`;
    return free < MIN_FREE_BYTES
      ? problem('disk', shown, 'free some space: kith needs room for its database and outbox')
      : ok('disk', shown);
  } catch (error) {
    return problem(
      'disk',
      `cannot read ${config.dataDir}: ${(error as Error).message}`,
      'check KITH_DATA_DIR',
    );
  }
}

/** The database opens, is intact, and has every migration applied. */
export async function checkDatabase(db: Db): Promise<CheckResult> {
  try {
    const health = await databaseHealth(db);
    if (health.integrity !== 'ok') {
      return problem(
        'database',
        `damaged: ${health.integrity}`,
        'restore the latest backup with `npm run kith -- restore <file>`',
      );
    }
    if (health.pendingMigrations > 0) {
      return problem(
        'database',
        `${health.pendingMigrations} migration(s) pending`,
        'run `npm run kith -- migrate` (kith serve does it too)',
      );
    }
    return ok('database', `intact, up to date, ${health.contacts} contacts`);
  } catch (error) {
    return problem(
      'database',
      `cannot open: ${(error as Error).message}`,
      'check KITH_DATA_DIR and its permissions',
    );
  }
}
