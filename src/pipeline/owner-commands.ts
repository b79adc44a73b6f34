import { isRevisionOf, withoutEcho } from './draft-text.js';
import { parseSnooze, type Snooze } from './snooze.js';
import { unicodeWords } from './unicode-words.js';

// The outbox's snooze-end.ts reads these from here.
export { resolveSnooze, type Snooze } from './snooze.js';

/**
 * The owner's trusted reply to a mail kith sent (an approval request, a prep
 * brief, "how did it go?"): draft commands, an edited draft, and the lines
 * that become data (`referral:`, `advice:`, `cadence:`), the rest a note.
 * Case, quote marks, bullets and trailing punctuation do not matter. The
 * snooze command's grammar and when a snooze ends are snooze.ts's.
 */

export type DraftCommand =
  | { readonly type: 'approve' }
  | { readonly type: 'skip' }
  | { readonly type: 'snooze'; readonly snooze: Snooze };

export interface Referral {
  readonly name: string | null;
  /** Lower-cased. */
  readonly address: string;
}

export interface OwnerReply {
  readonly command: DraftCommand | null;
  /**
   * The owner's own version of the draft (only when the kith mail asked for
   * approval). Never sent on the strength of this reply: kith shows it back
   * and sends it only when the owner approves that exact text.
   */
  readonly revision: string | null;
  readonly referrals: readonly Referral[];
  readonly advice: readonly string[];
  readonly cadenceDays: number | null;
  /** Whatever free text is left, for the contact's notes. */
  readonly note: string | null;
  /** Lines that looked like instructions but could not be read, to tell the owner. */
  readonly problems: readonly string[];
  /**
   * Why a reply to an approval request changed nothing although it said
   * something (a remark, a question, "yes, but change…"), to tell the owner;
   * null otherwise.
   */
  readonly notUnderstood: string | null;
}

export interface OwnerReplyOptions {
  readonly signOff: string | null;
  /** The reply's new part as written, sign-off included; a revision is taken from it when given. */
  readonly letter?: string | null;
  /** The kith mail answered asked to approve a draft. */
  readonly awaitsApproval: boolean;
  /** The exact text that mail asked about (to tell a rewrite from a remark). */
  readonly draftText?: string | null;
  /** The text of the kith mail answered (to cut a copy of it quoted without marks). */
  readonly answeredText?: string | null;
}

