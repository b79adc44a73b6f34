/**
 * `npm run bench:machinery [-- <messages> [<rounds>]]`: what each piece of
 * the ingest path's speed machinery gains (issue 15, docs/speed-machinery.md).
 * Ingests the same mail that concerns contacts from a Maildir, like the first
 * figure of bench:ingest, with everything as shipped and with one piece
 * switched at a time:
 * - the group writer off (each message commits alone);
 * - as shipped again, to show the noise.
 * The machine is shared, so the variants run interleaved, round after round,
 * each round next to a bare mailparser run over the same files; medians of
 * msg/s and of the per-round ratio to bare mailparser are printed.
 */
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Config } from '../src/config.js';
import { type Db, migrateToLatest, openDatabase } from '../src/db/database.js';
import { createIngester, type IngesterDeps } from '../src/inbox/ingest.js';
import { createMaildirSource } from '../src/inbox/maildir-source.js';
import { outboxPorts } from '../src/kith.js';
import { contact, corpus, OWNER, outreachMail, SERVICE } from './ingest-corpus.js';
import { kithConfig } from './kith-config.js';

const CONTACTS_FOR_BENCH = 400;
const SEED = 42;
const BASE = new Date();
const quiet = { info() {}, warn() {}, error() {} };
const config: IngesterDeps['config'] = {
  owner: { emails: [OWNER], name: 'Sam Owner', intro: undefined },
  serviceAddress: SERVICE,
  secret: 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
  maxMessageBytes: 25 * 1024 * 1024,
  timeZone: 'Europe/Berlin',
} satisfies Pick<Config, 'owner' | 'serviceAddress' | 'secret' | 'maxMessageBytes' | 'timeZone'>;
// The outbox behind the ingester, as in kith; the corpus holds no owner commands, so it measures nothing extra.
const ports = outboxPorts(kithConfig(config), quiet);

interface Variant {
  readonly name: string;
  readonly ingester?: Pick<IngesterDeps, 'groupWrites'>;
}

const VARIANTS: readonly Variant[] = [
  { name: 'as shipped' },
  { name: 'group writer off', ingester: { groupWrites: false } },
  // The same configuration twice: it shows the noise.
  { name: 'as shipped again' },
];

async function seededDatabase(file: string): Promise<void> {
  const db = openDatabase(file);
  await migrateToLatest(db);
  const ingester = createIngester({ db, config, logger: quiet, ...ports });
  for (let i = 0; i < CONTACTS_FOR_BENCH; i++) {
    await ingester.ingest(Buffer.from(outreachMail(contact(i), BASE)), {
      label: 'seed',
      receivedAt: BASE,
    });
  }
  await ingester.close();
  await db.destroy();
}

function writeMaildir(dir: string, count: number): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, sub), { recursive: true });
  let n = 0;
  const stamp = Math.floor(Date.now() / 1000);
  for (const m of corpus({
    count,
    relevantShare: 1,
    contacts: CONTACTS_FOR_BENCH,
    seed: SEED,
    base: BASE,
  })) {
    writeFileSync(path.join(dir, 'new', `${stamp}.M${String(n++).padStart(6, '0')}.bench`), m.raw);
  }
}

async function bareRate(dir: string): Promise<number> {
  const names = readdirSync(path.join(dir, 'new')).sort();
  const started = performance.now();
  for (const name of names) await simpleParser(readFileSync(path.join(dir, 'new', name)));
  return (names.length / (performance.now() - started)) * 1000;
}

async function ingestRate(
  variant: Variant,
  mail: string,
  seed: string,
  work: string,
): Promise<number> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const maildir = path.join(work, 'mail');
  cpSync(mail, maildir, { recursive: true });
  const file = path.join(work, 'kith.sqlite');
  copyFileSync(seed, file);
  const db: Db = openDatabase(file);
  const ingester = createIngester({ db, config, logger: quiet, ...ports, ...variant.ingester });
  await ingester.ready();
  const count = readdirSync(path.join(maildir, 'new')).length;
  const source = createMaildirSource({
    dir: maildir,
    ingester,
    logger: quiet,
    rescanMs: 3_600_000,
  });
  const started = performance.now();
  await source.start();
  const ms = performance.now() - started;
  await source.stop();
  await ingester.close();
  await db.destroy();
  return (count / ms) * 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2_000);
  const rounds = Number(process.argv[3] ?? 5);
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-bench-machinery-'));
  try {
    console.log(
      `speed machinery on the ingest path: ${count} messages concerning contacts, ${rounds} interleaved rounds, ${availableParallelism()} cores, load average at start ${loadavg()[0]?.toFixed(2)}`,
    );
    const seed = path.join(dir, 'seed.sqlite');
    await seededDatabase(seed);
    const mail = path.join(dir, 'mail');
    writeMaildir(mail, count);
    const rates = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
    const ratios = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
    for (let round = 0; round < rounds; round++) {
      const bare = await bareRate(mail);
      // Rotate the order each round so no variant always runs first or last.
      for (let i = 0; i < VARIANTS.length; i++) {
        const variant = VARIANTS[(i + round) % VARIANTS.length] as Variant;
        const r = await ingestRate(variant, mail, seed, path.join(dir, 'work'));
        rates.get(variant.name)?.push(r);
        ratios.get(variant.name)?.push(r / bare);
      }
      process.stderr.write(
        `round ${round + 1}/${rounds} done (load ${loadavg()[0]?.toFixed(2)})\n`,
      );
    }
    // Paired within each round (same minutes of load), then the median over rounds.
    const shipped = rates.get('as shipped') ?? [];
    for (const v of VARIANTS) {
      const runs = rates.get(v.name) ?? [];
      const paired = runs.map((r, i) => (shipped[i] as number) / r);
      console.log(
        `  ${v.name.padEnd(22)} median ${median(runs).toFixed(0).padStart(5)} msg/s  ratio to bare mailparser ${median(ratios.get(v.name) ?? []).toFixed(2)}  as shipped ÷ this, paired by round ${median(paired).toFixed(2)}×  (runs: ${runs.map((x) => x.toFixed(0)).join(', ')})`,
      );
    }
    console.log(`load average at the end ${loadavg()[0]?.toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
