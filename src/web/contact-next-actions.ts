import { dueFacts } from '../db/contact-summaries.js';
import { changeStamp } from '../db/database.js';
import { nextStepsByContact } from '../pipeline/next-step.js';
import { loadContactSnapshot } from '../scheduler/contact-snapshot.js';
import { scheduleSettings } from '../scheduler/settings.js';
import type { WebDeps } from './deps.js';
import { minuteOf } from './stamp-cache.js';
import { type NextDue, nextDue } from './views/next-due.js';

/** Contacts asked of the planner at once (its queries list ids). */
const CHUNK = 500;

/**
 * The next action of each contact, as the board's cards say it: a draft
 * waiting, the next meeting, else the scheduler planner's next step.
 */
export async function nextActions(
  deps: Pick<WebDeps, 'db' | 'config'>,
  ids: readonly number[],
  now: Date,
): Promise<Map<number, NextDue>> {
  const out = new Map<number, NextDue>();
  const settings = scheduleSettings(deps.config);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const facts = await dueFacts(deps.db, chunk, now);
    const steps = nextStepsByContact(
      await loadContactSnapshot(deps.db, chunk, now),
      now.toISOString(),
      settings,
    );
    for (const id of chunk) {
      const f = facts.get(id);
      const due = f && nextDue(f, steps.get(id));
      if (due) out.set(id, due);
    }
  }
  return out;
}

/**
 * The next action of every contact in `ids`, kept until the database changes
 * or the minute turns: ordering the whole list by next action asks the
 * planner about every contact (about a second at 10,000), so paging through
 * that order or coming back to it must not ask again.
 */
export function nextActionsUntilChange(
  deps: Pick<WebDeps, 'db' | 'config'>,
): (ids: readonly number[], now: Date) => Promise<ReadonlyMap<number, NextDue>> {
  // null: nothing planned, remembered so it is not asked again.
  let held: { key: string; value: Map<number, NextDue | null> } | undefined;
  return async (ids, now) => {
    // The stamp before computing: a write meanwhile makes the next call recompute.
    const key = `${await changeStamp(deps.db)}:${minuteOf(now)}`;
    if (held?.key !== key) held = { key, value: new Map() };
    const cached = held.value;
    const missing = ids.filter((id) => !cached.has(id));
    if (missing.length > 0) {
      const found = await nextActions(deps, missing, now);
      for (const id of missing) cached.set(id, found.get(id) ?? null);
    }
    const out = new Map<number, NextDue>();
    for (const id of ids) {
      const due = cached.get(id);
      if (due) out.set(id, due);
    }
    return out;
  };
}

/** When a next action is due, for ordering: a waiting draft is due now. */
function dueTime(due: NextDue, now: Date): number {
  if (due.kind === 'draft') return due.lateSince ? Date.parse(due.lateSince) : now.getTime();
  return Date.parse(due.at);
}

/** `ids` by next action, soonest first (latest first when `desc`); none at all last. */
export function byNextAction(
  ids: readonly number[],
  actions: ReadonlyMap<number, NextDue>,
  now: Date,
  desc: boolean,
): number[] {
  const keyed = ids.map((id, i) => {
    const due = actions.get(id);
    return { id, i, at: due ? dueTime(due, now) : null };
  });
  keyed.sort((a, b) => {
    if (a.at === null || b.at === null) return a.at === b.at ? a.i - b.i : a.at === null ? 1 : -1;
    return (desc ? b.at - a.at : a.at - b.at) || a.i - b.i;
  });
  return keyed.map((k) => k.id);
}
