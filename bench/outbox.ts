import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.js';
import { databasePath, migrateToLatest, openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/log.js';
import { queueOwnerMail } from '../src/outbox/drafts.js';
import { createSendLoop } from '../src/outbox/send-loop.js';
import { TEMPLATE_NAMES } from '../src/templates/contexts.js';
import { loadTemplates } from '../src/templates/render.js';
import { SAMPLE_CONTEXTS } from '../src/templates/samples.js';

/**
 * Outbox figures: template load + check time, render time, and how fast the
 * send loop drains N queued mails through the .eml transport and through a
 * local SMTP server (one pooled connection). Prints one line per figure.
 */

const N = Number(process.env.BENCH_MAILS ?? 500);
const logger = createLogger({ secrets: [], quiet: true, write: () => {} });

function time<T>(work: () => T): [T, number] {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
}

const [templates, loadMs] = time(() => loadTemplates());
console.log(`templates: load and check all ${TEMPLATE_NAMES.length} in ${loadMs.toFixed(1)} ms`);
const renders = 2000;
const [, renderMs] = time(() => {
  for (let i = 0; i < renders; i++) templates.render('prep_brief', SAMPLE_CONTEXTS.prep_brief[0]);
});
console.log(`templates: prep_brief render ${((renderMs * 1000) / renders).toFixed(0)} µs each`);

async function drain(label: string, env: Record<string, string>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-bench-outbox-'));
  try {
    const config = loadConfig(
      {
        KITH_DATA_DIR: dir,
        KITH_OWNER_EMAIL: 'sam@example.org',
        KITH_SECRET: 'bench-secret-0123456789-abcdefghijklmnop',
        OWNER_MAIL_PER_HOUR: String(N * 2),
        ...env,
      },
      { cwd: dir },
    );
    const db = openDatabase(databasePath(dir));
    await migrateToLatest(db);
    const ctx = { db, config, logger, templates };
    const [, queueMs] = await timeAsync(async () => {
      for (let i = 0; i < N; i++) {
        await queueOwnerMail(ctx, {
          kind: 'notice',
          subject: `n${i}`,
          text: 'x\n',
          at: new Date(),
        });
      }
    });
    const loop = createSendLoop({ db, config, logger, templates, manual: true });
    await loop.start();
    let sent = 0;
    const [, sendMs] = await timeAsync(async () => {
      while (sent < N) sent += (await loop.runOnce()).sent;
    });
    await loop.stop();
    await db.destroy();
    console.log(
      `${label}: queue ${N} in ${queueMs.toFixed(0)} ms (${((queueMs * 1000) / N).toFixed(0)} µs each); send ${N} in ${sendMs.toFixed(0)} ms = ${((N / sendMs) * 1000).toFixed(0)} mails/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeAsync<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

await drain('.eml transport', {});

let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.resume();
    stream.on('end', () => {
      received += 1;
      callback(null);
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const port = (server.server.address() as AddressInfo).port;
await drain('SMTP (local smtp-server)', {
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(port),
  SMTP_SECURE: 'false',
});
console.log(`SMTP server received ${received} of ${N}`);
await new Promise<void>((resolve) => server.close(() => resolve()));
