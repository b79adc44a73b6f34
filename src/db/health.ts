import type { PutAsideMail } from '../pipeline/put-aside.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';
import { migrations } from './migrations/index.js';
import { putAsideFromContacts } from './put-aside-queries.js';
import type { OutboxRow, QuarantineRow } from './schema.js';

export interface DatabaseHealth {
  /** 'ok', or SQLite's description of the damage. */
  readonly integrity: string;
  readonly pendingMigrations: number;
  readonly contacts: number;
}

/** A quick integrity check plus migration state, for doctor and the health page. */
export async function databaseHealth(db: Db): Promise<DatabaseHealth> {
  const check = await sql<{ quick_check: string }>`pragma quick_check`.execute(db);
  const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`
    .execute(db)
    .then((r) => r.rows[0]?.n ?? 0)
    .catch(() => 0);
  const contacts = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
    .then((r) => Number(r?.n ?? 0))
    .catch(() => 0);
  return {
    integrity: check.rows[0]?.quick_check ?? 'unknown',
    pendingMigrations: Math.max(0, Object.keys(migrations).length - applied),
    contacts,
  };
}

export interface HealthData {
  readonly lastMessage: { date: string; createdAt: string; subject: string } | null;
  readonly messageCount: number;
  readonly quarantineCount: number;
  readonly quarantine: readonly QuarantineRow[];
  /** Of those, mail from known contacts, which the owner must read by hand. */
  readonly putAsideFromContacts: readonly (PutAsideMail & { contactId: number })[];
  readonly failedOutbox: readonly OutboxRow[];
  readonly recentJobs: readonly {
    kind: string;
    subject_key: string;
    due_at: string;
    state: string;
    reason: string | null;
    ran_at: string;
  }[];
  readonly syncState: readonly { mailbox: string; last_uid: number; updated_at: string }[];
}

/** The health page's data: the latest stored message, quarantine, failures, recent jobs. */
export async function loadHealth(db: Db): Promise<HealthData> {
  const last = await db
    .selectFrom('messages')
    .select(['date', 'created_at', 'subject'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const messageCount = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const quarantineCount = await db
    .selectFrom('quarantine')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const quarantine = await db
    .selectFrom('quarantine')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  const failedOutbox = await db
    .selectFrom('outbox')
    .selectAll()
    .where('state', '=', 'failed')
    .orderBy('updated_at', 'desc')
    .limit(50)
    .execute();
  const recentJobs = await db
    .selectFrom('jobs')
    .select(['kind', 'subject_key', 'due_at', 'state', 'reason', 'ran_at'])
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
  const syncState = await db
    .selectFrom('sync_state')
    .select(['mailbox', 'last_uid', 'updated_at'])
    .orderBy('mailbox')
    .execute();
  return {
    lastMessage: last
      ? { date: last.date, createdAt: last.created_at, subject: last.subject }
      : null,
    messageCount: Number(messageCount.n),
    quarantineCount: Number(quarantineCount.n),
    quarantine,
    putAsideFromContacts: await putAsideFromContacts(db),
    failedOutbox,
    recentJobs,
    syncState,
  };
}
