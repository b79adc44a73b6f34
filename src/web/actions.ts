import { DateTime, IANAZone } from 'luxon';
import { applyStageEvent, type ContactDetailsInput, updateContactDetails } from '../db/contacts.js';
import type { Db } from '../db/database.js';
import {
  addMeeting,
  cancelMeeting,
  type MeetingInput,
  meetingsOfContact,
  updateMeeting,
} from '../db/meetings.js';
import type { Meeting } from '../db/schema.js';
import { type UnheldMeeting, unheldMeetings } from '../db/unheld-meetings.js';
import { BadInputError, KithError } from '../errors.js';
import { cancelMovesBack } from '../pipeline/meeting-rules.js';
import { movePresumesMeeting } from '../pipeline/move-checks.js';
import { isStage, type Stage } from '../pipeline/stages.js';
import type { TransitionResult } from '../pipeline/transitions.js';
import { checkWallTime, type WallReading, type WallTimeCheck } from '../pipeline/wall-time.js';
import { isIanaZone } from '../pipeline/zone-guess.js';
import { zoneAbbreviation } from '../zone-abbreviation.js';
import { requireContact } from './contact-actions.js';
import { FIELD_LIMITS, limitedText, linkedinUrlField } from './field-limits.js';

/**
 * What a page form and the JSON API both do: one function per owner action,
 * validating its input and recording stage moves with their causes.
 */

/** A move that says a meeting took place before it has: the owner is asked first. */
export class MeetingNotHeldError extends BadInputError {
  constructor(
    readonly to: Stage,
    readonly meeting: UnheldMeeting,
    name: string,
  ) {
    super(
      `The meeting with ${name} has not taken place yet (it starts ${meeting.startsAt}): confirm the move to ${to.replace(/_/g, ' ')} if you have met already.`,
    );
    this.name = 'MeetingNotHeldError';
  }
}

/**
 * A move by hand: recorded as `moved by hand: <reason>`. A move past a
 * meeting that has not happened is refused unless `meetingConfirmed`.
 */
export async function moveContact(
  db: Db,
  id: number,
  to: string,
  reason: string | null,
  now: Date,
  options: { readonly meetingConfirmed?: boolean } = {},
): Promise<TransitionResult> {
  if (!isStage(to)) throw new BadInputError(`"${to}" is not a stage.`);
  const contact = await requireContact(db, id);
  const meeting = (await unheldMeetings(db, [id], now)).get(id);
  const presumes = movePresumesMeeting(
    contact.stage as Stage,
    to,
    meeting?.endsAt ?? null,
    now.toISOString(),
  );
  if (presumes && meeting && !options.meetingConfirmed) {
    throw new MeetingNotHeldError(to, meeting, contact.name ?? `contact #${id}`);
  }
  const why = (reason?.trim() || 'no reason given').slice(0, FIELD_LIMITS.moveReason);
  return applyStageEvent(
    db,
    id,
    { type: 'manual_move', to },
    {
      at: now.toISOString(),
      cause: presumes
        ? `moved by hand before the meeting took place: ${why}`
        : `moved by hand: ${why}`,
    },
  );
}

/** Raw detail fields as a form or JSON gives them. */
export interface DetailsFields {
  readonly name?: string | null;
  readonly company?: string | null;
  readonly title?: string | null;
  readonly linkedinUrl?: string | null;
  readonly cadenceDays?: string | number | null;
  /** An IANA zone name; empty forgets the zone (kith learns it again from mail). */
  readonly timeZone?: string | null;
}

function cleanText(value: string | null | undefined, max: number, what: string): string | null {
  return limitedText((value ?? '').trim(), max, what);
}

/** The typed zone: undefined when the form had no such field, null when emptied. */
function contactZoneField(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const zone = (value ?? '').trim();
  if (zone === '') return null;
  if (zone.length > FIELD_LIMITS.zone || !isIanaZone(zone)) {
    throw new BadInputError(
      `"${zone.slice(0, 64)}" is not a time zone name: use one like Europe/Berlin or America/Los_Angeles.`,
    );
  }
  return zone;
}

/** Validates and saves a contact's editable details. */
export async function saveDetails(
  db: Db,
  id: number,
  fields: DetailsFields,
  now: Date,
): Promise<void> {
  await requireContact(db, id);
  const linkedinUrl = linkedinUrlField(fields.linkedinUrl);
  const cadenceRaw = fields.cadenceDays;
  let cadenceDays: number | null = null;
  if (cadenceRaw !== null && cadenceRaw !== undefined && String(cadenceRaw).trim() !== '') {
    cadenceDays = Number(cadenceRaw);
    if (!Number.isInteger(cadenceDays) || cadenceDays < 1 || cadenceDays > 3650) {
      throw new BadInputError('Keep-in-touch days must be a whole number from 1 to 3650.');
    }
  }
  const input: ContactDetailsInput = {
    name: cleanText(fields.name, FIELD_LIMITS.name, 'The name'),
    company: cleanText(fields.company, FIELD_LIMITS.company, 'The company'),
    title: cleanText(fields.title, FIELD_LIMITS.title, 'The title'),
    linkedinUrl,
    cadenceDays,
    timeZone: contactZoneField(fields.timeZone),
  };
  await updateContactDetails(db, id, input, now.toISOString());
}

/** A meeting as a form gives it: local wall time in a zone, and a length. */
export interface MeetingFields {
  /** `YYYY-MM-DDTHH:mm` on the wall clock of `timeZone`, or a full ISO instant. */
  readonly start: string;
  readonly minutes?: string | number;
  readonly timeZone?: string;
  readonly mode?: string;
  readonly location?: string | null;
  /** Which of two readings of a time the clocks pass twice (UTC offset in minutes). */
  readonly offsetMinutes?: string | number | null;
  /** The owner confirmed that a meeting in the past really took place then. */
  readonly pastConfirmed?: boolean | string | null;
}

