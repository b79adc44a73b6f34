import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { type Config, loadConfig } from '../config.js';
import { databasePath, migrateToLatest, openDatabase } from '../db/database.js';
import { KithError } from '../errors.js';
import type { Logger } from '../log.js';
import { makePrivateDir } from '../private-files.js';
import { ensureSecret } from '../secret-file.js';
import { type SimulationReport, simulate } from './simulation.js';
import { OWNER, SERVICE, ZONE } from './story-mail.js';

/**
 * `kith demo`: a separate data dir filled with a believable pipeline. A dir
 * that holds anything but an earlier demo is refused (a real data dir is
 * never touched); an earlier demo is wiped and made again.
 */

const MARKER = '.kith-demo';

class DemoDirError extends KithError {
  constructor(message: string) {
    super('bad_input', message);
  }
}

/** The demo's fixed settings; nothing from the user's environment. */
function demoConfig(dataDir: string, port: number): Config {
  return ensureSecret(
    loadConfig(
      {
        KITH_DATA_DIR: dataDir,
        KITH_OWNER_EMAIL: OWNER.address,
        KITH_OWNER_NAME: OWNER.name,
        KITH_OWNER_INTRO:
          "I'm a data analyst in Berlin exploring a move into product management, and I'm talking to people who made a similar switch.",
        KITH_SERVICE_ADDRESS: SERVICE,
        KITH_TIMEZONE: ZONE,
        WEB_PORT: String(port),
      },
      { cwd: process.cwd() },
    ),
  );
}

/** Empties `dir` when it is an earlier demo (or absent, or empty); refuses anything else. */
function prepareDemoDir(dir: string): 'fresh' | 'reset' {
  if (!existsSync(dir)) {
    makePrivateDir(dir);
  } else {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new DemoDirError(
        `${dir} is not empty and holds no earlier kith demo; the demo never writes into other data. Choose another --data-dir.`,
      );
    }
    if (entries.length > 0) {
      for (const entry of entries) rmSync(path.join(dir, entry), { recursive: true, force: true });
      writeFileSync(
        path.join(dir, MARKER),
        'made by `npm run kith -- demo`; the next demo here replaces it\n',
      );
      return 'reset';
    }
  }
  writeFileSync(
    path.join(dir, MARKER),
    'made by `npm run kith -- demo`; the next demo here replaces it\n',
  );
  return 'fresh';
}

export interface DemoResult extends SimulationReport {
  readonly config: Config;
  readonly prepared: 'fresh' | 'reset';
  readonly stages: Readonly<Record<string, number>>;
}

/** Fills `dataDir` with the demo: prepares it, migrates, and runs the simulated months up to `end`. */
export async function buildDemo(options: {
  readonly dataDir: string;
  readonly port: number;
  readonly end: Date;
  readonly logger: Logger;
}): Promise<DemoResult> {
  const dataDir = path.resolve(options.dataDir);
  const prepared = prepareDemoDir(dataDir);
  const config = demoConfig(dataDir, options.port);
  const db = openDatabase(databasePath(dataDir));
  try {
    await migrateToLatest(db);
    const end = DateTime.fromJSDate(options.end, { zone: ZONE });
    const report = await simulate(db, config, options.logger, end);
    const rows = await db
      .selectFrom('contacts')
      .select(['stage', db.fn.countAll<number>().as('n')])
      .groupBy('stage')
      .execute();
    const stages = Object.fromEntries(rows.map((r) => [r.stage, Number(r.n)]));
    return { ...report, config, prepared, stages };
  } finally {
    await db.destroy();
  }
}
