import { describe, expect, it } from 'vitest';
import { advancePlannedUntil } from '../../src/db/scheduler-queries.js';
import { runTick } from '../../src/scheduler/tick.js';
import { runCli } from '../helpers/run-cli.js';
import {
  addContact,
  addMeeting,
  envFor,
  jobRows,
  move,
  outboxRows,
  useWorld,
  type World,
} from './world.js';

const world = useWorld();

/** 40 contacts whose first follow-up is due, and 10 meetings whose brief is due. */
async function crowd(w: World): Promise<number> {
  for (let i = 0; i < 40; i += 1) {
    const id = await addContact(w.db, {
      name: `Person ${i}`,
      email: `p${i}@x.example`,
      at: '2026-11-01T09:00:00.000Z',
    });
    await move(w.db, id, 'contacted', '2026-11-02T09:00:00.000Z');
  }
  for (let i = 0; i < 10; i += 1) {
    const id = await addContact(w.db, {
      name: `Meeting ${i}`,
      email: `m${i}@x.example`,
      at: '2026-11-01T09:00:00.000Z',
    });
    await move(w.db, id, 'scheduled', '2026-11-05T09:00:00.000Z');
    await addMeeting(w.db, {
      contactId: id,
      startsAt: `2026-11-10T${String(10 + i).padStart(2, '0')}:00:00.000Z`,
      endsAt: `2026-11-10T${String(10 + i).padStart(2, '0')}:30:00.000Z`,
      created: '2026-11-05T09:00:00.000Z',
    });
  }
  await advancePlannedUntil(w.db, '2026-11-09T08:00:00.000Z', '2026-11-09T08:00:00.000Z');
  return 50;
}

async function expectEachJobOnce(w: World, expected: number) {
  const jobs = (await jobRows(w.db)).filter((j) => j.kind !== 'weekly_digest');
  const keys = jobs.map((j) => `${j.kind}|${j.subject_key}|${j.occurrence}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(jobs).toHaveLength(expected);
  const rows = await outboxRows(w.db);
  expect(rows.filter((r) => r.kind === 'follow_up')).toHaveLength(40);
  expect(rows.filter((r) => r.kind === 'prep_brief')).toHaveLength(10);
  // One approval request per follow-up draft, never two.
  expect(rows.filter((r) => r.kind === 'approval_request')).toHaveLength(40);
}

describe('two ticks racing for the same jobs', () => {
  it('runs each job once when two ticks interleave in one process', async () => {
    const w = await world();
    const expected = await crowd(w);
    const at = new Date('2026-11-09T17:00:00.000Z');
    const [a, b] = await Promise.all([runTick(w.deps, at), runTick(w.deps, at)]);
    const done = [...a.outcomes, ...b.outcomes].filter((o) => o.job.kind !== 'weekly_digest');
    expect(done.filter((o) => o.result === 'done')).toHaveLength(expected);
    expect(done.filter((o) => o.result === 'failed')).toEqual([]);
    await expectEachJobOnce(w, expected);
  });

  it('runs each job once when two `kith tick` processes run at the same instant', async () => {
    const w = await world();
    const expected = await crowd(w);
    const env = envFor(w.dir, 'Europe/Berlin');
    const at = '2026-11-09T17:00:00.000Z';
    const [a, b] = await Promise.all([
      runCli(['tick', '--at', at], { cwd: w.dir, env, timeoutMs: 60_000 }),
      runCli(['tick', '--at', at], { cwd: w.dir, env, timeoutMs: 60_000 }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(`${a.stderr}${b.stderr}`).not.toMatch(/ (error|warn) /);
    const doneLines = [...a.stdout.split('\n'), ...b.stdout.split('\n')].filter(
      (l) => / done/.test(l) && !l.startsWith('weekly_digest'),
    );
    // Across both processes, every job was done by exactly one of them.
    expect(doneLines).toHaveLength(expected);
    expect(new Set(doneLines.map((l) => l.split(' ').slice(0, 2).join(' '))).size).toBe(expected);
    await expectEachJobOnce(w, expected);
  }, 90_000);
});
