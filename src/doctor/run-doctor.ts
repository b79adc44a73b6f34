import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { CheckResult } from './check.js';
import { checkAddresses, checkClock, checkDatabase, checkDisk } from './local-checks.js';
import { checkImap, checkSmtp } from './mail-checks.js';

/** Every doctor check, in the order a person would fix them. */
export async function runDoctor(config: Config, db: Db, now: Date): Promise<CheckResult[]> {
  const [imap, smtp] = await Promise.all([checkImap(config.imap), checkSmtp(config.smtp)]);
  return [
    ...checkAddresses(config),
    checkClock(config, now),
    checkDisk(config),
    await checkDatabase(db),
    ...imap,
    smtp,
  ];
}
