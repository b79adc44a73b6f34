import path from 'node:path';
import { secretValues } from '../config.js';
import { createLogger } from '../log.js';
import { buildDemo } from './run-demo.js';

/**
 * `kith demo`: builds the demo data dir, prints what is in it, and (unless
 * --no-serve) runs kith on it until Ctrl-C. It reads nothing from .env: the
 * demo has its own fixed settings, and buildDemo refuses any folder that is
 * not empty and not an earlier demo — KITH_DATA_DIR included.
 */
export async function runDemoCommand(
  values: Record<string, string | boolean | undefined>,
  out: (text: string) => void,
): Promise<number> {
  const dataDir = path.resolve(String(values['data-dir'] ?? './demo-data'));
  const port = Number(values.port ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    out(`--port "${String(values.port)}" is not a port number`);
    return 2;
  }
  const end = typeof values.now === 'string' ? new Date(values.now) : new Date();
  if (Number.isNaN(end.getTime())) {
    out(`--now "${String(values.now)}" is not a time: use ISO-8601 like 2026-11-23T17:00:00Z`);
    return 2;
  }
  const quiet = createLogger({ secrets: [], quiet: true, write: () => undefined });
  out(`building the demo in ${dataDir} (four simulated months of mail)…`);
  const started = Date.now();
  const result = await buildDemo({
    dataDir,
    port,
    end,
    logger: quiet,
  });
  if (result.prepared === 'reset') out('(the earlier demo there was replaced)');
  for (const line of result.notStored) out(`not stored: ${line}`);
  out(
    `${result.mails} mails read, ${result.ticks} scheduler ticks, ${result.ownerReplies} owner replies, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  out(
    Object.entries(result.stages)
      .map(([stage, n]) => `${stage} ${n}`)
      .join(', '),
  );
  if (values['no-serve']) {
    out(`look around: KITH_DATA_DIR=${dataDir} npm run kith -- export`);
    return 0;
  }
  const { startKith } = await import('../main.js');
  const logger = createLogger({ secrets: secretValues(result.config) });
  const running = await startKith(result.config, logger);
  out(`kith demo is running on ${running.url} — open the login link above. Ctrl-C stops it.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await running.stop();
  return 0;
}
