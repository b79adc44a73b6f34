import { DateTime } from 'luxon';
import type { ProposedTime } from './proposed-time.js';
import { knownZone } from './zone-guess.js';

/**
 * What a mail in a contact's thread does to the meetings: an agreement
 * confirms the proposal it agrees to (its instant, zone, place and link),
 * a time that matches none is a counter-proposal, and times without an
 * agreement are proposals. Pure: the adapter loads the open proposals and
 * carries the decision out.
 */

export type Side = 'owner' | 'contact';

/** A meeting still `proposed`, as stored. */
export interface OpenProposal {
  readonly id: number;
  /** ISO-8601 UTC instants. */
  readonly start: string;
  readonly end: string;
  /** The zone it was proposed in (IANA, or a fixed offset like "UTC+2"). */
  readonly timeZone: string;
  readonly place: string | null;
  /** Who proposed it; null for rows from before this was recorded (they came from contacts). */
  readonly proposedBy: Side | null;
  /** The mail that proposed it, to tell which proposals came together. */
  readonly sourceMessageId: string | null;
}

export interface MeetingFacts {
  readonly writer: Side;
  /** The contact's open proposals in order of creation. */
  readonly proposals: readonly OpenProposal[];
  /** Times the new mail names, as extracted from its text. */
  readonly times: readonly ProposedTime[];
  /** The sentence that agrees to a time, or null. */
  readonly acceptance: string | null;
  readonly ownerZone: string;
  /** The contact's remembered zone, or null. */
  readonly contactZone: string | null;
  /** The writer's UTC offset from the Date header, null if unknown. */
  readonly writerOffsetMinutes: number | null;
  /** When the mail was written (ISO). */
  readonly sentAt: string;
}

/** A time placed in the zone it was meant in. */
export interface PlacedTime {
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly text: string;
  readonly place: string | null;
}

export type MeetingDecision =
  | {
      readonly kind: 'confirm';
      readonly proposal: OpenProposal;
      /** The other open proposals, closed by this agreement. */
      readonly close: readonly number[];
    }
  | {
      readonly kind: 'propose';
      readonly times: readonly PlacedTime[];
      readonly by: Side;
      /** An answer to the other side's proposals with a time of its own. */
      readonly counter: boolean;
    }
  | { readonly kind: 'none'; readonly reason: string };

function isoUtc(time: DateTime): string {
  return time.toUTC().toISO() as string;
}

function offsetAt(zone: string, at: string): number | null {
  const z = knownZone(zone);
  if (z) return z.offset(Date.parse(at));
  const fixed = DateTime.fromISO(at, { zone });
  return fixed.isValid ? fixed.offset : null;
}

/**
 * The zone a side's unmarked times are meant in: the zone kith knows for
 * the writer when the Date header agrees with it (or says +0000, as many
 * webmail clients do whatever the writer's clock), else the header's guess.
 */
function knownZoneFits(known: string | null, facts: MeetingFacts): boolean {
  if (!known) return false;
  const offset = facts.writerOffsetMinutes;
  return offset === null || offset === 0 || offsetAt(known, facts.sentAt) === offset;
}

