import { describe, expect, test } from 'vitest';
import { createLoginGate, LOGIN_DELAYS } from '../../src/web/auth/rate-limit.js';

/** Virtual time: sleeps resolve in order as the test moves the clock; nothing waits for real. */
function virtualTime() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const settle = async () => {
    for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
  };
  return {
    now: () => now,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + ms, resolve });
      }),
    /** Fires timers in order until `until` (ms) or nothing is left. */
    async run(until: number) {
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at);
        const first = timers[0];
        if (!first || first.at > until) {
          if (Number.isFinite(until)) now = Math.max(now, until);
          return;
        }
        timers.shift();
        now = first.at;
        first.resolve();
      }
    },
  };
}

const wrong = async () => false;
const right = async () => true;

describe('login gate', () => {
  test('one address: waits grow 0, 1, 2, 4… s, and the right password still gets in', async () => {
    const time = virtualTime();
    const gate = createLoginGate(time);
    const waits: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const pending = gate.attempt('10.0.0.1', wrong);
      await time.run(Number.POSITIVE_INFINITY);
      const outcome = await pending;
      if (outcome.kind !== 'checked') throw new Error('expected a check');
      expect(outcome.ok).toBe(false);
      waits.push(outcome.waitedMs);
    }
    expect(waits).toEqual([0, 1000, 2000, 4000, 8000, 16000, 30000]);
    const owner = gate.attempt('10.0.0.1', right);
    await time.run(Number.POSITIVE_INFINITY);
    expect(await owner).toEqual({ kind: 'checked', ok: true, waitedMs: 30000 });
    // Success clears the address's count.
    const after = gate.attempt('10.0.0.1', right);
    await time.run(Number.POSITIVE_INFINITY);
    const cleared = await after;
    expect(cleared.kind === 'checked' && cleared.waitedMs).toBeLessThan(30000);
  });

  test('40 addresses guessing for 10 minutes: slow in total, the owner gets in within 10 s', async () => {
    const time = virtualTime();
    const gate = createLoginGate(time);
    const end = 10 * 60_000;
    let checked = 0;
    let busy = 0;
    const attacker = async (address: string) => {
      while (time.now() < end) {
        const outcome = await gate.attempt(address, wrong);
        if (outcome.kind === 'checked') checked += 1;
        else {
          busy += 1;
          // Back again as soon as told: the attacker never lets a slot go unused for long.
          await time.sleep(outcome.retryAfterSeconds * 1000);
        }
      }
    };
    // Each address keeps six attempts going at once: more than may wait.
    const attackers = Array.from({ length: 40 }, (_, i) =>
      Array.from({ length: 6 }, () => attacker(`10.1.0.${i + 1}`)),
    ).flat();
    await time.run(5 * 60_000);
    const ownerStarted = time.now();
    const owner = gate.attempt('192.0.2.7', right);
    let ownerOutcome: Awaited<typeof owner> | undefined;
    void owner.then((o) => {
      ownerOutcome = o;
    });
    await time.run(end);
    await time.run(Number.POSITIVE_INFINITY);
    await Promise.all(attackers);
    expect(ownerOutcome).toMatchObject({ kind: 'checked', ok: true });
    const ownerWaited = ownerOutcome?.kind === 'checked' ? ownerOutcome.waitedMs : -1;
    expect(ownerWaited).toBeLessThanOrEqual(LOGIN_DELAYS.globalMaxMs);
    expect(ownerStarted).toBe(5 * 60_000);
    // Without the gate this would be thousands a second; with it, about one and a half.
    const perSecond = checked / (end / 1000);
    // 40 addresses at one check per 30 s each is 1.3 a second once the waits are grown.
    expect(perSecond).toBeLessThan(2.5);
    expect(busy).toBeGreaterThan(0);
  });

  test('a typo or two cost the owner nothing much', async () => {
    const time = virtualTime();
    const gate = createLoginGate(time);
    const outcomes = [];
    for (const check of [wrong, wrong, right]) {
      const pending = gate.attempt('127.0.0.1', check);
      await time.run(Number.POSITIVE_INFINITY);
      outcomes.push(await pending);
    }
    expect(outcomes.map((o) => (o.kind === 'checked' ? [o.ok, o.waitedMs] : o.kind))).toEqual([
      [false, 0],
      [false, 1000],
      [true, 2000],
    ]);
  });

  test('attempts beyond those allowed to wait are turned away unchecked, with Retry-After', async () => {
    const time = virtualTime();
    const gate = createLoginGate(time);
    let checks = 0;
    const counted = async () => {
      checks += 1;
      return false;
    };
    const first = gate.attempt('10.0.0.9', counted);
    await time.run(0);
    await first;
    const queued = Array.from({ length: LOGIN_DELAYS.maxWaitingPerAddress }, () =>
      gate.attempt('10.0.0.9', counted),
    );
    const extra = await gate.attempt('10.0.0.9', counted);
    expect(extra).toEqual({ kind: 'busy', retryAfterSeconds: 1 });
    await time.run(Number.POSITIVE_INFINITY);
    await Promise.all(queued);
    expect(checks).toBe(1 + LOGIN_DELAYS.maxWaitingPerAddress);
  });
});
