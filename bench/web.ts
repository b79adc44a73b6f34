/**
 * npm run bench:web — the web UI under load. Seeds 10,000 contacts and
 * 100,000 messages into a temp SQLite file, starts the real server in a child
 * process on a loopback port, logs in, then drives the board, a busy contact
 * page and the numbers page with 20 concurrent connections each and prints
 * p50/p95/p99 and throughput, then each page right after a write, and the
 * numbers page right after a mail in or a move. Target: p95 < 50 ms.
 * With `-- --page-cache [pairs]` it instead compares the page cache on and
 * off (see comparePageCache).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, withSecret } from '../src/config.js';
import { type Db, migrateToLatest, openDatabase } from '../src/db/database.js';
import { sql } from '../src/db/kysely.js';
import { JOURNEY, SIDE_EXITS, type Stage } from '../src/pipeline/stages.js';

const CONTACTS = 10_000;
const MESSAGES = 100_000;
const BUSY_MESSAGES = 2_000;
const CONCURRENCY = 20;
const REQUESTS = 2_000;
const WARMUP = 100;
const PASSWORD = 'bench-password-123';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T10:00:00.000Z');

/** Deterministic pseudo-random numbers, so every run seeds the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function insertBatched<T extends Record<string, unknown>>(
  db: Db,
  table:
    | 'contacts'
    | 'contact_emails'
    | 'stage_history'
    | 'messages'
    | 'meetings'
    | 'outbox'
    | 'notes',
  rows: T[],
) {
  const columns = Object.keys(rows[0] ?? {}).length || 1;
  const size = Math.floor(30_000 / columns); // stay under SQLite's variable limit
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}

/** Seeds the database; returns the busy contact's id. */
async function seed(db: Db): Promise<number> {
  const random = rng(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const iso = (ms: number) => new Date(ms).toISOString();
  const contacts: Record<string, unknown>[] = [];
  const emails: Record<string, unknown>[] = [];
  const history: Record<string, unknown>[] = [];
  for (let id = 1; id <= CONTACTS; id++) {
    const created = NOW - Math.floor(random() * 400) * DAY;
    const depth = Math.floor(random() * JOURNEY.length);
    const exit = random() < 0.15 ? pick(SIDE_EXITS) : undefined;
    let at = created;
    history.push({
      contact_id: id,
      from_stage: null,
      to_stage: 'prospect',
      at: iso(at),
      cause: 'created (bench)',
      manual: 0,
      source_message_id: null,
    });
    let stage: Stage = 'prospect';
    for (let s = 1; s <= depth; s++) {
      at += Math.floor(random() * 10 + 1) * DAY;
      history.push({
        contact_id: id,
        from_stage: stage,
        to_stage: JOURNEY[s] as Stage,
        at: iso(at),
        cause: 'bench',
        manual: 0,
        source_message_id: null,
      });
      stage = JOURNEY[s] as Stage;
    }
    if (exit) {
      at += DAY;
      history.push({
        contact_id: id,
        from_stage: stage,
        to_stage: exit,
        at: iso(at),
        cause: 'bench exit',
        manual: 0,
        source_message_id: null,
      });
      stage = exit;
    }
    contacts.push({
      id,
      name: `Person ${id}`,
      company: `Company ${id % 700}`,
      title: 'Engineer',
      linkedin_url: null,
      source: 'bench',
      referred_by_id: id > 50 && random() < 0.15 ? 1 + Math.floor(random() * (id - 1)) : null,
      stage,
      stage_changed_at: iso(at),
      cadence_days: null,
      created_at: iso(created),
      updated_at: iso(at),
    });
    emails.push({
      contact_id: id,
      address: `person${id}@example.com`,
      is_primary: 1,
      dead_at: null,
      dead_reason: null,
    });
  }
  await db.transaction().execute(async (trx) => {
    await insertBatched(trx as unknown as Db, 'contacts', contacts);
    await insertBatched(trx as unknown as Db, 'contact_emails', emails);
    await insertBatched(trx as unknown as Db, 'stage_history', history);
  });

  const busy = 4242;
  const messages: Record<string, unknown>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const contactId = i < BUSY_MESSAGES ? busy : 1 + Math.floor(random() * CONTACTS);
    const inbound = random() < 0.5;
    messages.push({
      message_id: `bench-${i}@example.com`,
      thread_id: null,
      contact_id: contactId,
      direction: inbound ? 'in' : 'out',
      // The kinds the inbox writes: the owner's mail is mostly answers in a thread.
      kind: inbound
        ? pick(['reply', 'reply', 'reply', 'auto_reply', 'invite', 'decline'])
        : pick(['outreach', 'owner_reply', 'owner_reply', 'owner_reply', 'thank_you']),
      from_address: inbound ? `person${contactId}@example.com` : 'owner@example.org',
      to_addresses: inbound ? 'owner@example.org' : `person${contactId}@example.com`,
      subject: `Subject line number ${i} about a conversation`,
      date: iso(NOW - Math.floor(random() * 400 * DAY)),
      in_reply_to: null,
      references: '',
      text: `Hello,\n\nThis is message ${i}. ${'Some words of text here. '.repeat(8)}\n\nBest`,
      created_at: iso(NOW - Math.floor(random() * 400 * DAY)),
    });
  }
  await db
    .transaction()
    .execute((trx) => insertBatched(trx as unknown as Db, 'messages', messages));

  const meetings: Record<string, unknown>[] = [];
  for (let i = 0; i < 2_000; i++) {
    const start = NOW + Math.floor((random() - 0.7) * 120) * DAY;
    meetings.push({
      contact_id: i < 20 ? busy : 1 + Math.floor(random() * CONTACTS),
      starts_at: iso(start),
      ends_at: iso(start + 30 * 60_000),
      time_zone: 'Europe/Berlin',
      mode: 'video',
      location: 'https://meet.example/x',
      status: start > NOW ? 'confirmed' : 'done',
      ical_uid: null,
      ical_sequence: null,
      source_message_id: null,
      created_at: iso(start - 7 * DAY),
      updated_at: iso(start - 7 * DAY),
    });
  }
  const outbox: Record<string, unknown>[] = [];
  for (let i = 0; i < 3_000; i++) {
    const sent = NOW - Math.floor(random() * 300) * DAY;
    const pending = i < 60;
    outbox.push({
      message_id: `kith-bench-${i}@example.org`,
      kind: pick(['outreach', 'follow_up', 'thank_you', 'keep_in_touch']),
      contact_id: i < 10 ? busy : 1 + Math.floor(random() * CONTACTS),
      meeting_id: null,
      audience: 'contact',
      to_address: 'someone@example.com',
      subject: 'A bench draft',
      body_text: 'Hello,\n\nThank you.\n',
      body_html: null,
      in_reply_to: null,
      references: '',
      state: pending ? 'awaiting_approval' : 'sent',
      send_after: null,
      attempts: pending ? 0 : 1,
      last_error: null,
      draft_id: null,
      created_at: iso(sent),
      updated_at: iso(sent),
      sent_at: pending ? null : iso(sent),
    });
  }
  const notes: Record<string, unknown>[] = [];
  for (let i = 0; i < 5_000; i++) {
    notes.push({
      contact_id: i < 50 ? busy : 1 + Math.floor(random() * CONTACTS),
      meeting_id: null,
      body: `Note ${i}: they suggested reading more about the field.`,
      source_message_id: null,
      created_at: iso(NOW - Math.floor(random() * 300) * DAY),
    });
  }
  await db.transaction().execute(async (trx) => {
    await insertBatched(trx as unknown as Db, 'meetings', meetings);
    await insertBatched(trx as unknown as Db, 'outbox', outbox);
    await insertBatched(trx as unknown as Db, 'notes', notes);
  });
  await sql`ANALYZE`.execute(db);
  return busy;
}

