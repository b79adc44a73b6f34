import { tmpdir } from 'node:os';
import { type Config, loadConfig } from '../src/config.js';

/**
 * A bench's few settings as the whole Config kith reads from its
 * environment, for the parts that need all of it (the outbox ports of
 * src/kith.ts). `env` adds settings, e.g. the IMAP mailbox.
 */
export function kithConfig(
  settings: Pick<Config, 'owner' | 'serviceAddress' | 'secret' | 'maxMessageBytes' | 'timeZone'>,
  env: Record<string, string> = {},
  dataDir = tmpdir(),
): Config {
  return loadConfig(
    {
      KITH_DATA_DIR: dataDir,
      KITH_OWNER_EMAIL: settings.owner.emails.join(','),
      KITH_OWNER_NAME: settings.owner.name ?? '',
      KITH_SERVICE_ADDRESS: settings.serviceAddress ?? '',
      KITH_SECRET: settings.secret ?? '',
      KITH_MAX_MESSAGE_BYTES: String(settings.maxMessageBytes),
      KITH_TIMEZONE: settings.timeZone,
      ...env,
    },
    { cwd: dataDir },
  );
}
