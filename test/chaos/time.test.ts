import { describe, expect, it } from 'vitest';
import { advancePlannedUntil } from '../../src/db/scheduler-queries.js';
import { runTick } from '../../src/scheduler/tick.js';
import { runCli } from '../helpers/run-cli.js';
import {
  addContact,
  addMeeting,
  addMessage,
  envFor,
  jobRows,
  move,
  outboxRows,
  useWorld,
  type World,
} from '../scheduler/world.js';
import { held } from './results.js';

/**
 * Item 8: a populated data dir ticked by `kith tick --at` with the clock
 * jumping 3 days forward and then 1 hour back, against the same data dir
 * ticked every 30 minutes without a jump: the same jobs fire, each once.
 */

const SUITE = '8 time';
const world = useWorld();
const T0 = Date.parse('2026-11-23T16:00:00.000Z'); // Monday 17:00 in Berlin
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** 30 contacts at every step the scheduler acts on. */
async function populate(w: World): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const id = await addContact(w.db, {
      name: `Contact ${i}`,
      email: `c${i}@x.example`,
      at: '2026-08-01T10:00:00.000Z',
    });
    if (i % 3 === 0) {
      // A meeting somewhere in the next three days: brief, over, prompt, thank-you.
      await move(w.db, id, 'scheduled', '2026-11-18T12:00:00.000Z');
      const start = T0 + 16 * HOUR + i * 2 * HOUR;
      await addMeeting(w.db, {
        contactId: id,
        startsAt: iso(start),
        endsAt: iso(start + HOUR / 2),
        created: '2026-11-18T12:00:00.000Z',
      });
    } else if (i % 3 === 1) {
      // Outreach unanswered: the follow-up falls due inside the jump.
      const sent = T0 - (6 - (i % 4)) * 24 * HOUR;
      await addMessage(w.db, {
        contactId: id,
        direction: 'out',
        kind: 'outreach',
        date: iso(sent),
      });
      await move(w.db, id, 'contacted', iso(sent));
    } else {
      // Thanked 90 days (KEEP_IN_TOUCH_DAYS) before a moment inside the jump: keep in touch.
      await move(w.db, id, 'thanked', iso(T0 - 90 * 24 * HOUR + (2 + i) * HOUR));
    }
  }
  await advancePlannedUntil(w.db, iso(T0 - HOUR), iso(T0 - HOUR));
}

async function summary(w: World) {
  const jobs = (await jobRows(w.db)).map((j) => ({
    key: `${j.kind}|${j.subject_key}|${j.occurrence}`,
    state: j.state,
  }));
  const outbox = (await outboxRows(w.db)).map((o) => `${o.kind}|${o.contact_id}|${o.subject}`);
  return { jobs: jobs.sort((x, y) => x.key.localeCompare(y.key)), outbox: outbox.sort() };
}

describe('time', () => {
  it('3 days forward, then 1 hour back: each due job fires once', async () => {
    const steady = await world();
    await populate(steady);
    const jumped = await world();
    await populate(jumped);

    const end = T0 + 72 * HOUR + HOUR;
    for (let t = T0; t <= end; t += HOUR / 2) await runTick(steady.deps, new Date(t));

    const env = envFor(jumped.dir, 'Europe/Berlin');
    const ticks = [T0, T0 + 72 * HOUR, T0 + 71 * HOUR, T0 + 72 * HOUR, end];
    const printed: string[] = [];
    for (const at of ticks) {
      const result = await runCli(['tick', '--at', iso(at)], {
        env,
        cwd: jumped.dir,
        timeoutMs: 60_000,
      });
      expect(result.code, result.stderr).toBe(0);
      // One line per job a tick ran: "<kind> <subject> done|dropped|failed[: note]".
      printed.push(...result.stdout.split('\n').filter((l) => / (done|dropped|failed)\b/.test(l)));
    }
    const a = await summary(steady);
    const b = await summary(jumped);
    await held(
      {
        suite: SUITE,
        tried:
          '`kith tick --at` on a 30-contact data dir: +3 days, −1 hour, then on; compared with ticks every 30 min',
        times: ticks.length,
      },
      () => {
        const keys = b.jobs.map((j) => j.key);
        // Each job once: no key twice, none missing or extra against the steady run.
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toEqual(a.jobs.map((j) => j.key));
        expect(new Set(printed).size).toBe(printed.length);
        // The only difference a jump may make: a prep brief for a meeting that began
        // before the clock got there is dropped (with its reason), not sent late.
        const jumpedTo = T0 + 72 * HOUR;
        const differing = b.jobs.filter((j, i) => j.state !== a.jobs[i]?.state);
        for (const j of differing) {
          expect(j.key.startsWith('prep_brief|')).toBe(true);
          expect(j.state).toBe('dropped');
          expect(Date.parse(j.key.split('|')[2] as string)).toBeLessThanOrEqual(jumpedTo);
        }
        const briefsDropped = differing.length;
        const notBrief = (o: string) => !o.startsWith('prep_brief|');
        expect(new Set(b.outbox).size).toBe(b.outbox.length);
        expect(b.outbox.filter(notBrief)).toEqual(a.outbox.filter(notBrief));
        expect(keys.length).toBeGreaterThan(30);
        const kinds = [...new Set(keys.map((k) => k.split('|')[0]))].join(', ');
        return `${keys.length} jobs (${kinds}), each once, same set as the steady run; ${b.outbox.length} outbox rows, none twice; ${briefsDropped} prep briefs for meetings already begun by ${iso(jumpedTo).slice(0, 16)} dropped, not sent late; the ticks printed ${printed.length} job lines, none twice`;
      },
    );
  });
});
