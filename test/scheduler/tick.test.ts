import { describe, expect, it } from 'vitest';
import { setAwayUntil } from '../../src/db/inbox-queries.js';
import { advancePlannedUntil, getPlannedUntil } from '../../src/db/scheduler-queries.js';
import { skipDraft } from '../../src/outbox/draft-commands.js';
import type { SchedulerEffects } from '../../src/scheduler/effects.js';
import { MAX_ATTEMPTS, runTick, type TickReport } from '../../src/scheduler/tick.js';
import {
  addContact,
  addMeeting,
  addMessage,
  jobRows,
  move,
  outboxRows,
  quietLogger,
  stageOf,
  updateMeeting,
  useWorld,
  type World,
} from './world.js';

const world = useWorld();
const tick = (w: World, at: string) => runTick(w.deps, new Date(at));
const lines = (r: TickReport) =>
  r.outcomes.filter((o) => o.job.kind !== 'weekly_digest').map((o) => `${o.job.kind} ${o.result}`);

/** Ticks every `stepMinutes` from `from` to `to`, returning every outcome line. */
async function tickRange(
  w: World,
  from: string,
  to: string,
  stepMinutes: number,
): Promise<string[]> {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMinutes * 60_000) {
    out.push(...lines(await tick(w, new Date(t).toISOString())));
  }
  return out;
}

/** A scheduled contact with a confirmed meeting Tuesday 24 Nov 2026 14:00–14:30 Berlin. */
async function withMeeting(w: World) {
  const contactId = await addContact(w.db, {
    name: 'Ana Souza',
    email: 'ana@x.example',
    at: '2026-11-10T10:00:00.000Z',
  });
  await move(w.db, contactId, 'scheduled', '2026-11-18T12:00:00.000Z');
  const meetingId = await addMeeting(w.db, {
    contactId,
    startsAt: '2026-11-24T13:00:00.000Z',
    endsAt: '2026-11-24T13:30:00.000Z',
    created: '2026-11-18T12:00:00.000Z',
  });
  await advancePlannedUntil(w.db, '2026-11-18T12:00:00.000Z', '2026-11-18T12:00:00.000Z');
  return { contactId, meetingId };
}

const kinds = async (w: World) =>
  (await outboxRows(w.db)).map((r) => r.kind).filter((k) => k !== 'weekly_digest');

describe('a meeting moved or cancelled after planning', () => {
  it('sends nothing for a cancelled meeting and records each dropped step with the reason', async () => {
    const w = await world();
    const { meetingId, contactId } = await withMeeting(w);
    await updateMeeting(w.db, meetingId, { status: 'cancelled', at: '2026-11-20T09:00:00.000Z' });
    await move(w.db, contactId, 'replied', '2026-11-20T09:00:00.000Z');
    await tickRange(w, '2026-11-23T15:00:00.000Z', '2026-11-26T09:00:00.000Z', 30);
    expect(await kinds(w)).toEqual([]);
    const rows = (await jobRows(w.db)).filter((j) => j.subject_key === `meeting:${meetingId}`);
    expect(rows.map((j) => [j.kind, j.state, j.reason])).toEqual([
      ['prep_brief', 'dropped', 'the meeting was cancelled'],
      ['meeting_over', 'dropped', 'the meeting was cancelled'],
      ['thank_you', 'dropped', 'the meeting was cancelled'],
    ]);
    expect(await stageOf(w.db, contactId)).toBe('replied');
  });

  it('briefs again for the new time when a briefed meeting moves', async () => {
    const w = await world();
    const { meetingId } = await withMeeting(w);
    expect(lines(await tick(w, '2026-11-23T16:00:00.000Z'))).toEqual(['prep_brief done']);
    // Moved to Thursday 26 Nov 10:00 Berlin the same evening.
    await updateMeeting(w.db, meetingId, {
      startsAt: '2026-11-26T09:00:00.000Z',
      endsAt: '2026-11-26T09:30:00.000Z',
      at: '2026-11-23T18:00:00.000Z',
    });
    const seen = await tickRange(w, '2026-11-23T18:00:00.000Z', '2026-11-26T12:00:00.000Z', 15);
    expect(seen).toEqual(['prep_brief done', 'meeting_over done']);
    const briefs = (await jobRows(w.db)).filter((j) => j.kind === 'prep_brief');
    expect(briefs.map((j) => [j.occurrence, j.due_at])).toEqual([
      ['2026-11-24T13:00:00.000Z', '2026-11-23T16:00:00.000Z'],
      ['2026-11-26T09:00:00.000Z', '2026-11-25T16:00:00.000Z'],
    ]);
    expect(await kinds(w)).toEqual(['prep_brief', 'prep_brief', 'post_meeting_prompt']);
  });
});

