import { describe, expect, it } from 'vitest';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { runTick } from '../../src/scheduler/tick.js';
import { OWNER, outboxRows, quietLogger, useWorld, type World } from '../scheduler/world.js';
import { buildMail, ics, newMessageId } from './build-mail.js';

/**
 * Proposal → agreement → exactly one confirmed meeting at the proposer's
 * instant, with its zone and link, and the prep brief at 17:00 the owner's
 * day before, on both clocks. Owners across the world, half-hour zones,
 * and the weeks when Europe and the US switch clocks on different dates.
 * Expected instants worked out by hand from the calendar.
 */

const world = useWorld();

interface Mail {
  readonly from: 'owner' | 'contact';
  readonly date: string;
  readonly text: string;
}

interface Case {
  readonly name: string;
  readonly ownerZone: string;
  readonly contact: { readonly name: string; readonly address: string };
  /** The owner's first mail, when it proposes a time itself. */
  readonly outreach?: { readonly date: string; readonly text: string };
  readonly mails: readonly Mail[];
  /** The agreed meeting, UTC, and the zone it was proposed in. */
  readonly start: string;
  readonly zone: string;
  readonly place: string | null;
  /** How many meetings the thread left behind (the agreed one plus closed proposals). */
  readonly meetings: number;
  /** The prep brief's due time, UTC: 17:00 on the owner's clock the day before. */
  readonly prepAt: string;
  readonly clocks: string;
  readonly contactZone: string;
}

const MEET = 'https://meet.google.com/abc-defg-hij';

