/**
 * Ingest benchmark (issue 3). Prints:
 * 1. the whole ingest path (parse → classify → store) for mail that concerns
 *    contacts, from a Maildir and from Dovecot, in messages/s and as a ratio
 *    to bare mailparser (simpleParser) on the same messages in the same run.
 *    From Dovecot, kith downloads big mail as the parts it reads, so there it
 *    never parses the attachments bare mailparser does; the output says how
 *    many and how many bytes came down, and the per-kind figures (from
 *    memory, whole mail) show the path without that saving;
 * 2. a first-start backfill of a mailbox where ~5% concerns contacts, kith's
 *    headers-first watcher against the naive pipeline (download everything
 *    and feed it to kith's ingest), with the peak RSS of each; as a
 *    reference kith's own speed does not move, download everything and
 *    parse it with bare mailparser; and kith against naive again through a
 *    relay shaped like a home connection (bench/link.ts);
 * 3. the reaction time from an APPEND on a second IMAP connection to the
 *    stage change committed, p50/p95.
 * Usage: npm run bench:ingest [-- <messages> [<reaction samples>]]
 * Every figure is the best of three interleaved runs (the machine is shared);
 * backfills run in child processes so their peak RSS is their own.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import type { Config } from '../src/config.js';
import { type Db, migrateToLatest, openDatabase } from '../src/db/database.js';
import { createImapWatcher } from '../src/inbox/imap-watcher.js';
import { createIngester, type Ingester, type IngestOutcome } from '../src/inbox/ingest.js';
import { createMaildirSource } from '../src/inbox/maildir-source.js';
import { outboxPorts } from '../src/kith.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import type { ChildResult, ChildTask } from './ingest-child.js';
import {
  type ContactKind,
  contact,
  contactMail,
  corpus,
  ISSUE_MIX,
  LIGHT_MIX,
  type Mix,
  OWNER,
  outreachMail,
  rng,
  SERVICE,
} from './ingest-corpus.js';
import { kithConfig } from './kith-config.js';
import { type LinkShape, startLink } from './link.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONTACTS = 400;
const SEED = 42;
const BASE = new Date();
const quiet = { info() {}, warn() {}, error() {} };
const config: Pick<Config, 'owner' | 'serviceAddress' | 'secret' | 'maxMessageBytes' | 'timeZone'> =
  {
    owner: { emails: [OWNER], name: 'Sam Owner', intro: undefined },
    serviceAddress: SERVICE,
    secret: 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
    maxMessageBytes: 25 * 1024 * 1024,
    timeZone: 'Europe/Berlin',
  };

function ingesterFor(db: Db, groupWrites = true): Ingester {
  return createIngester({
    db,
    config,
    logger: quiet,
    groupWrites,
    ...outboxPorts(kithConfig(config), quiet),
  });
}

/** A database that knows every contact and the outreach their replies answer. */
async function seededDatabase(file: string): Promise<void> {
  const db = openDatabase(file);
  await migrateToLatest(db);
  const ingester = ingesterFor(db);
  for (let i = 0; i < CONTACTS; i++) {
    await ingester.ingest(Buffer.from(outreachMail(contact(i), BASE)), {
      label: 'seed',
      receivedAt: BASE,
    });
  }
  await db.destroy();
}

function copyDatabase(seed: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kith.sqlite');
  copyFileSync(seed, file);
  return file;
}

const rate = (count: number, ms: number) => (count / ms) * 1000;
/** A home connection to a mail provider: fibre or cable, a provider some distance away. */
const LINK: LinkShape = { mbitPerSecond: 100, rttMs: 20 };
const ROUNDS = 3;

/** The fastest of several runs, with the highest peak RSS seen in any of them. */
function fastest(results: readonly ChildResult[]): ChildResult {
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  const peakRssMb = Math.max(...results.map((r) => r.peakRssMb));
  const liveAfterMb = Math.max(...results.map((r) => r.liveAfterMb));
  return { ...(sorted[0] as ChildResult), peakRssMb, liveAfterMb };
}

async function best(
  rounds: number,
  run: (round: number) => Promise<ChildResult>,
): Promise<ChildResult> {
  const results: ChildResult[] = [];
  for (let round = 0; round < rounds; round++) results.push(await run(round));
  return fastest(results);
}
const fmt = (n: number, digits = 0) => n.toFixed(digits);