describe('restarts and clock jumps against a real database', () => {
  async function busyWorld(w: World) {
    const meeting = await withMeeting(w);
    const waiting = await addContact(w.db, {
      name: 'Bo Chen',
      email: 'bo@x.example',
      at: '2026-11-10T10:00:00.000Z',
    });
    await addMessage(w.db, {
      contactId: waiting,
      direction: 'out',
      kind: 'outreach',
      date: '2026-11-17T09:00:00.000Z',
    });
    await move(w.db, waiting, 'contacted', '2026-11-17T09:00:00.000Z');
    const old = await addContact(w.db, {
      name: 'Cy Diaz',
      email: 'cy@x.example',
      at: '2026-08-01T10:00:00.000Z',
    });
    await move(w.db, old, 'thanked', '2026-08-27T11:00:00.000Z');
    return { ...meeting, waiting, old };
  }
  const expectedKinds = [
    'follow_up',
    'keep_in_touch',
    'post_meeting_prompt',
    'prep_brief',
    'thank_you',
  ];

  it('runs each missed occurrence once after a restart in the middle of the day', async () => {
    const w = await world();
    await busyWorld(w);
    await tickRange(w, '2026-11-23T12:00:00.000Z', '2026-11-24T07:00:00.000Z', 20);
    // Down from Tuesday 08:00 to Thursday 17:00 Berlin; a new process opens the same file.
    const restarted = await w.reopen();
    const first = lines(await tick(restarted, '2026-11-26T16:00:00.000Z'));
    // The brief ran before the downtime; everything that fell due during it runs now, once.
    expect(first.sort()).toEqual([
      'follow_up done',
      'keep_in_touch done',
      'meeting_over done',
      'thank_you done',
    ]);
    expect(lines(await tick(restarted, '2026-11-26T16:01:00.000Z'))).toEqual([]);
    const made = (await kinds(restarted)).filter((k) => k !== 'approval_request').sort();
    expect(made).toEqual(expectedKinds);
  });

  it('runs each due job once when the clock jumps 3 days forward, then 1 hour back', async () => {
    const w = await world();
    await busyWorld(w);
    expect(lines(await tick(w, '2026-11-23T16:00:00.000Z'))).toEqual(['prep_brief done']);
    const jumped = lines(await tick(w, '2026-11-26T12:00:00.000Z'));
    expect(jumped.sort()).toEqual([
      'follow_up done',
      'keep_in_touch done',
      'meeting_over done',
      'thank_you done',
    ]);
    expect(await getPlannedUntil(w.db)).toBe('2026-11-26T12:00:00.000Z');
    // Back one hour, then on again: nothing runs twice, and the watermark never goes back.
    expect(await tickRange(w, '2026-11-26T11:00:00.000Z', '2026-11-26T13:00:00.000Z', 10)).toEqual(
      [],
    );
    expect(await getPlannedUntil(w.db)).toBe('2026-11-26T13:00:00.000Z');
    const keys = (await jobRows(w.db)).map((j) => `${j.kind}|${j.subject_key}|${j.occurrence}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect((await kinds(w)).filter((k) => k !== 'approval_request').sort()).toEqual(expectedKinds);
  });
});

describe('follow-ups through the outbox', () => {
  it('drafts two follow-ups a week apart, then moves to no response', async () => {
    const w = await world();
    const bo = await addContact(w.db, {
      name: 'Bo Chen',
      email: 'bo@x.example',
      at: '2026-11-01T10:00:00.000Z',
    });
    await addMessage(w.db, {
      contactId: bo,
      direction: 'out',
      kind: 'outreach',
      date: '2026-11-02T09:00:00.000Z',
      subject: 'A question about logistics',
    });
    await move(w.db, bo, 'contacted', '2026-11-02T09:00:00.000Z');
    await advancePlannedUntil(w.db, '2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z');
    const ctx = { db: w.db, config: w.config, logger: quietLogger };

    expect(lines(await tick(w, '2026-11-09T08:59:00.000Z'))).toEqual([]);
    expect(lines(await tick(w, '2026-11-09T09:00:00.000Z'))).toEqual(['follow_up done']);
    const first = (await outboxRows(w.db)).find((r) => r.kind === 'follow_up');
    expect(first?.subject).toBe('Re: A question about logistics');
    expect(first?.body_text).toContain('7 days ago');
    // While it waits for approval, no second one comes.
    expect(lines(await tick(w, '2026-11-20T09:00:00.000Z'))).toEqual([]);
    await skipDraft(ctx, first?.id as number, { at: '2026-11-20T10:00:00.000Z' });
    expect(lines(await tick(w, '2026-11-27T09:59:00.000Z'))).toEqual([]);
    expect(lines(await tick(w, '2026-11-27T10:00:00.000Z'))).toEqual(['follow_up done']);
    const second = (await outboxRows(w.db)).filter((r) => r.kind === 'follow_up')[1];
    await skipDraft(ctx, second?.id as number, { at: '2026-11-27T11:00:00.000Z' });
    expect(lines(await tick(w, '2026-12-04T11:00:00.000Z'))).toEqual(['no_response done']);
    expect(await stageOf(w.db, bo)).toBe('no_response');
  });

  it('waits for an out-of-office return date and drops the follow-up when the reply came after it fell due', async () => {
    const w = await world();
    const bo = await addContact(w.db, {
      name: 'Bo Chen',
      email: 'bo@x.example',
      at: '2026-11-01T10:00:00.000Z',
    });
    await move(w.db, bo, 'contacted', '2026-11-02T09:00:00.000Z');
    await setAwayUntil(w.db, bo, '2026-11-12');
    await advancePlannedUntil(w.db, '2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z');
    // Back on 12 Nov (00:00 Berlin): the follow-up waits until 19 Nov 00:00 Berlin.
    expect(lines(await tick(w, '2026-11-18T22:59:00.000Z'))).toEqual([]);
    // kith is down from then until 21 Nov; Bo replied on 20 Nov, after the follow-up fell due.
    await addMessage(w.db, {
      contactId: bo,
      direction: 'in',
      kind: 'reply',
      date: '2026-11-20T10:00:00.000Z',
    });
    await move(w.db, bo, 'replied', '2026-11-21T08:00:00.000Z');
    const report = await tick(w, '2026-11-21T08:01:00.000Z');
    const followUps = report.outcomes.filter((o) => o.job.kind === 'follow_up');
    expect(followUps.map((o) => [o.job.dueAt, o.result, o.note])).toEqual([
      ['2026-11-18T23:00:00.000Z', 'dropped', 'they replied meanwhile (2026-11-20T10:00:00.000Z)'],
    ]);
    expect(await kinds(w)).toEqual([]);
  });

  it('withdraws a follow-up still waiting for approval when the contact replies', async () => {
    const w = await world();
    const bo = await addContact(w.db, {
      name: 'Bo Chen',
      email: 'bo@x.example',
      at: '2026-11-01T10:00:00.000Z',
    });
    await move(w.db, bo, 'contacted', '2026-11-02T09:00:00.000Z');
    await advancePlannedUntil(w.db, '2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z');
    expect(lines(await tick(w, '2026-11-09T09:00:00.000Z'))).toEqual(['follow_up done']);
    await addMessage(w.db, {
      contactId: bo,
      direction: 'in',
      kind: 'reply',
      date: '2026-11-09T11:00:00.000Z',
    });
    await move(w.db, bo, 'replied', '2026-11-09T11:00:00.000Z');
    const report = await tick(w, '2026-11-09T11:00:30.000Z');
    const draft = (await outboxRows(w.db)).find((r) => r.kind === 'follow_up');
    expect(report.outcomes.map((o) => [o.job.kind, o.result, o.note])).toEqual([
      ['withdraw_follow_ups', 'done', `follow-up withdrawn (draft #${draft?.id} skipped)`],
    ]);
    expect(draft?.state).toBe('skipped');
    expect(lines(await tick(w, '2026-11-09T11:01:30.000Z'))).toEqual([]);
  });

  it('drops the job with the reason when the contact has no working address', async () => {
    const w = await world();
    const bo = await addContact(w.db, {
      name: 'Bo Chen',
      email: 'bo@x.example',
      at: '2026-11-01T10:00:00.000Z',
    });
    await move(w.db, bo, 'contacted', '2026-11-02T09:00:00.000Z');
    await w.db.updateTable('contact_emails').set({ dead_at: '2026-11-03T00:00:00.000Z' }).execute();
    await advancePlannedUntil(w.db, '2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z');
    const report = await tick(w, '2026-11-09T09:00:00.000Z');
    const outcomes = report.outcomes.filter((o) => o.job.kind !== 'weekly_digest');
    expect(outcomes.map((o) => [o.job.kind, o.result])).toEqual([['follow_up', 'dropped']]);
    expect(outcomes[0]?.note).toContain('has no working address');
    const rows = (await jobRows(w.db)).filter((j) => j.kind === 'follow_up');
    expect(rows.map((j) => [j.state, j.reason?.includes('no working address')])).toEqual([
      ['dropped', true],
    ]);
    expect(await kinds(w)).toEqual([]);
  });
});

