import ICAL from 'ical.js';
import type { Db } from '../db/database.js';
import { readKeyValue, writeKeyValue } from '../db/key-values.js';
import type { MeetingRow } from '../db/meeting-list-queries.js';
import { safeEqual, type WebKeys } from './auth/keys.js';
import { setZonedTimes, timeZoneComponents } from './feed-time-zones.js';

/**
 * The private calendar feed. Its URL carries a token derived from the
 * instance secret and a generation number kept in key_values: making a new
 * link bumps the generation (the old URL dies), turning it off disables it.
 * Nothing secret is stored, and the page can always show the current URL.
 */

const KEY = 'web.calendar_feed';

export interface FeedState {
  readonly enabled: boolean;
  readonly generation: number;
}

export async function readFeedState(db: Db): Promise<FeedState> {
  const value = await readKeyValue(db, KEY);
  if (value === undefined) return { enabled: false, generation: 0 };
  try {
    const parsed = JSON.parse(value) as FeedState;
    return { enabled: parsed.enabled === true, generation: Number(parsed.generation) || 0 };
  } catch {
    return { enabled: false, generation: 0 };
  }
}

/** Makes a new feed URL (the previous one stops working). */
export async function renewFeed(db: Db, now: Date): Promise<FeedState> {
  const state = await readFeedState(db);
  const next = { enabled: true, generation: state.generation + 1 };
  await writeKeyValue(db, KEY, JSON.stringify(next), now.toISOString());
  return next;
}

/** Turns the feed off; its URL stops working. */
export async function disableFeed(db: Db, now: Date): Promise<void> {
  const state = await readFeedState(db);
  await writeKeyValue(db, KEY, JSON.stringify({ ...state, enabled: false }), now.toISOString());
}

export function feedToken(keys: WebKeys, state: FeedState): string {
  return keys.sign('calendar', `feed:${state.generation}`).slice(0, 32);
}

/** True when `token` opens the current, enabled feed. */
export function feedTokenValid(keys: WebKeys, state: FeedState, token: string): boolean {
  return state.enabled && safeEqual(token, feedToken(keys, state));
}

const MODE_WORDS: Readonly<Record<string, string>> = {
  video: 'video call',
  phone: 'phone call',
  in_person: 'in person',
};

/** The meetings as an iCalendar document (RFC 5545), built with ical.js. */
export function buildFeed(meetings: readonly MeetingRow[], now: Date, host: string): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('prodid', '-//kith//informational interviews//EN');
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('calscale', 'GREGORIAN');
  calendar.updatePropertyWithValue('x-wr-calname', 'kith meetings');
  const stamp = ICAL.Time.fromJSDate(now, true);
  for (const zone of timeZoneComponents(meetings)) calendar.addSubcomponent(zone);
  for (const m of meetings) {
    const component = new ICAL.Component('vevent');
    const event = new ICAL.Event(component);
    event.uid = `kith-meeting-${m.id}@${host}`;
    setZonedTimes(component, m.starts_at, m.ends_at, m.time_zone);
    const who = m.contact_name ?? 'a contact';
    event.summary = `Informational interview: ${who}${m.contact_company ? ` (${m.contact_company})` : ''}`;
    if (m.location) event.location = m.location;
    event.description = `${MODE_WORDS[m.mode] ?? m.mode}. Their time zone: ${m.time_zone}.`;
    component.addPropertyWithValue('dtstamp', stamp);
    component.addPropertyWithValue(
      'last-modified',
      ICAL.Time.fromJSDate(new Date(m.updated_at), true),
    );
    component.addPropertyWithValue(
      'status',
      m.status === 'cancelled' ? 'CANCELLED' : m.status === 'proposed' ? 'TENTATIVE' : 'CONFIRMED',
    );
    calendar.addSubcomponent(component);
  }
  return calendar.toString();
}