function percentile(sorted: number[], p: number): number {
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] as number;
}

async function storedCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '!=', 'outreach')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------- child processes

/**
 * Backfills run in a child process on the compiled code (like `npm start`),
 * so their peak RSS is kith's own, not tsx's transform cache. The child and
 * what it imports are compiled once into a temp folder.
 */
function compileChild(dir: string): string {
  const out = path.join(dir, 'build');
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
      path.join(repoRoot, 'bench/ingest-child.ts'),
      '--outDir',
      out,
      '--rootDir',
      repoRoot,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      // As in tsconfig.json: kith's narrowing of its result unions needs strict null checks.
      '--strict',
      '--skipLibCheck',
      '--types',
      'node',
    ],
    { stdio: 'inherit' },
  );
  // The mail templates, as the build ships them: the child's kith loads them at start, like serve.
  cpSync(path.join(repoRoot, 'src/templates'), path.join(out, 'src/templates'), {
    recursive: true,
    filter: (source) => !source.endsWith('.ts'),
  });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(out, 'node_modules'));
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  return path.join(out, 'bench/ingest-child.js');
}

function inChild(script: string, task: ChildTask): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, JSON.stringify(task)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`benchmark child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as ChildResult);
    });
  });
}

// ---------------------------------------------------------------- the runs

/** Lets Dovecot index a freshly written mailbox, so no measured run pays for it. */
async function warmUp(
  dovecot: Awaited<ReturnType<typeof startDovecot>>,
  user: string,
): Promise<void> {
  const client = await dovecot.connect(user);
  await client.mailboxOpen('INBOX', { readOnly: true });
  for await (const _ of client.fetch('1:*', { uid: true, size: true })) {
    // Only the traversal matters.
  }
  await client.logout();
}

function writeCorpusToMaildir(
  dir: string,
  count: number,
  share: number,
): { files: number; bytes: number; relevant: number } {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, sub), { recursive: true });
  let files = 0;
  let bytes = 0;
  let relevant = 0;
  const stamp = Math.floor(Date.now() / 1000);
  for (const m of corpus({
    count,
    relevantShare: share,
    contacts: CONTACTS,
    seed: SEED,
    base: BASE,
  })) {
    const name = `${stamp}.M${String(files).padStart(6, '0')}.bench`;
    writeFileSync(path.join(dir, 'new', name), m.raw);
    files += 1;
    bytes += Buffer.byteLength(m.raw);
    if (m.relevant) relevant += 1;
  }
  return { files, bytes, relevant };
}

async function bareMailparser(dir: string): Promise<{ count: number; ms: number }> {
  const names = readdirSync(path.join(dir, 'new')).sort();
  const started = performance.now();
  for (const name of names) await simpleParser(readFileSync(path.join(dir, 'new', name)));
  return { count: names.length, ms: performance.now() - started };
}

async function maildirIngest(
  dir: string,
  dbFile: string,
): Promise<{ count: number; ms: number; stored: number }> {
  const db = openDatabase(dbFile);
  const count = readdirSync(path.join(dir, 'new')).length;
  const ingester = ingesterFor(db);
  const source = createMaildirSource({
    dir,
    ingester,
    logger: quiet,
    rescanMs: 3_600_000,
  });
  const started = performance.now();
  await source.start();
  const ms = performance.now() - started;
  await source.stop();
  const stored = await storedCount(db);
  await db.destroy();
  return { count, ms, stored };
}

interface KindFigures {
  readonly kind: ContactKind;
  readonly kb: number;
  /** Microseconds per message. */
  readonly bare: number;
  readonly kith: number;
  /** The same with every message committed alone (group-writer.ts's gain). */
  readonly kithUngrouped: number;
}

/** Microseconds per message of kith's whole path into a copy of the seeded database. */
async function kithPerMessage(
  raws: readonly Buffer[],
  dbFile: string,
  groupWrites: boolean,
): Promise<number> {
  const db = openDatabase(dbFile);
  const ingester = ingesterFor(db, groupWrites);
  await ingester.ready();
  const started = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (const raw of raws) {
    inflight.push(ingester.ingest(raw, { label: 'bench', receivedAt: BASE }));
    if (inflight.length >= 8) await inflight.shift();
  }
  await Promise.all(inflight);
  const us = ((performance.now() - started) / raws.length) * 1000;
  await db.destroy();
  return us;
}

/**
 * Each kind of mail on its own, from memory: bare mailparser against kith's
 * whole path into a copy of the seeded database (best of ROUNDS).
 */
async function perKind(seed: string, dir: string, samples: number): Promise<KindFigures[]> {
  const r = rng(SEED + 2);
  const out: KindFigures[] = [];
  const kinds: ContactKind[] = ['plain', 'html', 'invite', 'attachment'];
  for (const [k, kind] of kinds.entries()) {
    const raws = Array.from({ length: samples }, (_, i) =>
      Buffer.from(contactMail(kind, contact(i % CONTACTS), 700_000 + k * samples + i, r, BASE)),
    );
    let bare = Number.POSITIVE_INFINITY;
    let kith = Number.POSITIVE_INFINITY;
    let kithUngrouped = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      for (const raw of raws) await simpleParser(raw);
      bare = Math.min(bare, ((performance.now() - started) / samples) * 1000);
      const at = (name: string) =>
        copyDatabase(seed, path.join(dir, `kind-${kind}-${name}-${round}`));
      kith = Math.min(kith, await kithPerMessage(raws, at('grouped'), true));
      kithUngrouped = Math.min(kithUngrouped, await kithPerMessage(raws, at('alone'), false));
    }
    const kb = raws.reduce((sum, raw) => sum + raw.length, 0) / samples / 1024;
    out.push({ kind, kb, bare, kith, kithUngrouped });
  }
  return out;
}

/** The ratio a mix would get, from per-kind figures (time-weighted, as a corpus run weighs them). */
function mixRatio(figures: readonly KindFigures[], mix: Mix): number {
  const weigh = (pick: (f: KindFigures) => number) =>
    figures.reduce((sum, f) => sum + mix[f.kind] * pick(f), 0);
  return weigh((f) => f.bare) / weigh((f) => f.kith);
}

async function reactionTimes(
  dovecot: Awaited<ReturnType<typeof startDovecot>>,
  seed: string,
  dir: string,
  samples: number,
): Promise<number[]> {
  const user = dovecot.newUser('reaction');
  const db = openDatabase(copyDatabase(seed, path.join(dir, 'reaction')));
  const inner = ingesterFor(db);
  const waiting = new Map<string, (at: number) => void>();
  const ingester: Ingester = {
    ...inner,
    async ingest(raw, source) {
      const outcome: IngestOutcome = await inner.ingest(raw, source);
      // Resolved after the commit: the stage change is in the database now.
      if (outcome.status === 'stored' && outcome.changes.length > 0)
        waiting.get(outcome.messageId)?.(performance.now());
      return outcome;
    },
  };
  const login = dovecot.login(user);
  const watcher = createImapWatcher({
    imap: {
      host: login.host,
      port: login.port,
      secure: false,
      user,
      pass: login.auth.pass,
      passCommand: undefined,
      auth: 'password',
      mailboxes: ['INBOX'],
    },
    db,
    ingester,
    logger: quiet,
    backfillDays: 30,
    maxMessageBytes: config.maxMessageBytes,
  });
  await watcher.start();
  await watcher.caughtUp();
  const appender = await dovecot.connect(user);
  const r = rng(7);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const person = contact(i % CONTACTS);
    const raw = contactMail('plain', person, 900_000 + i, r, BASE);
    const id = /Message-ID: <([^>]+)>/.exec(raw)?.[1] as string;
    const done = new Promise<number>((resolve) => waiting.set(id, resolve));
    // Let the watcher settle back into IDLE between samples.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await appender.append('INBOX', raw);
    times.push((await done) - started);
  }
  await appender.logout();
  await watcher.stop();
  await db.destroy();
  return times;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000);
  const samples = Number(process.argv[3] ?? 60);
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-bench-ingest-'));
  const dovecot = await startDovecot();
  try {
    console.log(
      `kith ingest benchmark: ${count} messages, ${CONTACTS} contacts, node ${process.version}\n`,
    );
    const seed = path.join(dir, 'seed.sqlite');
    await seededDatabase(seed);
    const child = compileChild(dir);

    // 1. Mail that concerns contacts: Maildir and Dovecot, against bare mailparser.
    const all = path.join(dir, 'all-relevant');
    const written = writeCorpusToMaildir(all, count, 1);
    execFileSync('sync');
    const share = (kind: ContactKind) => `${fmt(ISSUE_MIX[kind] * 100)}%`;
    console.log(
      `corpus: ${written.files} messages concerning contacts, ${fmt(written.bytes / 1024 / 1024, 1)} MB: replies with quoted history ${share('plain')}, HTML ${share('html')}, invites ${share('invite')}, with a 200 KB attachment ${share('attachment')}`,
    );
    // The machine is shared: every measurement runs ROUNDS times, interleaved, best kept.
    let bareRate = 0;
    let maildirRate = 0;
    let maildirStored = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const bare = await bareMailparser(all);
      bareRate = Math.max(bareRate, rate(bare.count, bare.ms));
      const work = path.join(dir, `maildir-${round}`);
      cpSync(all, work, { recursive: true });
      // The copy is 750 MB of dirty pages the kernel would write back during the timed
      // ingest (its fsyncs queue behind them); bare mailparser reads a folder at rest.
      execFileSync('sync');
      const run = await maildirIngest(
        work,
        copyDatabase(seed, path.join(dir, `maildir-db-${round}`)),
      );
      rmSync(work, { recursive: true, force: true });
      maildirRate = Math.max(maildirRate, rate(run.count, run.ms));
      maildirStored = run.stored;
    }
    console.log(`  bare mailparser (read + simpleParser)   ${fmt(bareRate).padStart(6)} msg/s`);
    console.log(
      `  ingest from Maildir (read → parse → classify → store → move)  ${fmt(maildirRate).padStart(6)} msg/s  ratio ${fmt(maildirRate / bareRate, 2)}  (${maildirStored} stored)`,
    );

    const relevantUser = dovecot.newUser('relevant');
    dovecot.writeMaildir(
      relevantUser,
      'INBOX',
      (function* () {
        for (const m of corpus({
          count,
          relevantShare: 1,
          contacts: CONTACTS,
          seed: SEED,
          base: BASE,
        }))
          yield m.raw;
      })(),
    );
    await warmUp(dovecot, relevantUser);
    const login = (user: string) => ({
      host: '127.0.0.1',
      port: dovecot.port,
      user,
      pass: dovecot.password,
    });
    const fromImap = await best(ROUNDS, (round) =>
      inChild(child, {
        mode: 'watcher',
        imap: login(relevantUser),
        dbFile: copyDatabase(seed, path.join(dir, `imap-db-${round}`)),
        config,
      }),
    );
    const imapRate = rate(count, fromImap.ms);
    console.log(
      `  ingest from Dovecot (headers → fetch → parse → classify → store)  ${fmt(imapRate).padStart(6)} msg/s  ratio ${fmt(imapRate / bareRate, 2)}  (${fromImap.stored} stored, ${fromImap.bodiesInParts ?? 0} read as parts without their attachment, ${fmt(fromImap.bodyBytes / 1024 / 1024, 1)} MB of bodies downloaded, peak RSS ${fmt(fromImap.peakRssMb)} MB)`,
    );

    const kinds = await perKind(seed, dir, 300);
    console.log('  per kind, 300 messages each from memory (bare mailparser → kith whole path):');
    for (const f of kinds) {
      console.log(
        `    ${f.kind.padEnd(10)} ${fmt(f.kb).padStart(4)} KB  ${fmt(f.bare).padStart(5)} µs → ${fmt(f.kith).padStart(5)} µs  ratio ${fmt(f.bare / f.kith, 2)}  (each message committed alone: ${fmt(f.kithUngrouped).padStart(5)} µs, grouping ${fmt(f.kithUngrouped / f.kith, 2)}×)`,
      );
    }
    console.log(
      `    worked out from these: this mix ${fmt(mixRatio(kinds, ISSUE_MIX), 2)}, a lighter mix (${fmt(LIGHT_MIX.attachment * 100)}% attachments) ${fmt(mixRatio(kinds, LIGHT_MIX), 2)}`,
    );

    // 2. First-start backfill of a mailbox where ~5% concerns contacts.
    const mixedUser = dovecot.newUser('mixed');
    let relevant = 0;
    dovecot.writeMaildir(
      mixedUser,
      'INBOX',
      (function* () {
        for (const m of corpus({
          count,
          relevantShare: 0.05,
          contacts: CONTACTS,
          seed: SEED + 1,
          base: BASE,
        })) {
          if (m.relevant) relevant += 1;
          yield m.raw;
        }
      })(),
    );
    await warmUp(dovecot, mixedUser);
    console.log(
      `\nbackfill: ${count} messages in INBOX, ${relevant} (${fmt((relevant / count) * 100, 1)}%) concern contacts`,
    );
    const runs: Record<ChildTask['mode'], ChildResult[]> = { watcher: [], naive: [], bare: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['watcher', 'naive', 'bare'] as const) {
        const result = await inChild(child, {
          mode,
          imap: login(mixedUser),
          dbFile: copyDatabase(seed, path.join(dir, `backfill-${mode}-${round}`)),
          config,
        });
        runs[mode].push(result);
      }
    }
    const kith = fastest(runs.watcher);
    const naive = fastest(runs.naive);
    const bare = fastest(runs.bare);
    console.log(
      `  kith (headers first)   ${fmt(kith.ms).padStart(7)} ms  (CPU ${fmt(kith.cpuMs)} ms)  ${fmt(rate(count, kith.ms)).padStart(6)} msg/s  bodies downloaded ${kith.bodiesFetched} (${kith.bodiesInParts ?? 0} as parts, ${fmt(kith.bodyBytes / 1024 / 1024, 1)} MB)  structures fetched ${kith.structuresFetched ?? 0}  stored ${kith.stored}  peak RSS ${fmt(kith.peakRssMb)} MB  live after ${fmt(kith.liveAfterMb)} MB`,
    );
    console.log(
      `  naive (fetch + parse all)  ${fmt(naive.ms).padStart(7)} ms  (CPU ${fmt(naive.cpuMs)} ms)  ${fmt(rate(count, naive.ms)).padStart(6)} msg/s  bodies downloaded ${naive.bodiesFetched} (${fmt(naive.bodyBytes / 1024 / 1024, 1)} MB)  stored ${naive.stored}  peak RSS ${fmt(naive.peakRssMb)} MB`,
    );
    console.log(`  speed-up ${fmt(naive.ms / kith.ms, 1)}×`);
    // The naive pipeline is kith's own ingest, so it speeds up with kith; this one does not.
    console.log(
      `  for reference, a baseline kith's speed does not move: fetch all + bare mailparser, nothing stored  ${fmt(bare.ms).padStart(7)} ms  (CPU ${fmt(bare.cpuMs)} ms), kith ${fmt(bare.ms / kith.ms, 1)}× faster`,
    );

    // The same backfill over a link like a home connection to a provider: there the
    // download headers-first saves, and every round trip a batch makes, count too.
    const link = await startLink({ host: '127.0.0.1', port: dovecot.port }, LINK);
    try {
      const linked: Record<'watcher' | 'naive', ChildResult[]> = { watcher: [], naive: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of ['watcher', 'naive'] as const) {
          const result = await inChild(child, {
            mode,
            imap: { ...login(mixedUser), port: link.port },
            dbFile: copyDatabase(seed, path.join(dir, `link-${mode}-${round}`)),
            config,
          });
          linked[mode].push(result);
        }
      }
      const kithLinked = fastest(linked.watcher);
      const naiveLinked = fastest(linked.naive);
      console.log(
        `  over a ${LINK.mbitPerSecond} Mbit/s link with ${LINK.rttMs} ms round trips: kith ${fmt(kithLinked.ms).padStart(7)} ms  (CPU ${fmt(kithLinked.cpuMs)} ms), naive ${fmt(naiveLinked.ms).padStart(7)} ms  (CPU ${fmt(naiveLinked.cpuMs)} ms), speed-up ${fmt(naiveLinked.ms / kithLinked.ms, 1)}×`,
      );
    } finally {
      await link.close();
    }

    // 3. Reaction time: APPEND on a second connection → stage change committed.
    const times = (await reactionTimes(dovecot, seed, dir, samples)).sort((a, b) => a - b);
    console.log(
      `\nreaction (APPEND → stage change committed), ${times.length} samples: p50 ${fmt(percentile(times, 50))} ms  p95 ${fmt(percentile(times, 95))} ms  max ${fmt(times.at(-1) ?? 0)} ms`,
    );
  } finally {
    await dovecot.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