// Only words that can mean nothing but "send it", alone on the first line, in
// the languages kith's owners write in. "Great", "looks good" or "fine" are
// left out on purpose: they are as often a remark as an approval, and a
// remark taken for approval sends a letter the owner has not finished.
const APPROVE = new Set([
  // English
  'approve',
  'approved',
  'i approve',
  'yes',
  'y',
  'ok',
  'okay',
  'send',
  'send it',
  'go ahead',
  'lgtm',
  '👍',
  '✅',
  // French
  'approuver',
  'approuve',
  'approuvé',
  "j'approuve",
  'oui',
  'envoyer',
  'envoie',
  'envoyez',
  "d'accord",
  // German
  'genehmigen',
  'genehmigt',
  'freigeben',
  'freigegeben',
  'ja',
  'senden',
  'abschicken',
  // Spanish
  'aprobar',
  'aprobado',
  'apruebo',
  'sí',
  'si',
  'enviar',
  'envíalo',
  'envialo',
]);
const SKIP = new Set([
  // English
  'skip',
  'skip it',
  'no',
  'n',
  'drop',
  'discard',
  'cancel',
  "don't send",
  'do not send',
  'dont send',
  '👎',
  // French
  'ignorer',
  'non',
  'annuler',
  'ne pas envoyer',
  "n'envoie pas",
  // German
  'nein',
  'überspringen',
  'verwerfen',
  'nicht senden',
  'nicht schicken',
  // Spanish
  'omitir',
  'saltar',
  'descartar',
  'cancelar',
  'no enviar',
]);
// After an approve, any of these means the owner is not done with the text:
// "yes, but change Tuesday to Wednesday" must not send the Tuesday version.
const HOLD = unicodeWords(
  /\b(but|except|change|changes|changed|instead|wait|don't|dont|do not|not yet|hold|fix|edit|typo|replace|however|before (you )?send|mais|sauf|change[rz]?|modifie[rz]?|corrige[rz]?|attends|attendez|pas encore|aber|außer|ausser|ändern|ändere|korrigier\w*|warte|noch nicht|pero|excepto|salvo|cambia[r]?|corrige|espera|todavía no|aún no|todavia no|aun no)\b/i,
);

/** Lower-cased, without quote marks, emphasis, bullets and trailing punctuation. */
export function normalizeCommandLine(line: string): string {
  return line
    .trim()
    .replace(/^([-*•]\s+)/, '')
    .replace(/^["'“”‘’`*_]+|["'“”‘’`*_]+$/g, '')
    .replace(/[.!,;:]+$/, '')
    .replace(/^["'“”‘’`*_]+|["'“”‘’`*_]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function parseCommand(normalized: string): DraftCommand | null {
  if (APPROVE.has(normalized)) return { type: 'approve' };
  if (SKIP.has(normalized)) return { type: 'skip' };
  const snooze = parseSnooze(normalized);
  return snooze ? { type: 'snooze', snooze } : null;
}

// "Name <email>", "Name (email)", "Name, email", "Name email" or a bare address; several per line.
const REFERRAL =
  /([^<>()[\];]*?)[\s,:(<[]*(?:mailto:)?([A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})[>)\]]?/g;

/** The people a `referral:` value names; empty when it names no address. */
export function parseReferrals(value: string): Referral[] {
  const out: Referral[] = [];
  for (const match of value.matchAll(REFERRAL)) {
    const name = (match[1] ?? '')
      .replace(/^[\s,;]*(and|und|et|y|en|e)(\s+|$)/i, '')
      .replace(/["']/g, '')
      .replace(/^[\s,;-]+|[\s,;:-]+$/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    out.push({ name: name === '' ? null : name, address: (match[2] ?? '').toLowerCase() });
  }
  return out;
}

function parseCadence(value: string): number | null {
  const m = /^(?:every\s+)?(\d+)\s*(d|days?|w|weeks?|m|mo|months?)?$/i.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'd').toLowerCase();
  const days = unit.startsWith('w') ? n * 7 : unit.startsWith('m') ? n * 30 : n;
  return days > 0 && days <= 3660 ? days : null;
}

const KEYED_LINE = /^\s*(?:[-*•]\s+)?\**(referral|referrals|advice|cadence)\**\s*:\s*(.*)$/i;

/** The facts an owner's text carries in keyed lines, and its other lines as written. */
export interface KeyedLines {
  readonly referrals: Referral[];
  readonly advice: string[];
  readonly cadenceDays: number | null;
  /** Keyed lines that could not be read. */
  readonly problems: string[];
  readonly free: string[];
}

/**
 * Reads `referral:`, `advice:` and `cadence:` lines out of text the owner
 * wrote, by mail or in a web note alike.
 */
export function readKeyedLines(text: string): KeyedLines {
  const referrals: Referral[] = [];
  const advice: string[] = [];
  const problems: string[] = [];
  let cadenceDays: number | null = null;
  const free: string[] = [];
  for (const line of text.split('\n')) {
    const keyed = KEYED_LINE.exec(line);
    if (!keyed) {
      free.push(line);
      continue;
    }
    const key = (keyed[1] ?? '').toLowerCase();
    const value = (keyed[2] ?? '').trim();
    if (key.startsWith('referral')) {
      const found = parseReferrals(value);
      if (found.length === 0) problems.push(line.trim());
      referrals.push(...found);
    } else if (key === 'advice') {
      if (value === '') problems.push(line.trim());
      else advice.push(value);
    } else {
      const days = parseCadence(value);
      if (days === null) problems.push(line.trim());
      else cadenceDays = days;
    }
  }
  return { referrals, advice, cadenceDays, problems, free };
}

/** The letter as written, without an unmarked copy of kith's mail; null when there is none. */
function ownLetter(letter: string | null, options: OwnerReplyOptions): string | null {
  if (!letter) return null;
  const own = withoutEcho(letter, options.answeredText ?? null, options.draftText ?? null).trim();
  return own === '' ? null : own;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

/** Reads the owner's reply text (quotes already stripped). */
export function parseOwnerReply(text: string, options: OwnerReplyOptions): OwnerReply {
  const own = withoutEcho(text, options.answeredText ?? null, options.draftText ?? null);
  const { referrals, advice, cadenceDays, problems, free } = readKeyedLines(own);
  let command: DraftCommand | null = null;
  const firstIndex = free.findIndex((l) => l.trim() !== '');
  if (firstIndex >= 0) {
    command = parseCommand(normalizeCommandLine(free[firstIndex] ?? ''));
    if (command) free.splice(firstIndex, 1);
  }
  const rest = free
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const note = rest === '' ? null : rest;
  const data = { referrals, advice, cadenceDays, problems };
  const read: OwnerReply = { ...data, command, revision: null, note, notUnderstood: null };
  if (!options.awaitsApproval) return read;
  return { ...data, ...readApprovalAnswer(command, note, options) };
}

/**
 * What a reply to an approval request asks of the draft, from its command
 * and free text: an approve with "but change…" is none; free text with no
 * command is the owner's own version only when it reads as one.
 */
function readApprovalAnswer(
  command: DraftCommand | null,
  note: string | null,
  options: OwnerReplyOptions,
): Pick<OwnerReply, 'command' | 'revision' | 'note' | 'notUnderstood'> {
  const unchanged = { command, revision: null, note, notUnderstood: null };
  if (note === null) return unchanged;
  if (command?.type === 'approve' && HOLD.test(note)) {
    return {
      ...unchanged,
      command: null,
      notUnderstood: `your reply says to send it but also "${excerpt(note)}", so nothing was sent. Reply "approve" alone to send the draft as it is, or write your own version of the whole letter`,
    };
  }
  if (command !== null) return unchanged;
  if (options.draftText && isRevisionOf(note, options.draftText)) {
    const revision =
      ownLetter(options.letter ?? null, options) ??
      (options.signOff ? `${note}\n\n${options.signOff}` : note);
    return { ...unchanged, revision, note: null };
  }
  return {
    ...unchanged,
    notUnderstood: `"${excerpt(note)}" is not approve, skip or snooze, nor a new version of the letter, so nothing was sent`,
  };
}