/** A wall time the zone skips or repeats: the message names both readings. */
export class WallTimeError extends BadInputError {
  constructor(readonly check: Exclude<WallTimeCheck, { kind: 'ok' }>) {
    super(check.message);
    this.name = 'WallTimeError';
  }
}

/** A start in the past the owner has not confirmed. */
export class PastMeetingError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'PastMeetingError';
  }
}

const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00(\.0+)?)?$/;

/** Both readings of `wall` around its day, with luxon's offsets, for the pure rule. */
function readingsOf(wall: string, zone: IANAZone): WallReading[] {
  const base = DateTime.fromISO(wall, { zone: 'utc' }).toMillis();
  const around = [base - 86_400_000, base + 86_400_000].map((ms) => zone.offset(ms));
  return around.map((offsetMinutes) => {
    const instant = base - offsetMinutes * 60_000;
    return {
      offsetMinutes,
      zoneOffsetMinutes: zone.offset(instant),
      abbreviation: zoneAbbreviation(zone, instant),
    };
  });
}

function isTrue(value: boolean | string | null | undefined): boolean {
  return value === true || value === 'on' || value === 'true' || value === '1';
}

export interface MeetingTiming {
  readonly now: Date;
  /** The stored start when editing: keeping a past start needs no confirmation. */
  readonly storedStart?: string;
}

/** Parses and checks meeting fields into stored form (UTC instants). */
export function parseMeeting(
  fields: MeetingFields,
  defaultZone: string,
  timing?: MeetingTiming,
): MeetingInput {
  const zoneName = (fields.timeZone ?? '').trim() || defaultZone;
  const zone = IANAZone.create(zoneName);
  if (!zone.isValid) {
    throw new BadInputError(`"${zoneName}" is not a time zone; choose one from the list.`);
  }
  const typed = String(fields.start ?? '').trim();
  let start: DateTime;
  if (WALL.test(typed)) {
    const wall = typed.slice(0, 16);
    if (!DateTime.fromISO(wall, { zone: 'utc' }).isValid) {
      throw new BadInputError('The start time is missing or not a date and time.');
    }
    const chosen = Number(fields.offsetMinutes);
    const check = checkWallTime({
      wall,
      zone: zone.name,
      readings: readingsOf(wall, zone),
      chosenOffsetMinutes:
        fields.offsetMinutes === null ||
        fields.offsetMinutes === undefined ||
        fields.offsetMinutes === '' ||
        !Number.isFinite(chosen)
          ? null
          : chosen,
    });
    if (check.kind !== 'ok') throw new WallTimeError(check);
    start = DateTime.fromISO(check.instant, { zone: zone.name });
  } else {
    start = DateTime.fromISO(typed, { zone: zone.name, setZone: false });
  }
  if (!start.isValid) throw new BadInputError('The start time is missing or not a date and time.');
  const minutes = Number(fields.minutes ?? 30);
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 600) {
    throw new BadInputError('The length must be 5 to 600 minutes.');
  }
  const mode = (fields.mode ?? 'video').trim();
  if (!/^[a-z_]{1,20}$/.test(mode)) throw new BadInputError('Unknown kind of meeting.');
  const startsAt = start.toUTC().toISO()!;
  if (
    timing &&
    start.toMillis() < timing.now.getTime() &&
    startsAt !== timing.storedStart &&
    !isTrue(fields.pastConfirmed)
  ) {
    throw new PastMeetingError(
      `${start.setZone(zone.name).toFormat('HH:mm')} on ${start.setZone(zone.name).toFormat('d LLLL yyyy')} is in the past. If the meeting already took place then, tick "It already took place"; otherwise correct the date.`,
    );
  }
  return {
    startsAt,
    endsAt: start.plus({ minutes }).toUTC().toISO()!,
    timeZone: zone.name,
    mode,
    location: cleanText(fields.location, FIELD_LIMITS.place, 'The place'),
  };
}

/** Adds a confirmed meeting by hand; the contact moves to scheduled where the table allows. */
export async function addMeetingByHand(
  db: Db,
  contactId: number,
  input: MeetingInput,
  now: Date,
): Promise<number> {
  await requireContact(db, contactId);
  const id = await addMeeting(db, contactId, input, now.toISOString());
  await applyStageEvent(
    db,
    contactId,
    { type: 'meeting_confirmed' },
    { at: now.toISOString(), cause: 'meeting added by hand' },
  );
  return id;
}

/** Changes a meeting's time or place. */
export async function editMeetingByHand(
  db: Db,
  id: number,
  input: MeetingInput,
  now: Date,
): Promise<Meeting> {
  const meeting = await updateMeeting(db, id, input, now.toISOString());
  if (!meeting) throw new KithError('not_found', `There is no meeting #${id}.`);
  return meeting;
}

/** Cancels a meeting; a scheduled contact with no other meeting ahead goes back to replied (meeting-rules.ts). */
export async function cancelMeetingByHand(db: Db, id: number, now: Date): Promise<Meeting> {
  const meeting = await cancelMeeting(db, id, now.toISOString());
  if (!meeting) throw new KithError('not_found', `There is no meeting #${id}.`);
  const others = await meetingsOfContact(db, meeting.contact_id);
  if (cancelMovesBack(others, now.toISOString())) {
    await applyStageEvent(
      db,
      meeting.contact_id,
      { type: 'meeting_cancelled' },
      { at: now.toISOString(), cause: 'meeting cancelled by hand' },
    );
  }
  return meeting;
}
