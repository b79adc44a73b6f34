import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BadInputError } from '../errors.js';
import type { Logger } from '../log.js';
import type { PrepareRequest, PrepareResponse } from './parse-worker.js';
import type { Prepared } from './prepare.js';

/**
 * Runs prepare.ts (parse + extraction) in worker threads, so parsing the
 * next message overlaps storing the previous one and the event loop stays
 * free. With `size: 0`, or when a worker cannot start, the same work runs
 * on this thread. Results come back in whatever order; callers that need
 * order (the ingest queue) keep it themselves.
 */

export interface ParsePool {
  /** Parses and extracts; rejects with BadInputError for mail that cannot be parsed. */
  prepare(raw: Buffer, receivedAt: Date): Promise<Prepared>;
  /** Resolves once the parser is loaded (here or in the workers), so the first mail waits for nothing. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One worker when the machine has cores to spare, else none. Measured on 2
 * cores (bench/ingest.ts): the worker competed with the main thread for
 * CPU, gained no throughput and cost ~35 MB of RSS, so it starts at 4.
 */
export function defaultPoolSize(): number {
  return availableParallelism() >= 4 ? 1 : 0;
}

interface Job {
  resolve(prepared: Prepared): void;
  reject(error: Error): void;
  raw: Buffer;
  receivedAt: Date;
  /** Workers that died while holding this job: a mail that kills two is not tried again. */
  crashes: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Settles when the worker reports ready, or fails. */
  started: Promise<void>;
  jobs: Map<number, Job>;
}

const here = fileURLToPath(import.meta.url);
const isTypeScript = here.endsWith('.ts');
const workerFile = path.join(path.dirname(here), `parse-worker${isTypeScript ? '.ts' : '.js'}`);

/**
 * The built worker runs as it is. Under tsx (development, tests) it is a .ts
 * file, and `--import tsx` in a worker's execArgv does not apply to its entry
 * module, so a small bootstrap registers tsx's hooks and then imports it.
 */
function startWorker(): Worker {
  if (!isTypeScript) return new Worker(workerFile);
  const api = import.meta.resolve('tsx/esm/api');
  const entry = pathToFileURL(workerFile).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

export function createParsePool(options: { size: number; logger: Logger }): ParsePool {
  let inline: Promise<typeof import('./prepare.js')> | undefined;
  const loadHere = () => {
    inline ??= import('./prepare.js').then((prepare) => {
      prepare.warmUp();
      return prepare;
    });
    return inline;
  };
  const prepareHere = async (raw: Buffer, receivedAt: Date) =>
    (await loadHere()).prepareMail(raw, receivedAt);
  const slots: Slot[] = [];
  let broken = options.size <= 0;
  let nextId = 0;
  let turn = 0;
  let closed = false;

  const fail = (slot: Slot, error: Error) => {
    const index = slots.indexOf(slot);
    if (index !== -1) slots.splice(index, 1);
    if (!slot.ready && !broken) {
      // A worker that cannot even start will not start next time either: work here instead.
      broken = true;
      options.logger.warn(
        `parsing on the main thread: the parse worker did not start (${error.message})`,
      );
    }
    // Its jobs are not lost: they run again, here or on another worker.
    for (const job of slot.jobs.values()) {
      job.crashes += 1;
      if (job.crashes >= 2)
        job.reject(new BadInputError(`the parser crashed on this mail (${error.message})`));
      else run(job);
    }
    slot.jobs.clear();
  };

  const spawnSlot = (): Slot => {
    const worker = startWorker();
    // Idle workers must not keep a finished `kith ingest` alive.
    worker.unref();
    let settle = () => {};
    const started = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const slot: Slot = { worker, ready: false, started, jobs: new Map() };
    worker.once('error', settle);
    worker.once('exit', settle);
    worker.on('message', (response: PrepareResponse) => {
      if (response.type === 'ready') {
        slot.ready = true;
        settle();
        return;
      }
      const job = slot.jobs.get(response.id);
      if (!job) return;
      slot.jobs.delete(response.id);
      if (slot.jobs.size === 0) worker.unref();
      if (response.type === 'done') job.resolve(response.prepared as Prepared);
      else if (response.badInput) job.reject(new BadInputError(response.message));
      else job.reject(new Error(response.message));
    });
    worker.on('error', (error) => fail(slot, error));
    worker.on('exit', (code) => {
      if (!closed) fail(slot, new Error(`the parse worker exited with code ${code}`));
    });
    slots.push(slot);
    return slot;
  };

  const pick = (): Slot => {
    while (slots.length < options.size) spawnSlot();
    // The least busy worker; ties take turns.
    turn = (turn + 1) % slots.length;
    let best = slots[turn] as Slot;
    for (const slot of slots) if (slot.jobs.size < best.jobs.size) best = slot;
    return best;
  };

  function run(job: Job): void {
    if (broken || closed) {
      prepareHere(job.raw, job.receivedAt).then(job.resolve, job.reject);
      return;
    }
    const slot = pick();
    const id = nextId++;
    slot.jobs.set(id, job);
    slot.worker.ref();
    // A copy of exactly these bytes, moved (not cloned) to the worker.
    const bytes = new Uint8Array(job.raw);
    slot.worker.postMessage(
      { id, raw: bytes, receivedAt: job.receivedAt.getTime() } satisfies PrepareRequest,
      [bytes.buffer],
    );
  }

  // Loading mailparser, chrono and the rest takes a few hundred ms: start now,
  // alongside connecting to the mail server, not on the first message.
  if (broken) loadHere().catch(() => undefined);

  return {
    async ready() {
      if (!broken && !closed) {
        while (slots.length < options.size) spawnSlot();
        await Promise.all(slots.map((slot) => slot.started));
      }
      // No worker started: the work falls back to this thread.
      if (broken || closed) await loadHere();
    },
    prepare: (raw, receivedAt) =>
      new Promise<Prepared>((resolve, reject) =>
        run({ resolve, reject, raw, receivedAt, crashes: 0 }),
      ),
    async close() {
      closed = true;
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}
