import { loadConfig } from '../../src/config.js';
import { databasePath, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { createFileTransport } from '../../src/outbox/file-transport.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import type { MailTransport } from '../../src/outbox/transport.js';

/**
 * A kith sender in its own process, for the kill tests: runs one send round
 * with the settings given as JSON in argv[2]. With `holdAfterFile`, the .eml
 * transport announces `ACCEPTED <id>` once the file is in place and then
 * waits forever — the test SIGKILLs it there, after the mail "left" and
 * before the database recorded it.
 */

const { env, holdAfterFile } = JSON.parse(process.argv[2] ?? '{}') as {
  env: Record<string, string>;
  holdAfterFile?: boolean;
};
const config = loadConfig(env, { cwd: process.cwd() });
const db = openDatabase(databasePath(config.dataDir));
const logger = createLogger({ secrets: [], write: (line) => process.stderr.write(`${line}\n`) });

let transport: MailTransport | undefined;
if (holdAfterFile) {
  const files = createFileTransport(config.dataDir);
  transport = {
    ...files,
    async send(mail) {
      await files.send(mail);
      process.stdout.write(`ACCEPTED ${mail.messageId}\n`);
      await new Promise(() => {});
    },
  };
}

const loop = createSendLoop({
  db,
  config,
  logger,
  manual: true,
  ...(transport ? { transport } : {}),
});
await loop.start();
process.stdout.write('STARTED\n');
const report = await loop.runOnce();
process.stdout.write(`DONE ${JSON.stringify(report)}\n`);
await loop.stop();
await db.destroy();
