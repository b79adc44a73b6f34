import type { Meeting } from '../../db/schema.js';
import { FIELD_LIMITS } from '../field-limits.js';
import { html, type SafeHtml } from '../html.js';
import { toLocalInput } from './format.js';

/**
 * The fields of a meeting typed by hand: the zone chosen from the IANA list
 * with the owner's and the contact's zones first, and, after a refused
 * submit, exactly what was typed plus the question that needs an answer
 * (which of two readings of a time the clocks pass twice, or whether a past
 * meeting really took place).
 */

export const MEETING_MODES: readonly { value: string; label: string }[] = [
  { value: 'video', label: 'Video call' },
  { value: 'phone', label: 'Phone' },
  { value: 'in_person', label: 'In person' },
];

/** A refused submit, shown back in the form it came from. */
export interface MeetingFormState {
  /** 'new' or the meeting's id. */
  readonly target: string;
  readonly fields: Readonly<Record<string, string>>;
  /** Why it was refused, shown at the form too (on a phone the page's banner is far above). */
  readonly message: string;
  /** Both readings of a time that happens twice, to pick one. */
  readonly choices?: readonly { readonly offsetMinutes: number; readonly label: string }[];
  /** The start is in the past: ask whether it took place. */
  readonly askPast?: boolean;
}

// ICU lists some zones under names IANA has since replaced; people look for the current ones.
const CURRENT_NAMES: Readonly<Record<string, string>> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Africa/Asmera': 'Africa/Asmara',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Louisville': 'America/Kentucky/Louisville',
};

let allZones: readonly string[] | undefined;

/** Every IANA zone the runtime knows under its current name, and UTC (which the list leaves out). */
function ianaZones(): readonly string[] {
  allZones ??= [
    ...new Set([...Intl.supportedValuesOf('timeZone').map((z) => CURRENT_NAMES[z] ?? z), 'UTC']),
  ].sort();
  return allZones;
}

function zoneSelect(id: string, selected: string, suggested: readonly string[]): SafeHtml {
  const firsts = [...new Set(suggested.filter(Boolean))];
  const rest = ianaZones().filter((z) => !firsts.includes(z));
  // A zone the list lacks (an old stored one) stays selectable rather than being lost.
  const known = firsts.includes(selected) || rest.includes(selected) ? [] : [selected];
  const option = (z: string) =>
    html`<option value="${z}"${z === selected ? html` selected` : ''}>${z.replace(/_/g, ' ')}</option>`;
  return html`<select id="${id}" name="timeZone" required><optgroup label="Yours and theirs">${[
    ...known,
    ...firsts,
  ].map(option)}</optgroup><optgroup label="All zones">${rest.map(option)}</optgroup></select>`;
}

export interface MeetingFieldsOptions {
  readonly prefix: string;
  readonly ownerZone: string;
  readonly contactZone: string | null;
  readonly meeting?: Meeting;
  /** Set when this very form was refused: its typed values win. */
  readonly state?: MeetingFormState;
}

export function meetingFields(o: MeetingFieldsOptions): SafeHtml {
  const { prefix, meeting: m } = o;
  const typed = o.state?.fields;
  const start = typed?.start ?? (m ? toLocalInput(m.starts_at, m.time_zone) : '');
  const minutes =
    typed?.minutes ??
    String(
      m ? Math.max(5, Math.round((Date.parse(m.ends_at) - Date.parse(m.starts_at)) / 60_000)) : 30,
    );
  const zone = typed?.timeZone ?? m?.time_zone ?? o.contactZone ?? o.ownerZone;
  const mode = typed?.mode ?? m?.mode ?? 'video';
  const location = typed?.location ?? m?.location ?? '';
  const suggested = [o.ownerZone, o.contactZone ?? ''];
  const refused = o.state
    ? html`<p class="form-error" id="${prefix}-error" role="alert">${o.state.message}</p>`
    : html``;
  return html`${refused}<div class="form-grid">
<div><label for="${prefix}-start">Starts (local time)</label><input id="${prefix}-start" name="start" type="datetime-local" required value="${start}"></div>
<div><label for="${prefix}-minutes">Minutes</label><input id="${prefix}-minutes" name="minutes" type="number" min="5" max="600" value="${minutes}" required></div>
<div><label for="${prefix}-tz">Time zone</label>${zoneSelect(`${prefix}-tz`, zone, suggested)}</div>
<div><label for="${prefix}-mode">How</label><select id="${prefix}-mode" name="mode">${MEETING_MODES.map(
    (opt) =>
      html`<option value="${opt.value}"${opt.value === mode ? html` selected` : ''}>${opt.label}</option>`,
  )}</select></div>
<div><label for="${prefix}-loc">Where (link, number or place)</label><input id="${prefix}-loc" name="location" value="${location}" maxlength="${FIELD_LIMITS.place}"></div>
</div>${choiceFields(prefix, o.state)}`;
}

function choiceFields(prefix: string, state: MeetingFormState | undefined): SafeHtml {
  if (!state) return html``;
  const parts: SafeHtml[] = [];
  if (state.choices?.length) {
    parts.push(
      html`<fieldset class="choice" id="${prefix}-offset"><legend>That time happens twice: which one?</legend>${state.choices.map(
        (c, i) =>
          html`<label><input type="radio" name="offsetMinutes" value="${String(c.offsetMinutes)}" required${i === 0 ? html` autofocus` : ''}> ${c.label}</label>`,
      )}</fieldset>`,
    );
  }
  if (state.askPast) {
    parts.push(
      html`<p class="choice"><label><input type="checkbox" id="${prefix}-past" name="pastConfirmed" value="on"> It already took place at that time</label></p>`,
    );
  }
  return html`${parts}`;
}

const ANSWER_WORDS: Readonly<Record<string, string>> = {
  ACCEPTED: 'they accepted the invitation',
  DECLINED: 'they declined the invitation',
  TENTATIVE: 'they might come (tentative)',
};

/** The contact's calendar answer to kith's invitation, for a meeting's line. */
export function invitationAnswer(answer: string | null | undefined): SafeHtml {
  const words = answer ? ANSWER_WORDS[answer] : undefined;
  return words ? html` · <span class="invitation-answer">${words}</span>` : html``;
}
