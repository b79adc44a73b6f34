import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createIngester, type IngesterDeps } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';

/** Settings the inbox tests share: one owner, a plus-address for kith, a fixed secret. */
export const OWNER = 'owner@example.org';
export const SERVICE = 'owner+kith@example.org';
export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export const testConfig: Config = loadConfig(
  {
    // Never written: the inbox tests give the ingester a database of their own.
    KITH_DATA_DIR: tmpdir(),
    KITH_OWNER_EMAIL: OWNER,
    KITH_OWNER_NAME: 'Sam Owner',
    KITH_SERVICE_ADDRESS: SERVICE,
    KITH_SECRET: SECRET,
    KITH_MAX_MESSAGE_BYTES: String(1024 * 1024),
    KITH_TIMEZONE: 'Europe/Berlin',
  },
  { cwd: tmpdir() },
);

/** A migrated SQLite file in `dir`. */
export async function testDb(dir: string): Promise<Db> {
  const db = openDatabase(path.join(dir, 'kith.sqlite'));
  await migrateToLatest(db);
  return db;
}

/** Collects log lines instead of printing them. */
export function captureLogger() {
  const lines: string[] = [];
  return { logger: createLogger({ secrets: [SECRET], write: (l) => lines.push(l) }), lines };
}

export function testIngester(db: Db, extra: Partial<IngesterDeps> = {}) {
  const { logger, lines } = captureLogger();
  return {
    ingester: createIngester({
      db,
      config: testConfig,
      logger,
      now: () => new Date('2026-12-01T12:00:00Z'),
      // The real outbox behind the ingester, as in kith (src/kith.ts).
      ...outboxPorts(testConfig, logger),
      ...extra,
    }),
    lines,
  };
}

/** Row counts of the tables ingest writes. */
export async function counts(db: Db) {
  const n = async (table: 'messages' | 'contacts' | 'stage_history' | 'quarantine' | 'meetings') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    messages: await n('messages'),
    contacts: await n('contacts'),
    history: await n('stage_history'),
    quarantine: await n('quarantine'),
    meetings: await n('meetings'),
  };
}

/** The out-of-office return date kept for a contact (contacts.away_until), if any. */
export async function awayUntil(db: Db, contactId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('contacts')
    .select('away_until')
    .where('id', '=', contactId)
    .executeTakeFirst();
  return row?.away_until ?? undefined;
}

export async function stageOf(db: Db, address: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('contacts')
    .innerJoin('contact_emails', 'contact_emails.contact_id', 'contacts.id')
    .select('contacts.stage')
    .where('contact_emails.address', '=', address)
    .executeTakeFirst();
  return row?.stage;
}