const CASES: readonly Case[] = [
  {
    name: 'owner in New York, contact in Los Angeles (the issue)',
    ownerZone: 'America/New_York',
    contact: { name: 'Priya Raman', address: 'priya@la.example' },
    mails: [
      {
        from: 'contact',
        date: 'Mon, 02 Nov 2026 09:00:00 -0800',
        text: `Would Thursday at 2pm work? We can do it on Google Meet: ${MEET}`,
      },
      {
        from: 'owner',
        date: 'Mon, 02 Nov 2026 13:00:00 -0500',
        text: 'Thursday at 2pm works great!',
      },
    ],
    start: '2026-11-05T22:00:00.000Z',
    zone: 'America/Los_Angeles',
    place: MEET,
    meetings: 1,
    prepAt: '2026-11-04T22:00:00.000Z',
    clocks: "Thu 5 Nov, 17:00 your time (14:00 in Los Angeles, Priya's time)",
    contactZone: 'America/Los_Angeles',
  },
  {
    name: 'owner in Berlin, contact in New York, the week Europe has switched and the US not',
    ownerZone: 'Europe/Berlin',
    contact: { name: 'Dana Cole', address: 'dana@ny.example' },
    mails: [
      {
        from: 'contact',
        date: 'Tue, 27 Oct 2026 10:00:00 -0400',
        text: `How about Thursday at 11am? ${MEET}`,
      },
      {
        from: 'owner',
        date: 'Tue, 27 Oct 2026 16:00:00 +0100',
        text: 'Thursday 11am works great.',
      },
    ],
    start: '2026-10-29T15:00:00.000Z',
    zone: 'America/New_York',
    place: MEET,
    meetings: 1,
    prepAt: '2026-10-28T16:00:00.000Z',
    clocks: "Thu 29 Oct, 16:00 your time (11:00 in New York, Dana's time)",
    contactZone: 'America/New_York',
  },
  {
    name: 'owner in Tokyo, contact naming Berlin time from a +0000 client',
    ownerZone: 'Asia/Tokyo',
    contact: { name: 'Lena Vogt', address: 'lena@berlin.example' },
    mails: [
      {
        from: 'contact',
        date: 'Tue, 01 Dec 2026 09:00:00 +0000',
        text: 'How about Thursday 10 December at 3pm Berlin time?',
      },
      {
        from: 'owner',
        date: 'Tue, 01 Dec 2026 20:00:00 +0900',
        text: '3pm Berlin time works great.',
      },
    ],
    start: '2026-12-10T14:00:00.000Z',
    zone: 'Europe/Berlin',
    place: null,
    meetings: 1,
    prepAt: '2026-12-09T08:00:00.000Z',
    clocks: "Thu 10 Dec, 23:00 your time (15:00 in Berlin, Lena's time)",
    contactZone: 'Europe/Berlin',
  },
  {
    name: 'owner in Kolkata (+05:30), contact in New York the week after the US switched',
    ownerZone: 'Asia/Kolkata',
    contact: { name: 'Sam Ortiz', address: 'sam.ortiz@ny.example' },
    mails: [
      {
        from: 'contact',
        date: 'Mon, 09 Mar 2026 09:00:00 -0400',
        text: 'Could we do Wednesday at 8:30am? My number is +1 212 555 0100.',
      },
      {
        from: 'owner',
        date: 'Mon, 09 Mar 2026 20:00:00 +0530',
        text: 'Wednesday 8:30am works great, talk then.',
      },
    ],
    start: '2026-03-11T12:30:00.000Z',
    zone: 'America/New_York',
    place: '+1 212 555 0100',
    meetings: 1,
    prepAt: '2026-03-10T11:30:00.000Z',
    clocks: "Wed 11 Mar, 18:00 your time (08:30 in New York, Sam's time)",
    contactZone: 'America/New_York',
  },
  {
    name: "owner in St. John's (-02:30 in DST), contact in Berlin before Europe switched",
    ownerZone: 'America/St_Johns',
    contact: { name: 'Jonas Weber', address: 'jonas@berlin.example' },
    mails: [
      {
        from: 'contact',
        date: 'Mon, 23 Mar 2026 10:00:00 +0100',
        text: 'Wie wäre es mit Donnerstag um 15 Uhr?',
      },
      {
        from: 'owner',
        date: 'Mon, 23 Mar 2026 09:00:00 -0230',
        text: 'Thursday at 3pm works great, see you then.',
      },
    ],
    start: '2026-03-26T14:00:00.000Z',
    zone: 'Europe/Berlin',
    place: null,
    meetings: 1,
    prepAt: '2026-03-25T19:30:00.000Z',
    clocks: "Thu 26 Mar, 11:30 your time (15:00 in Berlin, Jonas' time)",
    contactZone: 'Europe/Berlin',
  },
  {
    name: "owner in New York counters a Berlin proposal; the contact's agreement confirms the counter",
    ownerZone: 'America/New_York',
    contact: { name: 'Jonas Weber', address: 'jonas@berlin.example' },
    mails: [
      {
        from: 'contact',
        date: 'Tue, 27 Oct 2026 09:00:00 +0100',
        text: 'Would Thursday at 10am work?',
      },
      {
        from: 'owner',
        date: 'Tue, 27 Oct 2026 08:00:00 -0400',
        text: 'That is too early for me. Could we do Friday at 11am instead?',
      },
      {
        from: 'contact',
        date: 'Tue, 27 Oct 2026 15:00:00 +0100',
        text: 'Friday at 4pm works great, see you then!',
      },
    ],
    start: '2026-10-30T15:00:00.000Z',
    zone: 'America/New_York',
    place: null,
    meetings: 2,
    prepAt: '2026-10-29T21:00:00.000Z',
    clocks: "Fri 30 Oct, 11:00 your time (16:00 in Berlin, Jonas' time)",
    contactZone: 'Europe/Berlin',
  },
  {
    name: 'owner in Berlin, contact in Tokyo says "your time"; the owner agrees over two mails',
    ownerZone: 'Europe/Berlin',
    contact: { name: 'Kenji Sato', address: 'kenji@tokyo.example' },
    mails: [
      {
        from: 'contact',
        date: 'Mon, 30 Nov 2026 18:00:00 +0900',
        text: 'Would Thursday 3 December at 9am your time suit you?',
      },
      { from: 'owner', date: 'Mon, 30 Nov 2026 11:00:00 +0100', text: 'Let me check my calendar.' },
      {
        from: 'owner',
        date: 'Mon, 30 Nov 2026 15:00:00 +0100',
        text: 'Sounds good, see you then!',
      },
    ],
    start: '2026-12-03T08:00:00.000Z',
    zone: 'Europe/Berlin',
    place: null,
    meetings: 1,
    prepAt: '2026-12-02T16:00:00.000Z',
    clocks: "Thu 3 Dec, 09:00 your time (17:00 in Tokyo, Kenji's time)",
    contactZone: 'Asia/Tokyo',
  },
  {
    name: 'the owner in New York proposes in the first mail; the Berlin contact agrees on her own clock',
    ownerZone: 'America/New_York',
    contact: { name: 'Jonas Weber', address: 'jonas@berlin.example' },
    outreach: {
      date: 'Mon, 30 Nov 2026 09:00:00 -0500',
      text: 'Would you have 20 minutes on Thursday 3 December at 10am for a call?',
    },
    mails: [
      {
        from: 'contact',
        date: 'Mon, 30 Nov 2026 18:00:00 +0100',
        text: 'Thursday at 4pm works great for me.',
      },
    ],
    start: '2026-12-03T15:00:00.000Z',
    zone: 'America/New_York',
    place: null,
    meetings: 1,
    prepAt: '2026-12-02T22:00:00.000Z',
    clocks: "Thu 3 Dec, 10:00 your time (16:00 in Berlin, Jonas' time)",
    contactZone: 'Europe/Berlin',
  },
];