describe('referrals and the digest', () => {
  it('drafts an update to the referrer once the referral is met', async () => {
    const w = await world();
    const referrer = await addContact(w.db, {
      name: 'Rita Moss',
      email: 'rita@x.example',
      at: '2026-10-01T10:00:00.000Z',
    });
    await move(w.db, referrer, 'thanked', '2026-10-20T10:00:00.000Z');
    const { contactId } = await withMeeting(w);
    await w.db
      .updateTable('contacts')
      .set({ referred_by_id: referrer })
      .where('id', '=', contactId)
      .execute();
    expect(lines(await tick(w, '2026-11-24T14:30:00.000Z'))).toEqual([
      'prep_brief dropped',
      'meeting_over done',
      'referrer_update done',
    ]);
    expect(lines(await tick(w, '2026-11-24T14:31:00.000Z'))).toEqual([]);
    const update = (await outboxRows(w.db)).find((r) => r.kind === 'referrer_update');
    expect(update?.to_address).toBe('"Rita Moss" <rita@x.example>');
    expect(update?.subject).toBe('I met Ana Souza — thank you');

    // Met without a meeting kith knew of: the owner moves the contact by hand.
    const other = await addContact(w.db, {
      name: 'Lee Park',
      email: 'lee@x.example',
      at: '2026-11-01T10:00:00.000Z',
      referredById: referrer,
    });
    await move(w.db, other, 'met', '2026-11-25T10:00:00.000Z');
    expect(lines(await tick(w, '2026-11-25T10:00:30.000Z'))).toEqual(['referrer_update done']);
    expect(lines(await tick(w, '2026-11-25T10:01:30.000Z'))).toEqual([]);
  });

  it('queues the weekly digest on Monday 08:00 owner time with the week’s figures', async () => {
    const w = await world({ timeZone: 'Asia/Tokyo' });
    const bo = await addContact(w.db, {
      name: 'Bo Chen',
      email: 'bo@x.example',
      at: '2026-11-16T01:00:00.000Z',
    });
    await addMessage(w.db, {
      contactId: bo,
      direction: 'out',
      kind: 'outreach',
      date: '2026-11-17T01:00:00.000Z',
    });
    await addMessage(w.db, {
      contactId: bo,
      direction: 'in',
      kind: 'reply',
      date: '2026-11-18T01:00:00.000Z',
    });
    await advancePlannedUntil(w.db, '2026-11-20T00:00:00.000Z', '2026-11-20T00:00:00.000Z');
    // Monday 23 Nov 08:00 in Tokyo is Sunday 22 Nov 23:00 UTC.
    expect((await tick(w, '2026-11-22T22:59:00.000Z')).outcomes).toEqual([]);
    const report = await tick(w, '2026-11-22T23:00:00.000Z');
    expect(report.outcomes.map((o) => [o.job.kind, o.job.occurrence, o.result])).toEqual([
      ['weekly_digest', '2026-11-23', 'done'],
    ]);
    const digest = (await outboxRows(w.db)).find((r) => r.kind === 'weekly_digest');
    expect(digest?.subject).toBe('Your week in informational interviews: 1 out, 0 meetings');
    expect(digest?.body_text).toMatch(/Replies:\s+1/);
    expect(digest?.body_text).toMatch(/Prospect: 1/);
  });

  it('mails no digest while the pipeline is empty (a new install)', async () => {
    const w = await world({ timeZone: 'Asia/Tokyo' });
    await advancePlannedUntil(w.db, '2026-11-20T00:00:00.000Z', '2026-11-20T00:00:00.000Z');
    const report = await tick(w, '2026-11-22T23:00:00.000Z');
    expect(report.outcomes.map((o) => [o.job.kind, o.result, o.note])).toEqual([
      ['weekly_digest', 'done', 'not mailed: no contacts yet'],
    ]);
    expect(await outboxRows(w.db)).toEqual([]);
  });
});

describe('a failing job', () => {
  it('is retried on the next ticks, holds the watermark, then is recorded as failed', async () => {
    const w = await world();
    await withMeeting(w);
    const broken: SchedulerEffects = {
      ...w.deps.effects,
      prepBrief: async () => {
        throw new Error('template exploded');
      },
    };
    const deps = { ...w.deps, effects: broken };
    const results: string[] = [];
    for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
      const at = new Date(Date.parse('2026-11-23T16:00:00.000Z') + i * 60_000);
      const report = await runTick(deps, at);
      results.push(
        ...report.outcomes.filter((o) => o.job.kind === 'prep_brief').map((o) => o.result),
      );
      if (i < MAX_ATTEMPTS - 1)
        expect(await getPlannedUntil(w.db)).toBe('2026-11-18T12:00:00.000Z');
    }
    expect(results).toEqual(['failed', 'failed', 'gave_up']);
    const [row] = (await jobRows(w.db)).filter((j) => j.kind === 'prep_brief');
    expect([row?.state, row?.reason]).toEqual(['failed', 'template exploded']);
    expect(await getPlannedUntil(w.db)).toBe('2026-11-23T16:02:00.000Z');
    expect(await kinds(w)).toEqual([]);
  });
});
