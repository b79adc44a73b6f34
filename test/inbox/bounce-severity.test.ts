import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { OWNER, SECRET, testConfig } from '../outbox/harness.js';
import { testDb } from './ingest-helpers.js';

/**
 * What a bounce does to the store, through the whole ingest path and the
 * real outbox port: a hard failure kills the address (also when the report
 * gives an internationalised domain in punycode and kith stored it in
 * Unicode); a soft one keeps it alive, records why, and queues a notice to
 * the owner that says in plain words what happened and what to do; a
 * delay warning changes nothing. A calendar file with two events makes
 * two meetings.
 */

const tempDir = useTempDir('kith-bounce-severity-');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const dir = tempDir();
  const db = await testDb(dir);
  const config = testConfig(dir);
  const logger = createLogger({ secrets: [SECRET], write: () => undefined });
  const ingester = createIngester({
    db,
    config,
    logger,
    now: () => new Date('2026-12-02T09:30:00.000Z'),
    ...outboxPorts(config, logger),
  });
  cleanups.push(async () => {
    await db.destroy();
  });
  const ingest = (text: string, label: string) =>
    ingester.ingest(Buffer.from(text, 'utf8'), {
      label,
      receivedAt: new Date('2026-12-02T09:00:00Z'),
    });
  return { db, ingest };
}

let n = 0;
function outreach(to: string): string {
  n += 1;
  return [
    `From: Sam Rivera <${OWNER}>`,
    `To: ${to}`,
    'Subject: Coffee chat about product roles?',
    'Date: Tue, 01 Dec 2026 10:00:00 +0100',
    `Message-ID: <outreach-${n}@example.org>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hi, would you have 20 minutes for a chat next week? Thanks, Sam',
    '',
  ].join('\r\n');
}

function report(recipient: string, status: string, diagnostic: string, action = 'failed'): string {
  n += 1;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    `To: ${OWNER}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Wed, 02 Dec 2026 09:00:00 +0000',
    `Message-ID: <dsn-${n}@mx.example.org>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="b${n}"`,
    '',
    `--b${n}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `<${recipient}>: host mx said: ${diagnostic}`,
    '',
    `--b${n}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    `--b${n}--`,
    '',
  ].join('\r\n');
}

async function addressRow(db: Db, address: string) {
  return db
    .selectFrom('contact_emails')
    .innerJoin('contacts', 'contacts.id', 'contact_emails.contact_id')
    .select(['contact_emails.dead_at', 'contact_emails.dead_reason', 'contacts.stage'])
    .where('contact_emails.address', '=', address)
    .executeTakeFirstOrThrow();
}

async function notices(db: Db) {
  return db
    .selectFrom('outbox')
    .select(['subject', 'body_text', 'to_address'])
    .where('kind', '=', 'notice')
    .execute();
}

