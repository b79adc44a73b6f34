import { describe, expect, it } from 'vitest';
import {
  type DueJob,
  jobKey,
  planDueJobs,
  type ScheduleSnapshot,
  withoutRecorded,
} from '../../src/pipeline/schedule.js';
import { BERLIN, keeping, meeting, snapshot, waiting } from './schedule-fixtures.js';

/**
 * Drives the planner the way the scheduler does — record each key before
 * acting, remember where planning got to — over a timeline of tick instants,
 * and reports which job ran at which tick.
 */
function runTicks(state: ScheduleSnapshot, ticks: readonly string[], firstSince: string) {
  const recorded = new Set<string>();
  const ran: { key: string; at: string; job: DueJob }[] = [];
  let since = firstSince;
  for (const now of ticks) {
    const due = withoutRecorded(planDueJobs(state, { now, since }, BERLIN), recorded);
    for (const job of due) {
      recorded.add(jobKey(job));
      ran.push({ key: jobKey(job), at: now, job });
    }
    if (Date.parse(now) > Date.parse(since)) since = now;
  }
  return ran;
}

function everyMinute(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 60_000)
    out.push(new Date(t).toISOString());
  return out;
}

// A meeting Tuesday 24 Nov 2026 14:00–14:45 Berlin, an outreach waiting since
// Tuesday 17 Nov 10:00, and a thanked contact whose 90 days end on Wednesday 25 Nov 12:00.
const WORLD = snapshot({
  meetings: [meeting({ startsAt: '2026-11-24T13:00:00.000Z', endsAt: '2026-11-24T13:45:00.000Z' })],
  followUps: [waiting({ contactedSince: '2026-11-17T09:00:00.000Z' })],
  keepInTouch: [keeping({ stageChangedAt: '2026-08-27T11:00:00.000Z' })],
});
const FROM = '2026-11-22T23:00:00.000Z';
const TO = '2026-11-26T23:00:00.000Z';

const ALL_KEYS = [
  'weekly_digest|owner|2026-11-23',
  'prep_brief|meeting:1|2026-11-24T13:00:00.000Z',
  'follow_up|contact:20|2026-11-17T09:00:00.000Z#1',
  'meeting_over|meeting:1|2026-11-24T13:00:00.000Z',
  'keep_in_touch|contact:30|2026-08-27T11:00:00.000Z',
  'thank_you|meeting:1|2026-11-24T13:00:00.000Z',
];

describe('the planner across restarts and clock jumps', () => {
  const continuous = runTicks(WORLD, everyMinute(FROM, TO), FROM);

  it('runs every occurrence exactly once when ticking every minute, each at its due minute', () => {
    expect(continuous.map((r) => r.key)).toEqual(ALL_KEYS);
    for (const r of continuous) expect(r.at).toBe(r.job.dueAt);
    expect(continuous.every((r) => r.job.drop === null)).toBe(true);
  });

  it('after a restart mid-day runs each missed occurrence once, at the first tick back', () => {
    // Down from Tuesday 08:00 to Tuesday 17:00 Berlin: the meeting happened meanwhile.
    const ticks = everyMinute(FROM, TO).filter(
      (t) => t < '2026-11-24T07:00:00.000Z' || t >= '2026-11-24T16:00:00.000Z',
    );
    const ran = runTicks(WORLD, ticks, FROM);
    expect(ran.map((r) => r.key).sort()).toEqual([...ALL_KEYS].sort());
    const byKey = new Map(ran.map((r) => [r.key, r]));
    // The brief (due Monday 17:00) ran before the downtime; the meeting-over step on return.
    expect(byKey.get(ALL_KEYS[1] as string)?.at).toBe('2026-11-23T16:00:00.000Z');
    expect(byKey.get(ALL_KEYS[3] as string)?.at).toBe('2026-11-24T16:00:00.000Z');
    expect(byKey.get(ALL_KEYS[2] as string)?.at).toBe('2026-11-24T16:00:00.000Z');
  });

  it('drops the prep brief when the downtime covers the brief time and the meeting start', () => {
    const ticks = everyMinute(FROM, TO).filter(
      (t) => t < '2026-11-23T12:00:00.000Z' || t >= '2026-11-24T15:00:00.000Z',
    );
    const ran = runTicks(WORLD, ticks, FROM);
    const brief = ran.find((r) => r.job.kind === 'prep_brief');
    expect(brief?.job.drop).toBe('the meeting already began at 2026-11-24T13:00:00.000Z');
    expect(ran.filter((r) => r.job.kind === 'meeting_over')).toHaveLength(1);
  });

  it('runs each due job once when the clock jumps 3 days forward and then 1 hour back', () => {
    const start = '2026-11-22T23:00:00.000Z';
    const jumped = '2026-11-25T23:00:00.000Z';
    const back = '2026-11-25T22:00:00.000Z';
    const ticks = [
      ...everyMinute(start, '2026-11-22T23:10:00.000Z'),
      ...everyMinute(jumped, '2026-11-25T23:10:00.000Z'),
      ...everyMinute(back, '2026-11-26T23:00:00.000Z'),
    ];
    const ran = runTicks(WORLD, ticks, start);
    expect(ran.map((r) => r.key).sort()).toEqual([...ALL_KEYS].sort());
    expect(new Set(ran.map((r) => r.key)).size).toBe(ran.length);
  });

  it('missed ticks scattered through the days change nothing', () => {
    // Only `recorded` and `since` carry over between ticks, as across a restart.
    const ticks = everyMinute(FROM, TO).filter((_, i) => i % 7 !== 3);
    expect(
      runTicks(WORLD, ticks, FROM)
        .map((r) => r.key)
        .sort(),
    ).toEqual([...ALL_KEYS].sort());
  });
});