async function converse(w: World, c: Case): Promise<void> {
  let readingDate = c.mails[0]?.date ?? '';
  const config = { ...w.config, timeZone: c.ownerZone };
  const ingester = createIngester({
    db: w.db,
    config,
    logger: quietLogger,
    // Each mail is read a minute after it was sent.
    now: () => new Date(Date.parse(readingDate) + 60_000),
    ...outboxPorts(config, quietLogger),
  });
  const subject = 'Informational interview?';
  let previous = newMessageId('example.org');
  const outreachDate = c.outreach?.date ?? c.mails[0]?.date ?? '';
  if (c.outreach) readingDate = c.outreach.date;
  await ingester.ingest(
    Buffer.from(
      buildMail({
        from: OWNER,
        to: [`${c.contact.name} <${c.contact.address}>`],
        subject,
        messageId: previous,
        date: outreachDate,
        text: c.outreach?.text ?? 'Would you have 20 minutes for a chat?',
      }),
    ),
    { label: 'file:outreach.eml', receivedAt: new Date() },
  );
  for (const [i, mail] of c.mails.entries()) {
    const id = newMessageId(mail.from === 'owner' ? 'example.org' : 'contact.example');
    readingDate = mail.date;
    await ingester.ingest(
      Buffer.from(
        buildMail({
          from: mail.from === 'owner' ? OWNER : `${c.contact.name} <${c.contact.address}>`,
          to: [mail.from === 'owner' ? c.contact.address : OWNER],
          subject: `Re: ${subject}`,
          inReplyTo: previous,
          messageId: id,
          date: mail.date,
          text: mail.text,
        }),
      ),
      { label: `file:mail-${i}.eml`, receivedAt: new Date() },
    );
    previous = id;
  }
}

