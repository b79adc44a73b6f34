import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, withSecret } from '../../src/config.js';
import { type Db, databasePath, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createOutboxEffects } from '../../src/scheduler/outbox-effects.js';
import { scheduleSettings } from '../../src/scheduler/settings.js';
import { runTick, type TickDeps } from '../../src/scheduler/tick.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { awayUntil } from '../inbox/ingest-helpers.js';
import { envFor, quietLogger, SECRET } from '../scheduler/world.js';

/**
 * A database made by the 2026-12-06 release (test/fixtures/upgrade, see
 * make-release-db.ts there) opened by today's kith the way `kith serve`
 * opens one: every row is still there, the out-of-office dates it kept in
 * key_values are now contacts.away_until and still hold back follow-ups,
 * and the send loop's Drafts-copy marks are now outbox.drafts_copy_at.
 */

const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/upgrade/release-2026-12-06.sqlite',
);
/** Tables whose rows must all survive; new columns may be added, none may change. */
const KEPT = [
  'contacts',
  'contact_emails',
  'threads',
  'messages',
  'meetings',
  'notes',
  'advice',
  'outbox',
  'stage_history',
  'jobs',
  'import_created',
] as const;
const BO = 2;
const CY = 3;

type Row = Record<string, unknown>;

function rowsOf(file: string): Map<string, Row[]> {
  const raw = new SQLite(file, { readonly: true });
  try {
    const out = new Map<string, Row[]>();
    for (const table of [...KEPT, 'key_values']) {
      out.set(table, raw.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Row[]);
    }
    return out;
  } finally {
    raw.close();
  }
}

/** `row` restricted to the columns `before` had. */
const asBefore = (before: Row, row: Row) =>
  Object.fromEntries(Object.keys(before).map((k) => [k, row[k]]));

const tempDir = useTempDir('kith-upgrade-');
const open: Db[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

async function upgraded() {
  const dir = tempDir();
  copyFileSync(FIXTURE, databasePath(dir));
  const db = openDatabase(databasePath(dir));
  open.push(db);
  await migrateToLatest(db);
  const config = withSecret(loadConfig(envFor(dir, 'Europe/Berlin'), { cwd: dir }), SECRET);
  const deps: TickDeps = {
    db,
    settings: scheduleSettings(config),
    effects: createOutboxEffects({ config, logger: quietLogger }),
    logger: quietLogger,
    attempts: new Map(),
  };
  return { dir, db, deps };
}

describe('a database made by the 2026-12-06 release', () => {
  it('upgrades with every row kept, away dates in contacts.away_until and Drafts copies in outbox.drafts_copy_at', async () => {
    const before = rowsOf(FIXTURE);
    expect(before.get('contacts')).toHaveLength(3);
    expect(before.get('key_values')?.filter((r) => String(r.key).startsWith('ooo_until:'))).toEqual(
      [
        expect.objectContaining({ key: `ooo_until:${BO}`, value: '2026-12-20' }),
        expect.objectContaining({ key: `ooo_until:${CY}`, value: '2026-12-15' }),
      ],
    );
    const { dir, db } = await upgraded();
    await db.destroy();
    open.splice(0);
    const after = rowsOf(databasePath(dir));

    for (const table of KEPT) {
      const old = before.get(table) ?? [];
      const now = after.get(table) ?? [];
      expect(now.length, table).toBe(old.length);
      now.forEach((row, i) => {
        expect(asBefore(old[i] as Row, row), `${table} row ${i}`).toEqual(old[i]);
      });
    }
    for (const table of ['contacts', 'contact_emails', 'messages', 'meetings', 'notes', 'advice']) {
      expect(before.get(table)?.length, table).toBeGreaterThan(0);
    }
    expect(before.get('outbox')).toEqual([
      expect.objectContaining({ kind: 'thank_you', state: 'awaiting_approval' }),
    ]);

    const away = new Map(after.get('contacts')?.map((c) => [c.id, c.away_until]));
    expect([...away]).toEqual([
      [1, null],
      [BO, '2026-12-20'],
      [CY, '2026-12-15'],
    ]);
    // The Drafts-folder copy mark moved to its draft.
    expect(after.get('outbox')?.map((r) => [r.id, r.drafts_copy_at])).toEqual([
      [1, '2026-12-02T13:00:00.000Z'],
    ]);
    // The domain facts left key_values; the scheduler's watermark stays.
    expect(after.get('key_values')).toEqual(
      before
        .get('key_values')
        ?.filter((r) => !/^(ooo_until:|outbox\.imap-draft\.)/.test(String(r.key))),
    );
    expect(after.get('key_values')?.map((r) => r.key)).toEqual(['scheduler:planned_until']);
  });

  it('still holds back the follow-ups of contacts who were away, then sends them after', async () => {
    const { db, deps } = await upgraded();
    expect(await awayUntil(db, BO)).toBe('2026-12-20');
    const followUps = async (at: string) =>
      (await runTick(deps, new Date(at))).outcomes
        .filter((o) => o.job.kind === 'follow_up')
        .map((o) => `${o.job.subjectKey} ${o.result}`);

    // Without the away dates both would be due by now (contacted on 1 and 2 Dec, 7 days).
    expect(await followUps('2026-12-10T09:00:00.000Z')).toEqual([]);
    // Cy is back on 15 Dec: due 7 days later; Bo (back 20 Dec) still waits.
    expect(await followUps('2026-12-22T12:00:00.000Z')).toEqual([`contact:${CY} done`]);
    expect(await followUps('2026-12-27T12:00:00.000Z')).toEqual([`contact:${BO} done`]);
  });
});
