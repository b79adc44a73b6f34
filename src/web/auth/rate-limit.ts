/**
 * Login slow-down. Every attempt waits before its password is even looked
 * at; the wait grows with recent failures from its address (1, 2, 4… s, at
 * most 30 s) and with recent failures from everywhere (after a few, 0.5 s
 * more each, at most 10 s), and attempts from one address are checked one at
 * a time. So guessing gets slow for one address and for many, while the
 * right password is always checked, and let in, once its wait is over: a
 * slow-down, never a lock-out. Kept in memory: a restart forgets it, which
 * only helps someone who can restart kith anyway.
 */
export interface LoginGate {
  /** Waits what this attempt owes, then runs `check` once and records its outcome. */
  attempt(client: string, check: () => Promise<boolean>): Promise<LoginOutcome>;
}

type LoginOutcome =
  | { readonly kind: 'checked'; readonly ok: boolean; readonly waitedMs: number }
  /** Too many attempts already wait (from this address or in all); this one was not checked. */
  | { readonly kind: 'busy'; readonly retryAfterSeconds: number };

export interface GateTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const LOGIN_DELAYS = {
  addressMaxMs: 30_000,
  globalMaxMs: 10_000,
  /** Failures from everywhere that cost nothing extra (the owner's own typos). */
  globalFree: 5,
  globalStepMs: 500,
  /** The global count halves every 10 minutes; an address's failures are forgotten after an hour. */
  globalHalfLifeMs: 10 * 60_000,
  addressForgetMs: 60 * 60_000,
  /** Attempts from one address waiting their turn, and in all, before more are turned away. */
  maxWaitingPerAddress: 4,
  maxWaitingTotal: 1_000,
} as const;

const MAX_TRACKED = 10_000;

interface AddressState {
  failures: number;
  lastFailureAt: number;
  waiting: number;
  turn: Promise<unknown>;
}

export function createLoginGate(timing: GateTiming): LoginGate {
  const d = LOGIN_DELAYS;
  const addresses = new Map<string, AddressState>();
  let globalScore = 0;
  let globalAt = 0;
  let waitingTotal = 0;

  const decayedGlobal = (now: number) =>
    globalScore * 0.5 ** (Math.max(0, now - globalAt) / d.globalHalfLifeMs);

  const delayMs = (state: AddressState, now: number): number => {
    if (now - state.lastFailureAt > d.addressForgetMs) state.failures = 0;
    const own =
      state.failures === 0 ? 0 : Math.min(1000 * 2 ** (state.failures - 1), d.addressMaxMs);
    const global = Math.min(
      Math.max(0, Math.floor(decayedGlobal(now)) - d.globalFree) * d.globalStepMs,
      d.globalMaxMs,
    );
    return Math.max(own, global);
  };

  const stateOf = (client: string): AddressState => {
    let state = addresses.get(client);
    if (!state) {
      state = { failures: 0, lastFailureAt: 0, waiting: 0, turn: Promise.resolve() };
      addresses.set(client, state);
      if (addresses.size > MAX_TRACKED) {
        // Map keeps insertion order: forget the oldest address that has nothing waiting.
        for (const [key, old] of addresses) {
          if (old.waiting === 0 && key !== client) {
            addresses.delete(key);
            break;
          }
        }
      }
    }
    return state;
  };

  return {
    attempt(client, check) {
      const state = stateOf(client);
      if (state.waiting >= d.maxWaitingPerAddress || waitingTotal >= d.maxWaitingTotal) {
        const seconds = Math.ceil(delayMs(state, timing.now()) / 1000);
        return Promise.resolve({ kind: 'busy', retryAfterSeconds: Math.max(1, seconds) });
      }
      state.waiting += 1;
      waitingTotal += 1;
      const run = state.turn.then(async (): Promise<LoginOutcome> => {
        try {
          const waitedMs = delayMs(state, timing.now());
          if (waitedMs > 0) await timing.sleep(waitedMs);
          const ok = await check();
          const now = timing.now();
          if (ok) {
            state.failures = 0;
          } else {
            state.failures += 1;
            state.lastFailureAt = now;
            globalScore = decayedGlobal(now) + 1;
            globalAt = now;
          }
          return { kind: 'checked', ok, waitedMs };
        } finally {
          state.waiting -= 1;
          waitingTotal -= 1;
        }
      });
      state.turn = run.catch(() => undefined);
      return run;
    },
  };
}