describe('an agreement across time zones', () => {
  it.each(CASES)('$name', async (c) => {
    const w = await world({ timeZone: c.ownerZone });
    await converse(w, c);

    const meetings = await w.db.selectFrom('meetings').selectAll().orderBy('id').execute();
    expect(meetings).toHaveLength(c.meetings);
    const confirmed = meetings.filter((m) => m.status === 'confirmed');
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toMatchObject({
      starts_at: c.start,
      time_zone: c.zone,
      location: c.place,
    });
    expect(meetings.filter((m) => m.status === 'proposed')).toEqual([]);
    const contact = await w.db
      .selectFrom('contacts')
      .select(['stage', 'time_zone'])
      .executeTakeFirstOrThrow();
    expect(contact).toEqual({ stage: 'scheduled', time_zone: c.contactZone });

    // A minute before 17:00 the day before: no brief yet; at 17:00: the brief, on both clocks.
    const before = new Date(Date.parse(c.prepAt) - 60_000).toISOString();
    await runTick(w.deps, new Date(before));
    expect((await outboxRows(w.db)).filter((o) => o.kind === 'prep_brief')).toEqual([]);
    await runTick(w.deps, new Date(c.prepAt));
    const briefs = (await outboxRows(w.db)).filter((o) => o.kind === 'prep_brief');
    expect(briefs).toHaveLength(1);
    expect(briefs[0]?.body_text).toContain(c.clocks);
    if (c.place) expect(briefs[0]?.body_text).toContain(c.place);
  });
});

describe('an invitation after an agreement by text', () => {
  // kith's own invitation, drafted on the agreement, gives the meeting a kith-meeting-… UID;
  // the contact's own invite (their UID) is still that meeting, and kith's undecided
  // invitation is withdrawn so the contact's calendar does not get it twice.
  it("updates the agreed meeting instead of making a second one, withdraws kith's undecided invitation, and teaches kith the contact's zone", async () => {
    const c = CASES[0] as Case;
    const w = await world({ timeZone: c.ownerZone });
    await converse(w, c);
    const invitation = () =>
      w.db
        .selectFrom('outbox')
        .select(['state', 'last_error'])
        .where('kind', '=', 'invitation')
        .executeTakeFirstOrThrow();
    expect((await invitation()).state).toBe('awaiting_approval');
    const config = { ...w.config, timeZone: c.ownerZone };
    const ingester = createIngester({
      db: w.db,
      config,
      logger: quietLogger,
      now: () => new Date('2026-11-02T19:00:00Z'),
      ...outboxPorts(config, quietLogger),
    });
    const body = ics({
      method: 'REQUEST',
      uid: 'priya-chat@la.example',
      start: '20261105T140000',
      end: '20261105T143000',
      organizer: c.contact.address,
      attendees: [{ address: OWNER }, { address: c.contact.address, partstat: 'ACCEPTED' }],
      location: MEET,
    })
      .replace('DTSTART:', 'DTSTART;TZID=America/Vancouver:')
      .replace('DTEND:', 'DTEND;TZID=America/Vancouver:');
    await ingester.ingest(
      Buffer.from(
        buildMail({
          from: `${c.contact.name} <${c.contact.address}>`,
          to: [OWNER],
          subject: 'Invitation: Informational interview',
          date: 'Mon, 02 Nov 2026 10:30:00 -0800',
          text: 'Invitation',
          parts: [
            {
              headers: 'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
              body,
            },
          ],
        }),
      ),
      { label: 'file:invite.eml', receivedAt: new Date() },
    );
    const meetings = await w.db.selectFrom('meetings').selectAll().execute();
    expect(meetings).toHaveLength(1);
    expect(meetings[0]).toMatchObject({
      status: 'confirmed',
      starts_at: c.start,
      ical_uid: 'priya-chat@la.example',
      time_zone: 'America/Vancouver',
    });
    const contact = await w.db
      .selectFrom('contacts')
      .select(['time_zone', 'time_zone_source'])
      .executeTakeFirstOrThrow();
    expect(contact).toEqual({ time_zone: 'America/Vancouver', time_zone_source: 'invite' });
    expect(await invitation()).toEqual({
      state: 'skipped',
      last_error: 'replaced: the contact sent their own calendar invitation for this meeting',
    });
  });
});