describe('bounces: hard kills, soft tells the owner', () => {
  it('keeps an address blocked as spam alive and tells the owner why and what to do', async () => {
    const { db, ingest } = await setup();
    await ingest(outreach('Ana Lima <ana@acme.example>'), 'a');
    const result = await ingest(
      report(
        'ana@acme.example',
        '5.7.1',
        '554 5.7.1 Message rejected as spam by Content Filtering',
      ),
      'b',
    );
    expect(result).toMatchObject({ status: 'stored', kind: 'bounce' });
    const row = await addressRow(db, 'ana@acme.example');
    expect(row.dead_at).toBeNull();
    expect(row.stage).toBe('contacted');
    const [notice, ...more] = await notices(db);
    expect(more).toEqual([]);
    expect(notice?.to_address).toContain(OWNER);
    expect(notice?.body_text).toContain(
      "Your mail to Ana Lima (ana@acme.example) was blocked as spam by acme.example's server",
    );
    expect(notice?.body_text).toMatch(/address is fine/);
    expect(notice?.body_text).toMatch(/Send the mail again/);
    const stored = await db
      .selectFrom('messages')
      .select('text')
      .where('kind', '=', 'bounce')
      .executeTakeFirstOrThrow();
    expect(stored.text).toContain('spam-block');
  });

  it('keeps a full mailbox and an expired delivery alive', async () => {
    const { db, ingest } = await setup();
    await ingest(outreach('bo@globex.example'), 'a');
    await ingest(report('bo@globex.example', '5.2.2', '552 5.2.2 Mailbox full'), 'b');
    await ingest(
      report('bo@globex.example', '4.4.7', '421 4.4.7 retry timeout exceeded', 'expired'),
      'c',
    );
    expect((await addressRow(db, 'bo@globex.example')).dead_at).toBeNull();
    const bodies = (await notices(db)).map((x) => x.body_text);
    expect(bodies[0]).toMatch(/mailbox at globex\.example is full/);
    expect(bodies[1]).toMatch(/delivery was given up/);
  });

  it('never kills on a delay warning', async () => {
    const { db, ingest } = await setup();
    await ingest(outreach('cy@initech.example'), 'a');
    const result = await ingest(
      report('cy@initech.example', '4.4.1', '451 4.4.1 connection timed out', 'delayed'),
      'b',
    );
    expect(result).toMatchObject({ status: 'unrelated' });
    expect((await addressRow(db, 'cy@initech.example')).dead_at).toBeNull();
    expect(await notices(db)).toEqual([]);
  });

  it('kills an address with no such user, found through punycode when kith stored Unicode', async () => {
    const { db, ingest } = await setup();
    await ingest(outreach('Jürgen <juergen@bücher.example>'), 'a');
    await ingest(report('juergen@xn--bcher-kva.example', '5.1.1', '550 5.1.1 User unknown'), 'b');
    const row = await addressRow(db, 'juergen@bücher.example');
    expect(row.dead_at).not.toBeNull();
    expect(row.dead_reason).toContain('User unknown');
    expect(row.stage).toBe('bounced');
    expect(await notices(db)).toEqual([]);
  });
});

describe('invites: every event of a calendar file', () => {
  it('makes two meetings from one file with two events', async () => {
    const { db, ingest } = await setup();
    await ingest(outreach('Dara <dara@hooli.example>'), 'a');
    const event = (uid: string, start: string, end: string) =>
      [
        'BEGIN:VEVENT',
        `UID:${uid}`,
        'DTSTAMP:20261201T090000Z',
        `DTSTART:${start}`,
        `DTEND:${end}`,
        'SUMMARY:Coffee chat',
        'ORGANIZER:mailto:dara@hooli.example',
        `ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:${OWNER}`,
        'END:VEVENT',
      ].join('\r\n');
    const calendar = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//kith tests//EN',
      'METHOD:REQUEST',
      event('first@hooli.example', '20261208T100000Z', '20261208T103000Z'),
      event('second@hooli.example', '20261215T160000Z', '20261215T170000Z'),
      'END:VCALENDAR',
    ].join('\r\n');
    const mail = [
      'From: Dara <dara@hooli.example>',
      `To: ${OWNER}`,
      'Subject: Invitation: Coffee chat',
      'Date: Wed, 02 Dec 2026 09:00:00 +0000',
      'Message-ID: <invite-two@hooli.example>',
      'MIME-Version: 1.0',
      'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
      '',
      calendar,
      '',
    ].join('\r\n');
    expect(await ingest(mail, 'b')).toMatchObject({ status: 'stored', kind: 'invite' });
    const meetings = await db
      .selectFrom('meetings')
      .select(['starts_at', 'ical_uid', 'status'])
      .orderBy('starts_at')
      .execute();
    expect(meetings).toEqual([
      {
        starts_at: '2026-12-08T10:00:00.000Z',
        ical_uid: 'first@hooli.example',
        status: 'confirmed',
      },
      {
        starts_at: '2026-12-15T16:00:00.000Z',
        ical_uid: 'second@hooli.example',
        status: 'confirmed',
      },
    ]);
  });
});
