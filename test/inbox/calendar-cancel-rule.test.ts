import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail, ics, newMessageId } from './build-mail.js';
import { OWNER, SERVICE, stageOf, testDb, testIngester } from './ingest-helpers.js';

/**
 * A calendar CANCEL by mail follows the rule the web's cancel button
 * follows (cancelMovesBack in src/pipeline/meeting-rules.ts): the contact
 * goes back to replied only when no other meeting lies ahead.
 */

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const source = (label: string) => ({ label, receivedAt: new Date('2026-12-01T10:00:00Z') });

function calendarMail(method: 'REQUEST' | 'CANCEL', uid: string, day: string): Buffer {
  return Buffer.from(
    buildMail({
      from: 'ana@contact.example',
      to: [OWNER],
      subject: `${method === 'CANCEL' ? 'Cancelled' : 'Invitation'}: Coffee chat`,
      text: 'Calendar',
      parts: [
        {
          headers: `Content-Type: text/calendar; charset=utf-8; method=${method}`,
          body: ics({
            method,
            uid,
            sequence: method === 'CANCEL' ? 1 : 0,
            start: `202612${day}T130000Z`,
            end: `202612${day}T133000Z`,
            organizer: 'ana@contact.example',
            attendees: [{ address: OWNER }, { address: 'ana@contact.example' }],
            location: 'https://zoom.us/j/123456789',
          }),
        },
      ],
    }),
  );
}

describe('a calendar CANCEL by mail', () => {
  it('keeps the contact scheduled while another meeting lies ahead, and moves them back after the last', async () => {
    const db = await testDb(tempDir());
    const { ingester } = testIngester(db);
    cleanups.push(async () => {
      await db.destroy();
    });
    const outreach = buildMail({
      from: `Owner <${OWNER}>`,
      to: ['ana@contact.example'],
      bcc: [SERVICE],
      subject: 'Quick question about data engineering',
      messageId: newMessageId('example.org'),
      text: 'Hi, would you have 20 minutes for a chat? Thanks',
    });
    await ingester.ingest(Buffer.from(outreach), source('a'));
    await ingester.ingest(calendarMail('REQUEST', 'chat-1@contact.example', '03'), source('b'));
    await ingester.ingest(calendarMail('REQUEST', 'chat-2@contact.example', '10'), source('c'));
    expect(await stageOf(db, 'ana@contact.example')).toBe('scheduled');

    const first = await ingester.ingest(
      calendarMail('CANCEL', 'chat-1@contact.example', '03'),
      source('d'),
    );
    expect(first).toMatchObject({ status: 'stored', remarks: ['meeting cancelled'] });
    expect(await stageOf(db, 'ana@contact.example')).toBe('scheduled');

    await ingester.ingest(calendarMail('CANCEL', 'chat-2@contact.example', '10'), source('e'));
    expect(await stageOf(db, 'ana@contact.example')).toBe('replied');
    const statuses = await db.selectFrom('meetings').select('status').orderBy('id').execute();
    expect(statuses.map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
  });
});
