import { type Db, inTransaction } from './database.js';

/**
 * Every row an export needs, one query per table, each already in the
 * export's stable order (by contact, then time, then id). Grouping happens
 * in memory, so the number of queries does not grow with the contacts.
 */
export interface ExportRows {
  readonly contacts: readonly {
    id: number;
    name: string | null;
    company: string | null;
    title: string | null;
    linkedin_url: string | null;
    source: string;
    stage: string;
    referred_by_id: number | null;
    cadence_days: number | null;
  }[];
  readonly emails: readonly {
    contact_id: number;
    address: string;
    is_primary: number;
    dead_at: string | null;
  }[];
  readonly meetings: readonly {
    contact_id: number;
    starts_at: string;
    ends_at: string;
    time_zone: string;
    status: string;
    mode: string;
    location: string | null;
  }[];
  readonly notes: readonly { contact_id: number; created_at: string; body: string }[];
  readonly advice: readonly { contact_id: number; created_at: string; body: string }[];
  readonly history: readonly {
    contact_id: number;
    from_stage: string | null;
    to_stage: string;
    at: string;
    cause: string;
    manual: number;
  }[];
  readonly messages: readonly {
    contact_id: number | null;
    message_id: string;
    direction: string;
    kind: string;
    date: string;
    subject: string;
    text: string;
  }[];
}

/** Loads all exportable rows inside one read transaction, so they agree with each other. */
export async function loadExportRows(db: Db): Promise<ExportRows> {
  return inTransaction(db, readAll);
}

async function readAll(trx: Db): Promise<ExportRows> {
  const contacts = await trx
    .selectFrom('contacts')
    .select([
      'id',
      'name',
      'company',
      'title',
      'linkedin_url',
      'source',
      'stage',
      'referred_by_id',
      'cadence_days',
    ])
    .orderBy('id')
    .execute();
  const emails = await trx
    .selectFrom('contact_emails')
    .select(['contact_id', 'address', 'is_primary', 'dead_at'])
    .orderBy('contact_id')
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .execute();
  const meetings = await trx
    .selectFrom('meetings')
    .select(['contact_id', 'starts_at', 'ends_at', 'time_zone', 'status', 'mode', 'location'])
    .orderBy('contact_id')
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  const notes = await trx
    .selectFrom('notes')
    .select(['contact_id', 'created_at', 'body'])
    .orderBy('contact_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const advice = await trx
    .selectFrom('advice')
    .select(['contact_id', 'created_at', 'body'])
    .orderBy('contact_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const history = await trx
    .selectFrom('stage_history')
    .select(['contact_id', 'from_stage', 'to_stage', 'at', 'cause', 'manual'])
    .orderBy('contact_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
  const messages = await trx
    .selectFrom('messages')
    .select(['contact_id', 'message_id', 'direction', 'kind', 'date', 'subject', 'text'])
    .where('contact_id', 'is not', null)
    .orderBy('contact_id')
    .orderBy('date')
    .orderBy('id')
    .execute();
  return { contacts, emails, meetings, notes, advice, history, messages };
}
