/**
 * One backfill run for bench/ingest.ts, in its own process (compiled, like
 * `npm start`), so the peak RSS it reports is this run's alone:
 * - `watcher`: kith's IMAP watcher on a first start (headers first);
 * - `naive`: download every message and feed each to the same ingest path;
 * - `bare`: download every message and parse it with bare mailparser, storing
 *   nothing: a reference that kith's own ingest speed does not move.
 * Prints one JSON line: duration, peak RSS, fetch counts, messages stored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { Config } from '../src/config.js';
import { type Db, openDatabase } from '../src/db/database.js';
import { createKith } from '../src/kith.js';
import { kithConfig } from './kith-config.js';

export interface ChildTask {
  readonly mode: 'watcher' | 'naive' | 'bare';
  readonly imap: { host: string; port: number; user: string; pass: string };
  readonly dbFile: string;
  readonly config: Pick<
    Config,
    'owner' | 'serviceAddress' | 'secret' | 'maxMessageBytes' | 'timeZone'
  >;
}

export interface ChildResult {
  readonly ms: number;
  /** CPU time of this process (all its threads) over the same span: how much of `ms` was waiting. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  /** Heap and buffers still reachable after the run (a full GC first): what the process holds on to. */
  readonly liveAfterMb: number;
  readonly headersFetched: number;
  readonly structuresFetched?: number;
  readonly bodiesFetched: number;
  /** Bodies fetched as the parts kith reads, attachments left on the server. */
  readonly bodiesInParts?: number;
  readonly bodyBytes: number;
  readonly stored: number;
}

const quiet = { info() {}, warn() {}, error() {} };

/** Peak resident set size of this process and its threads (Linux VmHWM), in MB. */
function peakRssMb(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    if (line) return Number(line.replace(/\D+/g, '')) / 1024;
  } catch {
    // Not Linux: the current RSS is the best there is.
  }
  return process.memoryUsage().rss / 1024 / 1024;
}

/** Heap plus buffers that survive a full collection (the child runs with --expose-gc). */
function liveMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.external) / 1024 / 1024;
}

async function storedCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '!=', 'outreach')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function run(task: ChildTask): Promise<ChildResult> {
  const db = openDatabase(task.dbFile);
  // kith as `serve` wires it (src/kith.ts); nothing on timers, so only the backfill runs.
  // Its mailbox (INBOX only) and a 30-day backfill.
  const config = kithConfig(
    task.config,
    {
      KITH_BACKFILL_DAYS: '30',
      IMAP_HOST: task.imap.host,
      IMAP_PORT: String(task.imap.port),
      IMAP_SECURE: 'false',
      IMAP_USER: task.imap.user,
      IMAP_PASS: task.imap.pass,
      IMAP_MAILBOXES: 'INBOX',
    },
    path.dirname(task.dbFile),
  );
  const kith = await createKith(config, {
    logger: quiet,
    db,
    manual: true,
  });
  const { ingester } = kith;
  let peakHeap = 0;
  let peakExternal = 0;
  let progress = () => '';
  let started = performance.now();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapTotal);
    peakExternal = Math.max(peakExternal, m.external);
    if (process.env.KITH_BENCH_TRACE) {
      process.stderr.write(
        `${(performance.now() - started).toFixed(0).padStart(6)} ms  rss ${(m.rss / 1e6).toFixed(0)}  heap ${(m.heapUsed / 1e6).toFixed(0)}/${(m.heapTotal / 1e6).toFixed(0)}  external ${(m.external / 1e6).toFixed(0)}  ${progress()}\n`,
      );
    }
  }, 20);
  // Timed from here: the backfill, not the loading of the parser (which a server does once at start).
  await ingester.ready();
  started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let counts: { headersFetched: number; bodiesFetched: number; bodyBytes: number };
  if (task.mode === 'watcher') {
    const watcher = kith.inbox;
    if (!('caughtUp' in watcher)) throw new Error('the bench needs the IMAP watcher');
    progress = () => JSON.stringify(watcher.stats());
    await watcher.start();
    await watcher.caughtUp();
    counts = watcher.stats();
    await watcher.stop();
  } else {
    const client = new ImapFlow({
      host: task.imap.host,
      port: task.imap.port,
      secure: false,
      auth: { user: task.imap.user, pass: task.imap.pass },
      logger: false,
    });
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
    let bodies = 0;
    let bodyBytes = 0;
    const inflight: Promise<unknown>[] = [];
    for await (const message of client.fetch(
      '1:*',
      { uid: true, source: true, internalDate: true },
      { uid: true },
    )) {
      if (!message.source) continue;
      bodies += 1;
      bodyBytes += message.source.length;
      if (task.mode === 'bare') {
        await simpleParser(message.source);
        continue;
      }
      inflight.push(
        ingester.ingest(message.source, {
          label: `imap:INBOX:${message.uid}`,
          receivedAt: new Date(),
        }),
      );
      if (inflight.length >= 8) await inflight.shift();
    }
    await Promise.all(inflight);
    await client.logout();
    counts = { headersFetched: 0, bodiesFetched: bodies, bodyBytes };
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  clearInterval(sampler);
  if (process.env.KITH_BENCH_DEBUG) {
    process.stderr.write(
      `${task.mode}: peak heapTotal ${(peakHeap / 1e6).toFixed(0)} MB, peak external ${(peakExternal / 1e6).toFixed(0)} MB\n`,
    );
  }
  const stored = await storedCount(db);
  await kith.stop();
  await db.destroy();
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: peakRssMb(),
    liveAfterMb: liveMb(),
    ...counts,
    stored,
  };
}

run(JSON.parse(process.argv[2] as string) as ChildTask).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