function wallOf(time: ProposedTime): string {
  if (time.wall) return time.wall;
  const zone = time.timeZone ?? 'UTC';
  return DateTime.fromISO(time.start, { zone: 'utc' }).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

function placeWall(time: ProposedTime, zone: string): PlacedTime | null {
  const placed = DateTime.fromISO(wallOf(time), { zone });
  if (!placed.isValid) return null;
  const minutes = (Date.parse(time.end) - Date.parse(time.start)) / 60_000;
  return {
    start: isoUtc(placed),
    end: isoUtc(placed.plus({ minutes: minutes > 0 ? minutes : 30 })),
    timeZone: zone,
    text: time.text,
    place: time.place,
  };
}

/** The new mail's times, each in the zone its writer meant. */
export function placeTimes(facts: MeetingFacts): PlacedTime[] {
  const writerKnown = facts.writer === 'owner' ? facts.ownerZone : facts.contactZone;
  const readerKnown = facts.writer === 'owner' ? facts.contactZone : facts.ownerZone;
  const out: PlacedTime[] = [];
  for (const time of facts.times) {
    const from = time.zoneFrom ?? 'header';
    let zone: string | null = null;
    if (from === 'reader') zone = readerKnown;
    else if (from === 'writer') zone = writerKnown ?? time.timeZone;
    else if (from === 'header' && knownZoneFits(writerKnown, facts)) zone = writerKnown;
    const placed = zone ? placeWall(time, zone) : null;
    out.push(
      placed ?? {
        start: time.start,
        end: time.end,
        timeZone: time.timeZone ?? facts.ownerZone,
        text: time.text,
        place: time.place,
      },
    );
  }
  return out;
}

function wallIn(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/**
 * Whether a named time is the proposal: the same instant, or, when the
 * answer named no zone, the same wall-clock time on the proposer's clock
 * ("Thursday at 2pm works" to a Los Angeles "Thursday at 2pm" means 14:00
 * Los Angeles, whatever the answerer's own zone). "3pm works" names no day:
 * the clock time alone must match.
 */
function sameTime(time: ProposedTime, placed: PlacedTime, proposal: OpenProposal): boolean {
  const unzoned = (time.zoneFrom ?? 'header') === 'header';
  const named = unzoned ? wallOf(time) : wallIn(placed.start, placed.timeZone);
  const theirs = wallIn(proposal.start, unzoned ? proposal.timeZone : placed.timeZone);
  if (time.dayStated === false) return named.slice(11) === theirs.slice(11);
  if (placed.start === proposal.start) return true;
  return unzoned && named === theirs;
}

/** What the mail does to the contact's meetings. */
export function decideMeeting(facts: MeetingFacts): MeetingDecision {
  const placed = placeTimes(facts);
  const theirs = facts.proposals.filter((p) => (p.proposedBy ?? 'contact') !== facts.writer);
  if (facts.acceptance !== null) {
    if (placed.length === 0) return agreeWithoutTime(facts, theirs);
    for (const [i, time] of facts.times.entries()) {
      const chosen = theirs.find((p) => sameTime(time, placed[i] as PlacedTime, p));
      if (chosen) return confirm(facts, chosen);
    }
  }
  const fresh = placed.filter((time) => !facts.proposals.some((p) => p.start === time.start));
  if (fresh.length === 0) {
    return {
      kind: 'none',
      reason: placed.length === 0 ? 'no time named' : 'those times are already proposed',
    };
  }
  return { kind: 'propose', times: fresh, by: facts.writer, counter: theirs.length > 0 };
}

function confirm(facts: MeetingFacts, chosen: OpenProposal): MeetingDecision {
  return {
    kind: 'confirm',
    proposal: chosen,
    close: facts.proposals.filter((p) => p.id !== chosen.id).map((p) => p.id),
  };
}

/**
 * "Sounds great, see you then" names no time: it agrees to the other side's
 * latest proposal when that mail proposed one time; among several it cannot
 * tell which, and confirming the wrong one is worse than asking.
 */
function agreeWithoutTime(facts: MeetingFacts, theirs: readonly OpenProposal[]): MeetingDecision {
  const latest = theirs.at(-1);
  if (!latest) return { kind: 'none', reason: 'no proposal from the other side to agree to' };
  const together = theirs.filter((p) => p.sourceMessageId === latest.sourceMessageId);
  if (latest.sourceMessageId !== null && together.length > 1)
    return { kind: 'none', reason: 'the agreement names none of several proposed times' };
  return confirm(facts, latest);
}

/**
 * How a meeting is held, read from its place: no place or a link is a
 * video call, something that reads as a phone number is a call, anything
 * else is a place to meet in person.
 */
export function meetingMode(place: string | null): 'video' | 'phone' | 'in_person' {
  if (!place) return 'video';
  if (/https?:\/\//i.test(place)) return 'video';
  if (/^[+\d(][\d ().-]{6,}$/.test(place.trim())) return 'phone';
  return 'in_person';
}

/** A meeting as isStillAhead and the cancel rule see it. */
export interface MeetingState {
  readonly status: 'proposed' | 'confirmed' | 'cancelled' | 'done';
  /** ISO instant. */
  readonly end: string;
}

/**
 * A meeting still to come at `at`: proposed or confirmed, and not over yet.
 * What holds a contact at scheduled (below) and what deleting a contact
 * warns about (src/db/contact-edits.ts previewDeletion).
 */
export function isStillAhead(m: MeetingState, at: string): boolean {
  return (
    (m.status === 'proposed' || m.status === 'confirmed') && Date.parse(m.end) > Date.parse(at)
  );
}

/**
 * Whether cancelling a meeting moves the contact back to replied: only when
 * none of their other meetings is still ahead at `at` (isStillAhead). A
 * contact with a second meeting ahead is still scheduled.
 * The same rule for a calendar CANCEL by mail, the web page and the API;
 * `others` are the contact's meetings after the cancel, the cancelled one
 * included or not (a cancelled meeting never counts).
 */
export function cancelMovesBack(others: readonly MeetingState[], at: string): boolean {
  return !others.some((m) => isStillAhead(m, at));
}
