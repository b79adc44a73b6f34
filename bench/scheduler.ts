/**
 * `npm run bench:scheduler`: one scheduler tick (find what is due and
 * enqueue it) against 100,000 contacts, 20,000 meetings and 200,000
 * messages in SQLite. Prints the median of ≥ 20 minute ticks (target
 * < 50 ms), the heavier ticks (17:00 and 09:00 owner time, the first tick
 * after a start), what the due windows save (compareDueWindows), and
 * EXPLAIN QUERY PLAN for every query the ticks ran.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig, withSecret } from '../src/config.js';
import { type Db, migrateToLatest } from '../src/db/database.js';
import { Kysely, SqliteDialect } from '../src/db/kysely.js';
import { getPlannedUntil, recordedJobKeys } from '../src/db/scheduler-queries.js';
import type { Database } from '../src/db/schema.js';
import { createLogger } from '../src/log.js';
import { planDueJobs } from '../src/pipeline/schedule.js';
import { createOutboxEffects } from '../src/scheduler/outbox-effects.js';
import { scheduleSettings } from '../src/scheduler/settings.js';
import { loadSnapshot } from '../src/scheduler/snapshot.js';
import { runTick, type TickDeps } from '../src/scheduler/tick.js';

const CONTACTS = 100_000;
const MEETINGS = 20_000;
const MESSAGES = 200_000;
const MINUTE_TICKS = 30;
/** Monday 23 Nov 2026, 11:00 in Berlin. */
const NOW = Date.parse('2026-11-23T10:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let seed = 42;
/** Deterministic pseudo-random in [0, 1): the same database every run. */
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
const between = (from: number, to: number) => Math.floor(from + random() * (to - from));
const iso = (ms: number) => new Date(ms).toISOString();

interface Plan {
  stage: string;
  changedAt: number;
  created: number;
}

/** Stage mix of a heavy user: mostly imported prospects, a few thousand in each later stage. */
function planContact(i: number): Plan {
  const created = NOW - between(30 * DAY, 730 * DAY);
  if (i < 60_000) return { stage: 'prospect', changedAt: created, created };
  if (i < 70_000) return { stage: 'contacted', changedAt: NOW - between(0, 25 * DAY), created };
  if (i < 78_000)
    return { stage: 'no_response', changedAt: NOW - between(22 * DAY, 700 * DAY), created };
  if (i < 82_000) return { stage: 'replied', changedAt: NOW - between(0, 60 * DAY), created };
  if (i < 84_000) return { stage: 'scheduled', changedAt: NOW - between(0, 20 * DAY), created };
  if (i < 87_000) return { stage: 'met', changedAt: NOW - between(0, 700 * DAY), created };
  if (i < 90_000) return { stage: 'thanked', changedAt: NOW - between(0, 700 * DAY), created };
  if (i < 94_000)
    return { stage: 'keeping_in_touch', changedAt: NOW - between(0, 700 * DAY), created };
  const exits = ['declined', 'bounced', 'archived'];
  return { stage: exits[i % 3] as string, changedAt: NOW - between(0, 700 * DAY), created };
}

function seedDatabase(sqlite: SQLite.Database): void {
  const contact = sqlite.prepare(
    `INSERT INTO contacts (id, name, company, title, linkedin_url, source, referred_by_id, stage, stage_changed_at, cadence_days, created_at, updated_at)
     VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const email = sqlite.prepare(
    'INSERT INTO contact_emails (contact_id, address, is_primary) VALUES (?, ?, 1)',
  );
  const history = sqlite.prepare(
    'INSERT INTO stage_history (contact_id, from_stage, to_stage, at, cause, manual) VALUES (?, ?, ?, ?, ?, 0)',
  );
  const message = sqlite.prepare(
    `INSERT INTO messages (message_id, thread_id, contact_id, direction, kind, from_address, to_addresses, subject, date, in_reply_to, "references", text, created_at)
     VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?, ?)`,
  );
  const meeting = sqlite.prepare(
    `INSERT INTO meetings (contact_id, starts_at, ends_at, time_zone, mode, location, status, ical_uid, ical_sequence, source_message_id, created_at, updated_at)
     VALUES (?, ?, ?, 'Europe/Berlin', 'video', 'https://meet.example.com/x', ?, NULL, NULL, NULL, ?, ?)`,
  );
  const outbox = sqlite.prepare(
    `INSERT INTO outbox (message_id, kind, contact_id, meeting_id, audience, to_address, subject, body_text, body_html, in_reply_to, "references", state, send_after, attempts, last_error, draft_id, created_at, updated_at, sent_at)
     VALUES (?, ?, ?, NULL, 'contact', ?, 'Re: hello', 'text', NULL, NULL, '', ?, NULL, 0, NULL, NULL, ?, ?, ?)`,
  );
  const job = sqlite.prepare(
    `INSERT INTO jobs (kind, subject_key, occurrence, due_at, state, reason, ran_at) VALUES (?, ?, ?, ?, 'done', NULL, ?)`,
  );
  const awayUntil = sqlite.prepare('UPDATE contacts SET away_until = ? WHERE id = ?');

  let messages = 0;
  let meetings = 0;
  let outboxRows = 0;
  const addMessage = (contactId: number, direction: 'in' | 'out', kind: string, at: number) => {
    messages += 1;
    message.run(
      `bench${messages}@example.com`,
      contactId,
      direction,
      kind,
      direction === 'out' ? 'sam@example.org' : `c${contactId}@example.com`,
      direction === 'out' ? `c${contactId}@example.com` : 'sam@example.org',
      'Twenty minutes of your advice?',
      iso(at),
      'A short message body.',
      iso(at),
    );
  };
  const addOutbox = (
    kind: string,
    contactId: number,
    state: string,
    at: number,
    sentAt: number | null,
  ) => {
    outboxRows += 1;
    outbox.run(
      `bench-outbox-${outboxRows}@example.org`,
      kind,
      contactId,
      `c${contactId}@example.com`,
      state,
      iso(at),
      iso(sentAt ?? at),
      sentAt === null ? null : iso(sentAt),
    );
  };
  const addMeeting = (contactId: number, start: number, status: string) => {
    meetings += 1;
    // Booked a few days before it, and in any case before the benchmark's "now".
    const created = Math.min(start - between(2 * DAY, 14 * DAY), NOW - between(HOUR, 10 * DAY));
    meeting.run(contactId, iso(start), iso(start + 30 * MIN), status, iso(created), iso(created));
    if (status === 'done') {
      for (const kind of ['prep_brief', 'meeting_over', 'thank_you']) {
        job.run(kind, `meeting:${meetings}`, iso(start), iso(start), iso(start));
      }
    }
  };

  sqlite.transaction(() => {
    for (let i = 0; i < CONTACTS; i += 1) {
      const id = i + 1;
      const p = planContact(i);
      const referrer = i >= 84_000 && i % 7 === 0 ? between(84_001, 94_000) : null;
      contact.run(
        id,
        `Person ${id}`,
        `Company ${id % 997}`,
        referrer ? 'referral' : i < 60_000 ? 'import:linkedin' : 'outreach',
        referrer,
        p.stage,
        iso(p.changedAt),
        i % 250 === 0 && i >= 84_000 ? 60 : null,
        iso(p.created),
        iso(p.changedAt),
      );
      email.run(id, `c${id}@example.com`);
      history.run(id, null, 'prospect', iso(p.created), 'created');
      if (p.stage === 'prospect') continue;
      const outreachAt =
        p.stage === 'contacted'
          ? p.changedAt
          : Math.max(p.created, p.changedAt - between(3 * DAY, 40 * DAY));
      history.run(id, 'prospect', 'contacted', iso(outreachAt), 'outreach');
      if (p.stage !== 'contacted') history.run(id, 'contacted', p.stage, iso(p.changedAt), 'test');
      addMessage(id, 'out', 'outreach', outreachAt);
      if (p.stage === 'contacted') {
        const age = NOW - p.changedAt;
        if (i % 50 === 0) awayUntil.run(iso(p.changedAt + 5 * DAY).slice(0, 10), id);
        if (age > 8 * DAY)
          addOutbox(
            'follow_up',
            id,
            'sent',
            p.changedAt + 7 * DAY,
            p.changedAt + 7 * DAY + between(HOUR, DAY),
          );
        if (age > 16 * DAY)
          addOutbox(
            'follow_up',
            id,
            'sent',
            p.changedAt + 15 * DAY,
            p.changedAt + 15 * DAY + between(HOUR, DAY),
          );
        if (age > 7 * DAY && age <= 8 * DAY)
          addOutbox('follow_up', id, 'awaiting_approval', p.changedAt + 7 * DAY, null);
        if (i % 10 === 0) addMessage(id, 'in', 'auto_reply', outreachAt + HOUR);
        continue;
      }
      if (p.stage === 'no_response') {
        addOutbox('follow_up', id, 'sent', outreachAt + 7 * DAY, outreachAt + 7 * DAY);
        addOutbox('follow_up', id, 'sent', outreachAt + 14 * DAY, outreachAt + 14 * DAY);
        addMessage(id, 'out', 'owner_reply', outreachAt + 7 * DAY);
        addMessage(id, 'out', 'owner_reply', outreachAt + 14 * DAY);
        continue;
      }
      const replyAt = Math.min(outreachAt + between(HOUR, 5 * DAY), p.changedAt);
      addMessage(id, 'in', 'reply', replyAt);
      if (p.stage === 'scheduled') {
        addMessage(id, 'out', 'owner_reply', replyAt + HOUR);
        addMessage(id, 'in', 'reply', replyAt + 2 * HOUR);
        addMeeting(id, NOW + between(HOUR, 30 * DAY), 'confirmed');
        continue;
      }
      if (['met', 'thanked', 'keeping_in_touch'].includes(p.stage)) {
        const meetingAt = p.changedAt - between(DAY, 3 * DAY);
        addMeeting(id, meetingAt, 'done');
        if (i % 3 === 0) addMeeting(id, meetingAt - between(30 * DAY, 200 * DAY), 'done');
        if (i % 5 === 0) addMeeting(id, meetingAt - between(10 * DAY, 20 * DAY), 'cancelled');
        // About a dozen mails each way over the relationship.
        for (let k = 0; k < 11; k += 1) {
          addMessage(
            id,
            k % 2 ? 'in' : 'out',
            k % 2 ? 'reply' : 'owner_reply',
            outreachAt + (k * (p.changedAt - outreachAt)) / 11,
          );
        }
        if (p.stage !== 'met') addOutbox('thank_you', id, 'sent', meetingAt + DAY, meetingAt + DAY);
        if (p.stage === 'keeping_in_touch')
          addOutbox('keep_in_touch', id, 'sent', p.changedAt, p.changedAt);
        continue;
      }
      if (p.stage === 'replied') {
        addMessage(id, 'out', 'owner_reply', replyAt + HOUR);
        addMessage(id, 'in', 'reply', replyAt + DAY);
      }
    }
    // Fill up to the target counts with more history on met contacts and past cancelled meetings.
    while (meetings < MEETINGS)
      addMeeting(between(84_001, 94_000), NOW - between(DAY, 700 * DAY), 'cancelled');
    while (messages < MESSAGES) {
      const id = between(84_001, 94_000);
      addMessage(
        id,
        random() < 0.5 ? 'in' : 'out',
        random() < 0.5 ? 'reply' : 'owner_reply',
        NOW - between(100 * DAY, 700 * DAY),
      );
    }
  })();
  console.log(
    `seeded ${CONTACTS} contacts, ${meetings} meetings, ${messages} messages, ${outboxRows} outbox rows`,
  );
}

interface Captured {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly ms: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const WINDOW_PAIRS = 5;

/**
 * Due windows (docs/speed-machinery.md): a tick loads only rows whose anchor
 * instant puts a job due in (since, now]. Without them a tick must load every
 * row that can ever hold a job and plan it; a window reaching back to 2000
 * does exactly that through the same loaders. Times load + plan only (the
 * recorded-key check of every job ever due would come on top, so the
 * windowless figure is a lower bound); runs interleaved, medians printed.
 */
async function compareDueWindows(db: Db, settings: TickDeps['settings'], now: string) {
  const since = (await getPlannedUntil(db)) as string;
  const run = async (from: string) => {
    const t0 = performance.now();
    const snapshot = await loadSnapshot(db, { since: from, now }, settings);
    const due = planDueJobs(snapshot, { since: from, now }, settings);
    const rows = Object.values(snapshot).reduce((n, v) => n + (v as unknown[]).length, 0);
    return { ms: performance.now() - t0, rows, due: due.length };
  };
  const windowed: number[] = [];
  const windowless: number[] = [];
  let sizes = { windowed: { rows: 0, due: 0 }, windowless: { rows: 0, due: 0 } };
  for (let i = 0; i < WINDOW_PAIRS; i += 1) {
    const a = await run(since);
    const b = await run('2000-01-01T00:00:00.000Z');
    windowed.push(a.ms);
    windowless.push(b.ms);
    sizes = { windowed: a, windowless: b };
  }
  console.log(
    `due windows, load + plan of a minute tick (${WINDOW_PAIRS} interleaved pairs): with ${median(windowed).toFixed(2)} ms (${sizes.windowed.rows} rows, ${sizes.windowed.due} due), without ${median(windowless).toFixed(1)} ms (${sizes.windowless.rows} rows, ${sizes.windowless.due} ever due), ${(median(windowless) / median(windowed)).toFixed(0)}×`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-bench-scheduler-'));
  try {
    const sqlite = new SQLite(path.join(dir, 'kith.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    let capture: Captured[] | null = null;
    const db: Db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: sqlite }),
      log(event) {
        if (event.level === 'query' && capture) {
          capture.push({
            sql: event.query.sql,
            parameters: event.query.parameters,
            ms: event.queryDurationMillis,
          });
        }
      },
    });
    await migrateToLatest(db);
    const seedStart = performance.now();
    // Referrals may point forward in the id order; the seed is consistent once complete.
    sqlite.pragma('foreign_keys = OFF');
    seedDatabase(sqlite);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.exec('ANALYZE');
    console.log(`seeding took ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const config = withSecret(
      loadConfig(
        {
          KITH_DATA_DIR: dir,
          KITH_OWNER_EMAIL: 'sam@example.org',
          KITH_OWNER_NAME: 'Sam Rivera',
          KITH_TIMEZONE: 'Europe/Berlin',
        },
        { cwd: dir },
      ),
      'bench-secret-0123456789abcdef0123456789',
    );
    const logger = createLogger({ secrets: [], quiet: true, write: () => undefined });
    const deps: TickDeps = {
      db,
      settings: scheduleSettings(config),
      effects: createOutboxEffects({ config, logger }),
      logger,
      attempts: new Map(),
    };
    const queries = new Map<
      string,
      Captured & { ticks: Set<string>; total: number; runs: number }
    >();
    const timed = async (label: string, at: number, recheck = false) => {
      capture = [];
      const started = performance.now();
      const report = await runTick(deps, new Date(at), { recheck });
      const ms = performance.now() - started;
      for (const q of capture) {
        // `IN (?, ?, …)` lists of any length are one query.
        const shape = q.sql.replace(/\(\?(, \?)+\)/g, '(?, …)');
        const known = queries.get(shape) ?? { ...q, ticks: new Set<string>(), total: 0, runs: 0 };
        known.ticks.add(label);
        if (label === 'minute tick') {
          known.total += q.ms;
          known.runs += 1;
        }
        queries.set(shape, known);
      }
      capture = null;
      return { ms, jobs: report.outcomes.length, queries: 0, report };
    };

    const first = await timed('first tick after start (re-check)', NOW, true);
    console.log(
      `\nfirst tick after start (re-checks the last 14 days): ${first.ms.toFixed(1)} ms, ${first.jobs} jobs`,
    );
    // Where a minute tick's time goes: loading, planning, the recorded-key check.
    {
      const at = new Date(NOW + 30_000).toISOString();
      const since = (await getPlannedUntil(db)) as string;
      const t0 = performance.now();
      const snapshot = await loadSnapshot(db, { since, now: at }, deps.settings);
      const t1 = performance.now();
      const due = planDueJobs(snapshot, { since, now: at }, deps.settings);
      const t2 = performance.now();
      await recordedJobKeys(db, due);
      const t3 = performance.now();
      const sizes = Object.entries(snapshot).map(([k, v]) => `${k} ${(v as unknown[]).length}`);
      console.log(
        `a minute tick's phases: load ${(t1 - t0).toFixed(2)} ms (${sizes.join(', ')}), plan ${(t2 - t1).toFixed(2)} ms (${due.length} due), recorded-check ${(t3 - t2).toFixed(2)} ms`,
      );
    }
    await compareDueWindows(db, deps.settings, new Date(NOW + 30_000).toISOString());
    const times: number[] = [];
    let jobs = 0;
    for (let i = 1; i <= MINUTE_TICKS; i += 1) {
      const t = await timed('minute tick', NOW + i * MIN);
      times.push(t.ms);
      jobs += t.jobs;
    }
    console.log(
      `minute ticks (${MINUTE_TICKS}, 11:01–11:${String(MINUTE_TICKS).padStart(2, '0')} Berlin): median ${median(times).toFixed(2)} ms, p90 ${percentile(times, 90).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms, ${jobs} jobs enqueued in all`,
    );
    await timed('catch-up', NOW + 6 * HOUR - MIN);
    const brief = await timed('17:00 tick', NOW + 6 * HOUR);
    console.log(
      `17:00 Berlin tick (prep briefs for tomorrow): ${brief.ms.toFixed(1)} ms, ${brief.jobs} jobs`,
    );
    await timed('catch-up', NOW + 22 * HOUR - MIN);
    const thanks = await timed('09:00 tick', NOW + 22 * HOUR);
    console.log(
      `09:00 Berlin tick (thank-you drafts): ${thanks.ms.toFixed(1)} ms, ${thanks.jobs} jobs`,
    );
    const after: number[] = [];
    for (let i = 1; i <= MINUTE_TICKS; i += 1)
      after.push((await timed('minute tick', NOW + 22 * HOUR + i * MIN)).ms);
    console.log(
      `minute ticks the next morning (${MINUTE_TICKS}): median ${median(after).toFixed(2)} ms, p90 ${percentile(after, 90).toFixed(2)} ms`,
    );

    const costly = [...queries.values()]
      .filter((q) => q.runs > 0)
      .sort((a, b) => b.total - a.total);
    console.log('\ntime per minute tick by query (top 8):');
    for (const q of costly.slice(0, 8)) {
      console.log(
        `  ${(q.total / (2 * MINUTE_TICKS)).toFixed(2)} ms  ${q.sql.replace(/\s+/g, ' ').slice(0, 110)}`,
      );
    }
    console.log('\nEXPLAIN QUERY PLAN for each query the ticks ran (reads; writes are by key):');
    let n = 0;
    for (const [shape, q] of queries) {
      if (!/^\s*select/i.test(shape)) continue;
      n += 1;
      const plan = sqlite
        .prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .all(...(q.parameters as unknown[])) as {
        detail: string;
      }[];
      console.log(
        `\n[${n}] (${[...q.ticks].join(', ')})\n${shape.replace(/\s+/g, ' ').slice(0, 400)}`,
      );
      for (const row of plan) console.log(`    ${row.detail}`);
    }
    const writes = [...queries.values()].filter((q) => !/^\s*select/i.test(q.sql));
    console.log(
      `\nwrites: ${writes.map((q) => q.sql.replace(/\s+/g, ' ').slice(0, 60)).join(' | ')}`,
    );
    await db.destroy();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
