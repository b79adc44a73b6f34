import { createContact } from '../../src/db/contacts.js';
import type { Db } from '../../src/db/database.js';
import type { Stage } from '../../src/pipeline/stages.js';

/** Writes rows the way the inbox and outbox would, so pages have something to show. */

export async function seedContact(
  db: Db,
  input: {
    name: string | null;
    email: string;
    company?: string;
    stage?: Stage;
    referredById?: number;
    at?: string;
  },
): Promise<number> {
  const contact = await createContact(
    db,
    {
      name: input.name,
      emails: [input.email],
      company: input.company ?? null,
      source: 'test',
      referredById: input.referredById ?? null,
      stage: input.stage ?? 'prospect',
    },
    input.at ?? '2026-11-01T09:00:00.000Z',
  );
  return contact.id;
}

export async function seedMessage(
  db: Db,
  input: {
    contactId: number;
    direction: 'in' | 'out';
    kind: string;
    subject: string;
    text: string;
    date: string;
    messageId?: string;
    from?: string;
  },
): Promise<void> {
  await db
    .insertInto('messages')
    .values({
      message_id: input.messageId ?? `${Math.random().toString(36).slice(2)}@test.example`,
      thread_id: null,
      contact_id: input.contactId,
      direction: input.direction,
      kind: input.kind,
      from_address:
        input.from ?? (input.direction === 'in' ? 'them@example.com' : 'owner@example.org'),
      to_addresses: input.direction === 'in' ? 'owner@example.org' : 'them@example.com',
      subject: input.subject,
      date: input.date,
      in_reply_to: null,
      references: '',
      text: input.text,
      created_at: input.date,
    })
    .execute();
}

export async function seedDraft(
  db: Db,
  input: {
    contactId: number;
    to: string;
    kind?: string;
    subject: string;
    body: string;
    state?: 'awaiting_approval' | 'sent' | 'failed' | 'snoozed';
    at?: string;
    sentAt?: string;
    messageId?: string;
    meetingId?: number;
  },
): Promise<number> {
  const at = input.at ?? '2026-11-30T09:00:00.000Z';
  const row = await db
    .insertInto('outbox')
    .values({
      message_id: input.messageId ?? `kith.draft${Math.random().toString(36).slice(2)}@example.org`,
      kind: input.kind ?? 'thank_you',
      contact_id: input.contactId,
      meeting_id: input.meetingId ?? null,
      audience: 'contact',
      to_address: input.to,
      subject: input.subject,
      body_text: input.body,
      body_html: null,
      in_reply_to: null,
      references: '',
      state: input.state ?? 'awaiting_approval',
      send_after: null,
      attempts: 0,
      last_error: input.state === 'failed' ? 'connection refused' : null,
      draft_id: null,
      created_at: at,
      updated_at: at,
      sent_at: input.sentAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function seedMeeting(
  db: Db,
  input: {
    contactId: number;
    startsAt: string;
    minutes?: number;
    status?: 'confirmed' | 'cancelled' | 'done';
  },
): Promise<number> {
  const end = new Date(Date.parse(input.startsAt) + (input.minutes ?? 30) * 60_000).toISOString();
  const row = await db
    .insertInto('meetings')
    .values({
      contact_id: input.contactId,
      starts_at: input.startsAt,
      ends_at: end,
      time_zone: 'Europe/Berlin',
      mode: 'video',
      location: 'https://meet.example/abc',
      status: input.status ?? 'confirmed',
      ical_uid: null,
      ical_sequence: null,
      source_message_id: null,
      created_at: '2026-11-20T09:00:00.000Z',
      updated_at: '2026-11-20T09:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