/** Child process: serve the app over the seeded file and print the port. */
async function serveChild(dir: string, pageCache: boolean) {
  const { serve } = await import('@hono/node-server');
  const { createApp } = await import('../src/web/app.js');
  const { createLogger } = await import('../src/log.js');
  const db = openDatabase(path.join(dir, 'kith.sqlite'));
  const config = withSecret(
    loadConfig(
      {
        KITH_DATA_DIR: dir,
        KITH_OWNER_EMAIL: 'owner@example.org',
        WEB_PASSWORD: PASSWORD,
        KITH_TIMEZONE: 'Europe/Berlin',
      },
      { cwd: dir },
    ),
    SECRET,
  );
  const app = createApp({
    db,
    config,
    services: [],
    logger: createLogger({ secrets: [SECRET], quiet: true }),
    version: 'bench',
    now: () => new Date(NOW),
    ...(pageCache ? {} : { pageCacheEntries: 0 }),
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
    process.stdout.write(`PORT ${info.port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function get(
  url: string,
  cookie: string,
  agent: http.Agent,
): Promise<{ status: number; size: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { cookie } }, (res) => {
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, size }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Starts the server on the seeded `dir` in a child process and logs in. */
async function startServer(dir: string, pageCache: boolean) {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--serve', dir, ...(pageCache ? [] : ['--no-page-cache'])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: path.resolve(path.dirname(self), '..'),
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ password: PASSWORD, next: '/' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (login.status !== 303 || !cookie) {
    child.kill('SIGTERM');
    throw new Error(`login failed: ${login.status}`);
  }
  return { child, base, cookie };
}

/** 20 workers, each with its own connection, fetching `url` until `total` requests are done. */
async function load(url: string, cookie: string, total: number) {
  const latencies: number[] = [];
  let issued = 0;
  let bytes = 0;
  const started = performance.now();
  const worker = async () => {
    // One kept-alive connection per worker: 20 workers = 20 concurrent connections.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (issued < total) {
      issued++;
      const t0 = performance.now();
      const { status, size } = await get(url, cookie, agent);
      latencies.push(performance.now() - t0);
      if (status !== 200) throw new Error(`${url}: HTTP ${status}`);
      bytes += size;
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: latencies.length / seconds,
    kb: bytes / latencies.length / 1024,
  };
}

const COLD_REQUESTS = 100;

async function coldLoad(writer: Db, url: string, cookie: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  for (let i = 0; i < COLD_REQUESTS; i++) {
    await writer
      .insertInto('key_values')
      .values({ key: 'bench.tick', value: String(i), updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(i) }))
      .execute();
    const t0 = performance.now();
    const { status } = await get(url, cookie, agent);
    latencies.push(performance.now() - t0);
    if (status !== 200) throw new Error(`${url}: HTTP ${status}`);
  }
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

/**
 * Like coldLoad, but the write before each request is what the Numbers page
 * counts: a reply arriving (even requests) or a contact moved along the road
 * (odd ones), each for a different contact.
 */
async function afterChangeLoad(writer: Db, url: string, cookie: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  const at = new Date(NOW).toISOString();
  for (let i = 0; i < COLD_REQUESTS; i++) {
    const contactId = 1 + ((i * 97) % CONTACTS);
    if (i % 2 === 0) {
      await writer
        .insertInto('messages')
        .values({
          message_id: `bench-change-${i}@example.com`,
          thread_id: null,
          contact_id: contactId,
          direction: 'in',
          kind: 'reply',
          from_address: `person${contactId}@example.com`,
          to_addresses: 'owner@example.org',
          subject: 'Re: a conversation',
          date: at,
          in_reply_to: null,
          references: '',
          text: 'Thanks!',
          created_at: at,
        })
        .execute();
    } else {
      await writer.transaction().execute(async (trx) => {
        await trx
          .updateTable('contacts')
          .set({ stage: 'replied', stage_changed_at: at, updated_at: at })
          .where('id', '=', contactId)
          .execute();
        await trx
          .insertInto('stage_history')
          .values({
            contact_id: contactId,
            from_stage: null,
            to_stage: 'replied',
            at,
            cause: 'bench move',
            manual: 1,
            source_message_id: null,
          })
          .execute();
      });
    }
    const t0 = performance.now();
    const { status } = await get(url, cookie, agent);
    latencies.push(performance.now() - t0);
    if (status !== 200) throw new Error(`${url}: HTTP ${status}`);
  }
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-bench-web-'));
  try {
    const db = openDatabase(path.join(dir, 'kith.sqlite'));
    await migrateToLatest(db);
    const t0 = performance.now();
    const busy = await seed(db);
    await db.destroy();
    console.log(
      `seeded ${CONTACTS} contacts, ${MESSAGES} messages (${BUSY_MESSAGES} for contact #${busy}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const { child, base, cookie } = await startServer(dir, true);
    try {
      const targets = [
        ['board', '/'],
        [`contact #${busy} (${BUSY_MESSAGES} messages)`, `/contacts/${busy}`],
        ['numbers', '/numbers'],
      ] as const;
      console.log(`${CONCURRENCY} concurrent connections, ${REQUESTS} requests per page, loopback`);
      let allMet = true;
      for (const [name, pathname] of targets) {
        await load(`${base}${pathname}`, cookie, WARMUP);
        const r = await load(`${base}${pathname}`, cookie, REQUESTS);
        const met = r.p95 < 50;
        allMet &&= met;
        console.log(
          `${name.padEnd(34)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  ${r.rps.toFixed(0).padStart(5)} req/s  ${r.kb.toFixed(0)} KB  ${met ? 'ok' : 'OVER 50 ms'}`,
        );
      }
      // Cold: another connection writes before every request, so each page is
      // recomputed from the database (what the first view after a change costs).
      console.log(`cold (a write before each request, 1 connection, ${COLD_REQUESTS} requests)`);
      const writer = openDatabase(path.join(dir, 'kith.sqlite'));
      try {
        for (const [name, pathname] of targets) {
          const r = await coldLoad(writer, `${base}${pathname}`, cookie);
          console.log(
            `${name.padEnd(34)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms`,
          );
        }
        // Target: p95 < 50 ms right after a mail in or a move.
        const r = await afterChangeLoad(writer, `${base}/numbers`, cookie);
        const met = r.p95 < 50;
        allMet &&= met;
        console.log(
          `${'numbers after a mail in or a move'.padEnd(34)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  ${met ? 'ok' : 'OVER 50 ms'}`,
        );
      } finally {
        await writer.destroy();
      }
      process.exitCode = allMet ? 0 : 1;
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    if (process.env.KEEP) console.log(dir);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const AB_REQUESTS = 300;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * `npm run bench:web -- --page-cache [pairs]`: the board and the busy contact
 * page with the page cache (as shipped) and without it (pageCacheEntries 0),
 * two servers on one seeded file, runs interleaved A B A B…; prints the
 * medians of each run's p95 and the ratio (docs/speed-machinery.md).
 */
async function comparePageCache(pairs: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-bench-web-'));
  try {
    const db = openDatabase(path.join(dir, 'kith.sqlite'));
    await migrateToLatest(db);
    const busy = await seed(db);
    await db.destroy();
    const servers = {
      with: await startServer(dir, true),
      without: await startServer(dir, false),
    };
    try {
      const pages = [
        ['board', '/'],
        [`contact #${busy}`, `/contacts/${busy}`],
      ] as const;
      console.log(
        `page cache A/B: ${CONTACTS} contacts, ${MESSAGES} messages, ${CONCURRENCY} connections, ${AB_REQUESTS} requests a run, ${pairs} pairs, load average at start ${loadavg()[0]?.toFixed(2)}`,
      );
      for (const [name, pathname] of pages) {
        const p95 = { with: [] as number[], without: [] as number[] };
        for (const s of Object.values(servers))
          await load(`${s.base}${pathname}`, s.cookie, WARMUP);
        for (let i = 0; i < pairs; i++) {
          // Alternate which goes first, so neither always meets the same moment of load.
          const order = i % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const);
          for (const key of order) {
            const s = servers[key];
            p95[key].push((await load(`${s.base}${pathname}`, s.cookie, AB_REQUESTS)).p95);
          }
        }
        const w = median(p95.with);
        const wo = median(p95.without);
        console.log(
          `${name.padEnd(16)} p95 median with cache ${w.toFixed(1).padStart(7)} ms  without ${wo.toFixed(1).padStart(7)} ms  ratio ${(wo / w).toFixed(1)}×  (with: ${p95.with.map((x) => x.toFixed(0)).join(', ')}; without: ${p95.without.map((x) => x.toFixed(0)).join(', ')})`,
        );
      }
      console.log(`load average at the end ${loadavg()[0]?.toFixed(2)}`);
    } finally {
      for (const s of Object.values(servers)) s.child.kill('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  await serveChild(process.argv[3] as string, process.argv[4] !== '--no-page-cache');
} else if (process.argv[2] === '--page-cache') {
  await comparePageCache(Number(process.argv[3] ?? 5));
} else {
  await main();
}
