import { describe, expect, it } from 'vitest';
import { createSchedulerService } from '../../src/scheduler/service.js';
import { waitFor } from '../helpers/wait-for.js';
import { jobRows, useWorld } from './world.js';

const world = useWorld();

describe('the scheduler service', () => {
  it('catches up at start, reports its health, and stops cleanly', async () => {
    const w = await world();
    let now = new Date('2026-11-23T07:00:00.000Z'); // Monday 08:00 Berlin
    const service = createSchedulerService({ ...w.deps, now: () => now });
    expect(service.status().state).toBe('down');
    await service.start();
    const digest = await waitFor(
      async () =>
        (await jobRows(w.db)).find((j) => j.kind === 'weekly_digest' && j.state === 'done'),
      { what: 'the catch-up tick' },
    );
    expect(digest.occurrence).toBe('2026-11-23');
    await waitFor(() => service.status().state === 'ok', { what: 'an ok status' });
    expect(service.status().detail).toMatchObject({ lastTick: { at: '2026-11-23T07:00:00.000Z' } });
    now = new Date('2026-11-30T07:00:00.000Z');
    const report = await service.tickNow();
    expect(report.outcomes.map((o) => [o.job.occurrence, o.result])).toEqual([
      ['2026-11-30', 'done'],
    ]);
    await service.stop();
    expect(service.status().state).toBe('down');
  });

  it('waits for the inbox to catch up before its first tick', async () => {
    const w = await world();
    let caughtUp: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      caughtUp = resolve;
    });
    const service = createSchedulerService({
      ...w.deps,
      now: () => new Date('2026-11-23T07:00:00.000Z'),
      ready: () => ready,
    });
    await service.start();
    const pending = service.tickNow();
    // Nothing may run while the inbox is still reading: poll for a while, then let it finish.
    await new Promise((r) => setTimeout(r, 200));
    expect(await jobRows(w.db)).toEqual([]);
    caughtUp();
    await pending;
    expect((await jobRows(w.db)).map((j) => [j.kind, j.state])).toEqual([
      ['weekly_digest', 'dropped'],
      ['weekly_digest', 'done'],
    ]);
    await service.stop();
  });

  it('ticks anyway when the inbox never catches up', async () => {
    const w = await world();
    const service = createSchedulerService({
      ...w.deps,
      now: () => new Date('2026-11-23T07:00:00.000Z'),
      ready: () => new Promise<void>(() => undefined),
      readyTimeoutMs: 50,
    });
    await service.start();
    await waitFor(async () => (await jobRows(w.db)).length > 0, {
      what: 'a tick after the timeout',
    });
    await service.stop();
  });
});
