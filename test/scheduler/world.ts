import path from 'node:path';
import { afterEach } from 'vitest';
import { type Config, loadConfig, withSecret } from '../../src/config.js';
import { applyStageEvent, createContact } from '../../src/db/contacts.js';
import { type Db, databasePath, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import type { Stage } from '../../src/pipeline/stages.js';
import { createOutboxEffects } from '../../src/scheduler/outbox-effects.js';
import { scheduleSettings } from '../../src/scheduler/settings.js';
import type { TickDeps } from '../../src/scheduler/tick.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * A real kith data dir for scheduler tests: migrated SQLite file, settings as
 * a user would write them, the real outbox effects, and helpers to put
 * contacts, meetings and mail into it the way the inbox would.
 */

export const OWNER = 'sam@example.org';
export const SECRET = 'scheduler-test-secret-0123456789abcdef';

export interface World {
  readonly dir: string;
  readonly config: Config;
  readonly db: Db;
  readonly deps: TickDeps;
  /** Another connection to the same file, as a restarted process would open. */
  reopen(): Promise<World>;
}

export const quietLogger = createLogger({ secrets: [], quiet: true, write: () => undefined });

export function envFor(dir: string, timeZone: string): Record<string, string> {
  return {
    KITH_DATA_DIR: dir,
    KITH_OWNER_EMAIL: OWNER,
    KITH_OWNER_NAME: 'Sam Rivera',
    KITH_SERVICE_ADDRESS: 'sam+kith@example.org',
    KITH_TIMEZONE: timeZone,
    KITH_SECRET: SECRET,
  };
}

/** One World per call; every database is closed after the test. */
export function useWorld(): (options?: {
  timeZone?: string;
  env?: Record<string, string>;
}) => Promise<World> {
  const tempDir = useTempDir('kith-scheduler-');
  const open: Db[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
  });
  return async (options = {}) => {
    const dir = tempDir();
    const env = { ...envFor(dir, options.timeZone ?? 'Europe/Berlin'), ...options.env };
    const config = withSecret(loadConfig(env, { cwd: dir }), SECRET);
    const connect = async (): Promise<World> => {
      const db = openDatabase(databasePath(dir));
      open.push(db);
      await migrateToLatest(db);
      const deps: TickDeps = {
        db,
        settings: scheduleSettings(config),
        effects: createOutboxEffects({ config, logger: quietLogger }),
        logger: quietLogger,
        attempts: new Map(),
      };
      return { dir, config, db, deps, reopen: connect };
    };
    return connect();
  };
}

export const dbFile = (dir: string) => path.join(dir, 'kith.sqlite');

/** A contact with one address, moved along the journey the way ingest would. */
export async function addContact(
  db: Db,
  input: {
    name: string;
    email: string;
    at: string;
    stage?: Stage;
    referredById?: number;
    company?: string;
  },
): Promise<number> {
  const contact = await createContact(
    db,
    {
      name: input.name,
      emails: [input.email],
      company: input.company ?? null,
      source: input.referredById ? 'referral' : 'outreach',
      referredById: input.referredById ?? null,
      stage: input.stage ?? 'prospect',
    },
    input.at,
  );
  return contact.id;
}

export async function move(db: Db, contactId: number, to: Stage, at: string): Promise<void> {
  await applyStageEvent(db, contactId, { type: 'manual_move', to }, { at, cause: 'test setup' });
}

let messageCounter = 0;

/** A stored mail, as the inbox records it. */
export async function addMessage(
  db: Db,
  input: {
    contactId: number;
    direction: 'in' | 'out';
    kind: string;
    date: string;
    subject?: string;
    text?: string;
  },
): Promise<string> {
  messageCounter += 1;
  const messageId = `m${messageCounter}.${Date.now()}@example.com`;
  await db
    .insertInto('messages')
    .values({
      message_id: messageId,
      thread_id: null,
      contact_id: input.contactId,
      direction: input.direction,
      kind: input.kind,
      from_address: input.direction === 'out' ? OWNER : 'them@example.com',
      to_addresses: input.direction === 'out' ? 'them@example.com' : OWNER,
      subject: input.subject ?? 'Coffee?',
      date: input.date,
      in_reply_to: null,
      references: '',
      text: input.text ?? 'Hello',
      created_at: input.date,
    })
    .execute();
  return messageId;
}

/** A meeting as the inbox stores a confirmed one; `created` is when it was booked. */
export async function addMeeting(
  db: Db,
  input: {
    contactId: number;
    startsAt: string;
    endsAt: string;
    created: string;
    timeZone?: string;
    status?: 'proposed' | 'confirmed' | 'cancelled' | 'done';
  },
): Promise<number> {
  const row = await db
    .insertInto('meetings')
    .values({
      contact_id: input.contactId,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      time_zone: input.timeZone ?? 'Europe/Berlin',
      mode: 'video',
      location: 'https://meet.example.com/abc',
      status: input.status ?? 'confirmed',
      ical_uid: null,
      ical_sequence: null,
      source_message_id: null,
      created_at: input.created,
      updated_at: input.created,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateMeeting(
  db: Db,
  id: number,
  changes: { startsAt?: string; endsAt?: string; status?: 'cancelled' | 'confirmed'; at: string },
): Promise<void> {
  await db
    .updateTable('meetings')
    .set({
      ...(changes.startsAt ? { starts_at: changes.startsAt } : {}),
      ...(changes.endsAt ? { ends_at: changes.endsAt } : {}),
      ...(changes.status ? { status: changes.status } : {}),
      updated_at: changes.at,
    })
    .where('id', '=', id)
    .execute();
}

export async function jobRows(db: Db) {
  return db.selectFrom('jobs').selectAll().orderBy('id').execute();
}

export async function outboxRows(db: Db) {
  return db.selectFrom('outbox').selectAll().orderBy('id').execute();
}

export async function stageOf(db: Db, contactId: number): Promise<string> {
  const row = await db
    .selectFrom('contacts')
    .select('stage')
    .where('id', '=', contactId)
    .executeTakeFirstOrThrow();
  return row.stage;
}
