import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import type { OutboxContext } from '../../src/outbox/drafts.js';
import { draftInvitation } from '../../src/outbox/invitations.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import { useTempDir } from '../helpers/temp-dir.js';
import {
  OWNER,
  quietLogger,
  seedContact,
  smtpEnv,
  startSmtp,
  type TestSmtp,
  testConfig,
  testDb,
} from './harness.js';

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  const dir = tempDir();
  const db = await testDb(dir);
  const clock = { now: new Date('2026-12-02T09:30:00.000Z') };
  const config = testConfig(dir, smtpEnv(smtp.port));
  const logger = quietLogger();
  const now = () => clock.now;
  const ctx: OutboxContext = { db, config, logger, now };
  const loop = createSendLoop({ db, config, logger, now, manual: true });
  await loop.start();
  cleanups.push(async () => {
    await loop.stop();
    await db.destroy();
  });
  const contactId = await seedContact(db);
  return { smtp, db, ctx, loop, contactId, clock };
}

/** A meeting agreed by text: 14:00 in Los Angeles on Thursday 10 December, with a Meet link. */
async function agreedMeeting(db: Db, contactId: number) {
  const row = await db
    .insertInto('meetings')
    .values({
      contact_id: contactId,
      starts_at: '2026-12-10T22:00:00.000Z',
      ends_at: '2026-12-10T22:30:00.000Z',
      time_zone: 'America/Los_Angeles',
      mode: 'video',
      location: 'https://meet.google.com/abc-defg-hij',
      status: 'confirmed',
      ical_uid: null,
      ical_sequence: null,
      proposed_by: 'contact',
      source_message_id: 'proposal-1@acme.example',
      created_at: '2026-12-02T09:00:00.000Z',
      updated_at: '2026-12-02T09:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The text/calendar part of a received mail, parsed by ical.js with its own VTIMEZONE. */
async function calendarOf(raw: string) {
  const parsed = await simpleParser(raw);
  const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
  expect(part, 'a text/calendar part').toBeDefined();
  const type = part?.headers.get('content-type') as { params?: Record<string, string> } | undefined;
  const root = new ICAL.Component(ICAL.parse(part?.content.toString('utf8') ?? '') as unknown[]);
  for (const tz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = root.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return {
    partMethod: type?.params?.method,
    root,
    vevent,
    event: new ICAL.Event(vevent),
    text: parsed.text ?? '',
  };
}

const toAna = (smtp: TestSmtp) => smtp.received.filter((m) => m.to.includes('ana@acme.example'));

describe('calendar invitations for meetings agreed by text', () => {
  it('drafts an iTIP REQUEST the owner approves; it arrives as text/calendar with the right instant and TZID', async () => {
    const s = await setup();
    const meetingId = await agreedMeeting(s.db, s.contactId);
    const remark = await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString());
    expect(remark).toMatch(/^invitation drafted \(draft #\d+, SEQUENCE 0\)$/);
    // Nothing leaves before the owner approves; the request says an invitation is attached.
    await s.loop.runOnce();
    expect(toAna(s.smtp)).toEqual([]);
    const request = s.smtp.received.find((m) => m.to.includes(OWNER));
    const requestText = (await simpleParser(request?.raw ?? '')).text ?? '';
    expect(requestText).toContain(
      'Attached: a calendar invitation (invite.ics): Thu 10 Dec 2026, 14:00–14:30 America/Los_Angeles · https://meet.google.com/abc-defg-hij',
    );

    const draft = await s.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'invitation')
      .executeTakeFirstOrThrow();
    expect(draft.state).toBe('awaiting_approval');
    await approveDraft(s.ctx, draft.id, { at: s.clock.now });
    await s.loop.runOnce();
    const [sent] = toAna(s.smtp);
    const cal = await calendarOf(sent?.raw ?? '');
    expect(cal.partMethod).toBe('REQUEST');
    expect(cal.root.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(cal.event.startDate.toJSDate().toISOString()).toBe('2026-12-10T22:00:00.000Z');
    expect(cal.event.endDate.toJSDate().toISOString()).toBe('2026-12-10T22:30:00.000Z');
    expect(cal.vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe(
      'America/Los_Angeles',
    );
    expect(cal.event.startDate.toString()).toBe('2026-12-10T14:00:00');
    expect(cal.event.sequence).toBe(0);
    expect(cal.event.location).toBe('https://meet.google.com/abc-defg-hij');
    expect(cal.event.organizer).toBe(`mailto:${OWNER}`);
    const attendee = cal.vevent.getFirstProperty('attendee');
    expect(attendee?.getFirstValue()).toBe('mailto:ana@acme.example');
    expect(attendee?.getParameter('rsvp')).toBe('TRUE');
    expect(cal.text).toContain('Thursday 10 December, 14:00 (Los Angeles time)');
    const meeting = await s.db
      .selectFrom('meetings')
      .select(['ical_uid', 'ical_sequence'])
      .executeTakeFirstOrThrow();
    expect(cal.event.uid).toBe(meeting.ical_uid);
    // Asking again changes nothing: the invitation is current.
    expect(await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString())).toBeNull();
  });

  it('moving the meeting drafts the update (SEQUENCE + 1), cancelling it the CANCEL', async () => {
    const s = await setup();
    const meetingId = await agreedMeeting(s.db, s.contactId);
    await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString());
    const first = await s.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'invitation')
      .executeTakeFirstOrThrow();
    await approveDraft(s.ctx, first.id, { at: s.clock.now });
    await s.loop.runOnce();

    await s.db
      .updateTable('meetings')
      .set({ starts_at: '2026-12-11T17:00:00.000Z', ends_at: '2026-12-11T17:30:00.000Z' })
      .where('id', '=', meetingId)
      .execute();
    expect(await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString())).toMatch(
      /^invitation update drafted .*SEQUENCE 1\)$/,
    );
    const update = await s.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'invitation_update')
      .executeTakeFirstOrThrow();
    await approveDraft(s.ctx, update.id, { at: s.clock.now });
    await s.loop.runOnce();

    await s.db
      .updateTable('meetings')
      .set({ status: 'cancelled' })
      .where('id', '=', meetingId)
      .execute();
    await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString());
    const cancel = await s.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'invitation_cancel')
      .executeTakeFirstOrThrow();
    await approveDraft(s.ctx, cancel.id, { at: s.clock.now });
    await s.loop.runOnce();

    const sent = await Promise.all(toAna(s.smtp).map((m) => calendarOf(m.raw)));
    expect(sent.map((c) => [c.partMethod, c.event.sequence, c.event.uid])).toEqual([
      ['REQUEST', 0, sent[0]?.event.uid],
      ['REQUEST', 1, sent[0]?.event.uid],
      ['CANCEL', 2, sent[0]?.event.uid],
    ]);
    expect(sent[1]?.event.startDate.toJSDate().toISOString()).toBe('2026-12-11T17:00:00.000Z');
    expect(sent[2]?.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('a move before the first invitation was approved withdraws it for the new one', async () => {
    const s = await setup();
    const meetingId = await agreedMeeting(s.db, s.contactId);
    await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString());
    await s.db
      .updateTable('meetings')
      .set({ location: 'Café Einstein, Berlin' })
      .where('id', '=', meetingId)
      .execute();
    await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString());
    const rows = await s.db
      .selectFrom('outbox')
      .select(['kind', 'state'])
      .where('audience', '=', 'contact')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { kind: 'invitation', state: 'skipped' },
      { kind: 'invitation_update', state: 'awaiting_approval' },
    ]);
  });

  it('no invitation for a meeting added by hand or one from the contact’s own invite', async () => {
    const s = await setup();
    const meetingId = await agreedMeeting(s.db, s.contactId);
    await s.db
      .updateTable('meetings')
      .set({ source_message_id: null })
      .where('id', '=', meetingId)
      .execute();
    expect(await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString())).toBeNull();
    await s.db
      .updateTable('meetings')
      .set({ source_message_id: 'invite@acme.example', ical_uid: 'their-event@acme.example' })
      .where('id', '=', meetingId)
      .execute();
    expect(await draftInvitation(s.ctx, meetingId, s.clock.now.toISOString())).toBeNull();
  });
});
