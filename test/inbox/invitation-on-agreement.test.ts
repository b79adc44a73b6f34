import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { OWNER, quietLogger, useWorld } from '../scheduler/world.js';
import { buildMail, ics, newMessageId } from './build-mail.js';

/**
 * An agreement in the mail makes the meeting and, through the outbox port,
 * the calendar invitation draft the owner approves; the contact's calendar
 * answer (METHOD:REPLY) is read back onto the meeting.
 */

const world = useWorld();
const MEET = 'https://meet.google.com/abc-defg-hij';
const PRIYA = 'priya@la.example';

/** Priya in Los Angeles proposes, the owner in New York agrees. */
async function agree() {
  const w = await world({ timeZone: 'America/New_York' });
  let reading = 'Mon, 02 Nov 2026 08:00:00 -0500';
  const ingester = createIngester({
    db: w.db,
    config: w.config,
    logger: quietLogger,
    now: () => new Date(Date.parse(reading) + 60_000),
    ...outboxPorts(w.config, quietLogger),
  });
  const thread: string[] = [];
  const say = async (from: 'owner' | 'contact', date: string, text: string, extra = {}) => {
    const id = newMessageId(from === 'owner' ? 'example.org' : 'la.example');
    reading = date;
    const outcome = await ingester.ingest(
      Buffer.from(
        buildMail({
          from: from === 'owner' ? OWNER : `Priya Raman <${PRIYA}>`,
          to: [from === 'owner' ? `Priya Raman <${PRIYA}>` : OWNER],
          subject:
            thread.length === 0 ? 'Informational interview?' : 'Re: Informational interview?',
          messageId: id,
          ...(thread.length ? { inReplyTo: thread.at(-1), references: thread } : {}),
          date,
          text,
          ...extra,
        }),
      ),
      { label: `file:${thread.length}.eml`, receivedAt: new Date() },
    );
    thread.push(id);
    return outcome;
  };
  await say('owner', reading, 'Would you have 20 minutes for a chat?');
  await say(
    'contact',
    'Mon, 02 Nov 2026 09:00:00 -0800',
    `Would Thursday at 2pm work? We can do it on Google Meet: ${MEET}`,
  );
  await say('owner', 'Mon, 02 Nov 2026 13:00:00 -0500', 'Thursday at 2pm works great!');

  return { w, ingester, say };
}

describe('a calendar invitation on agreement', () => {
  it('drafts the invitation at the proposer’s instant and zone, for the owner to approve', async () => {
    const { w } = await agree();
    const meetings = await w.db.selectFrom('meetings').selectAll().execute();
    expect(meetings).toHaveLength(1);
    const drafts = await w.db
      .selectFrom('outbox')
      .selectAll()
      .where('audience', '=', 'contact')
      .execute();
    expect(drafts.map((d) => [d.kind, d.state, d.meeting_id])).toEqual([
      ['invitation', 'awaiting_approval', meetings[0]?.id],
    ]);
    const root = new ICAL.Component(ICAL.parse(drafts[0]?.calendar_ics ?? '') as unknown[]);
    for (const tz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const vevent = root.getFirstSubcomponent('vevent');
    const event = new ICAL.Event(vevent ?? undefined);
    expect(root.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-05T22:00:00.000Z');
    expect(vevent?.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('America/Los_Angeles');
    expect(event.location).toBe(MEET);
    expect(event.organizer).toBe(`mailto:${OWNER}`);
    // The owner is asked, and told what is attached.
    const request = await w.db
      .selectFrom('outbox')
      .select('body_text')
      .where('kind', '=', 'approval_request')
      .executeTakeFirstOrThrow();
    expect(request.body_text).toContain(
      'Attached: a calendar invitation (invite.ics): Thu 5 Nov 2026, 14:00–14:30 America/Los_Angeles',
    );
  });

  it('reads back the contact’s calendar answer onto the meeting', async () => {
    const { w, say } = await agree();
    const draft = await w.db
      .selectFrom('outbox')
      .select('calendar_ics')
      .where('kind', '=', 'invitation')
      .executeTakeFirstOrThrow();
    const event = new ICAL.Event(
      new ICAL.Component(ICAL.parse(draft.calendar_ics ?? '') as unknown[]).getFirstSubcomponent(
        'vevent',
      ) ?? undefined,
    );
    // Her calendar answers the invitation.
    const answer = await say('contact', 'Mon, 02 Nov 2026 11:00:00 -0800', 'Accepted', {
      subject: 'Accepted: Sam Rivera / Priya Raman',
      parts: [
        {
          headers: 'Content-Type: text/calendar; charset=utf-8; method=REPLY',
          body: ics({
            method: 'REPLY',
            uid: event.uid,
            start: '20261105T220000Z',
            end: '20261105T223000Z',
            organizer: OWNER,
            attendees: [{ address: PRIYA, partstat: 'ACCEPTED' }],
          }),
        },
      ],
    });
    expect(answer).toMatchObject({ status: 'stored' });
    const after = await w.db.selectFrom('meetings').selectAll().execute();
    expect(after).toMatchObject([
      { status: 'confirmed', attendee_answer: 'ACCEPTED', starts_at: '2026-11-05T22:00:00.000Z' },
    ]);
  });
});
