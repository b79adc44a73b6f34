import EmailReplyParser from 'email-reply-parser';

/**
 * The new part of a reply: without quoted history, signature blocks, mobile
 * footers and the sign-off. email-reply-parser does the signature work; kith
 * finds where the quote starts itself first, because the library misses
 * Outlook blocks without an address ("From: Sam Owner / Sent: …"), wrapped
 * Gmail headers, several languages, and bottom-posted replies (see
 * LIBRARIES.md: cutting at the first quote loses those, so both are handled).
 */

export interface ReplyParts {
  /** The new text, without the sign-off. */
  readonly text: string;
  /** The closing and name block that was cut ("Best,\nAnna"). */
  readonly signOff: string | null;
  /**
   * The new part as the writer wrote it — greeting, sign-off and name kept,
   * only the quote and phone/mail-client footers cut: an owner's own version
   * of a letter is shown back to them exactly so.
   */
  readonly letter: string;
}

// A person's new text is never this long; the cap bounds the work on a pasted log or a huge forward.
const MAX_INPUT_CHARS = 100_000;

/** The new part of a reply, without quoted history and signature. */
export function extractReplyText(raw: string): string {
  return extractReply(raw).text;
}

/** The new part of a reply and, apart, its sign-off. */
export function extractReply(raw: string): ReplyParts {
  const lines = normalize(raw.slice(0, MAX_INPUT_CHARS)).split('\n');
  const boundary = findQuoteStart(lines);
  let kept: string[];
  if (boundary === null) {
    kept = lines;
  } else if (isBlank(lines.slice(0, boundary.index))) {
    kept = bottomPostedLines(lines, boundary);
  } else {
    kept = lines.slice(0, boundary.index);
  }
  const withoutFooter = cutAtSignature(kept);
  const visible = librarySignatureStrip(withoutFooter.join('\n'));
  return { ...splitSignOff(tidy(visible).split('\n')), letter: tidy(withoutFooter.join('\n')) };
}

function normalize(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200b\ufeff]/g, '')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

function isBlank(lines: readonly string[]): boolean {
  return lines.every((line) => line.trim() === '');
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// ---------------------------------------------------------------- quote start

interface Boundary {
  /** First line of the quoted history (its header, or the first `>` line). */
  readonly index: number;
  /** Lines the header takes (0 for a bare `>` quote). */
  readonly headerLines: number;
}

// "On … wrote:" in the languages kith's users write in; the header is its own paragraph.
const WROTE_HEADERS: readonly RegExp[] = [
  /^On\s.+\bwrote\s?:$/i,
  /^Am\s.+\bschrieb\b.*:$/i,
  /^Le\s.+\ba\s+écrit\s?:$/i,
  /^El\s.+\bescribió\s?:$/i,
  /^Op\s.+\b(schreef|geschreven)\b.*:$/i,
  /^Em\s.+\bescreveu\s?:$/i,
  /^Il\s.+\bscritto\s?:$/i,
  /^Den\s.+\bskrev\b.*:$/i,
  // "Sam Owner <sam@example.org> schrieb:" and friends, without a date first.
  /^.{1,80}<[^<>\s]+@[^<>\s]+>\s*(wrote|schrieb|a\s+écrit|escribió|escreveu|schreef|ha\s+scritto)\s?:$/i,
];

const WROTE_START = /^(On|Am|Le|El|Op|Em|Il|Den)\s/i;

// Separator lines that start quoted or forwarded history.
const SEPARATORS: readonly RegExp[] = [
  /^-{2,}\s*(Original Message|Original message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht|Mensagem original|Messaggio originale)\s*-{2,}$/i,
  /^-{2,}\s*(Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Doorgestuurd bericht|Mensagem encaminhada|Messaggio inoltrato)\s*-{2,}$/i,
  /^\[?-?\s*(Quoted text hidden|Show quoted text|Zitierter Text ausgeblendet|Texte des messages précédents masqué|Texto citado oculto)\s*-?\]?$/i,
  /^(Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|Inicio del mensaje reenviado|Begin doorgestuurd bericht|Início da mensagem reencaminhada)\s?:$/i,
];

// Outlook's header block: "From:" then, on the next lines, "Sent:"/"Date:" and "To:"/"Subject:".
const OUTLOOK_FROM = /^\*?(From|Von|De|Van|Da|Fra|Från|Od)\s?:\*?\s*\S/i;
const OUTLOOK_SENT =
  /^\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Enviada|Fecha|Verzonden|Data|Inviato|Sendt|Skickat)\s?:/i;
const OUTLOOK_TO_OR_SUBJECT =
  /^\*?(To|An|À|A|Para|Aan|Til|Till|Cc|Subject|Betreff|Objet|Asunto|Onderwerp|Assunto|Oggetto|Emne|Ämne)\s?:/i;

function findQuoteStart(lines: readonly string[]): Boundary | null {
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (line.startsWith('>')) return { index: i, headerLines: 0 };
    const wrote = wroteHeaderLength(lines, i);
    if (wrote > 0) return { index: i, headerLines: wrote };
    if (SEPARATORS.some((re) => re.test(line))) return { index: i, headerLines: 1 };
    if (/^_{10,}$/.test(line) && isOutlookBlock(lines, nextNonBlank(lines, i + 1))) {
      return { index: i, headerLines: 1 };
    }
    if (isOutlookBlock(lines, i)) return { index: i, headerLines: 1 };
  }
  return null;
}

/** How many lines an "On … wrote:" header at `start` spans (Gmail wraps it), 0 if none. */
function wroteHeaderLength(lines: readonly string[], start: number): number {
  const first = (lines[start] ?? '').trim();
  if (!WROTE_START.test(first) && !first.includes('<')) return 0;
  let joined = '';
  for (let n = 1; n <= 3 && start + n - 1 < lines.length; n += 1) {
    const next = (lines[start + n - 1] ?? '').trim();
    if (next === '' || joined.length > 300) break;
    joined = joined === '' ? next : `${joined} ${next}`;
    const compact = joined.replace(/<\s+/g, '<').replace(/\s+>/g, '>');
    // A real header carries a date or an address; "On Thursday, Tom wrote:" is prose.
    if (/[\d@]/.test(compact) && WROTE_HEADERS.some((re) => re.test(compact))) return n;
  }
  return 0;
}

function nextNonBlank(lines: readonly string[], from: number): number {
  let i = from;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i += 1;
  return i;
}

/** A "From: …" line followed, without a blank line, by a sent/date line and a to/subject line. */
function isOutlookBlock(lines: readonly string[], start: number): boolean {
  if (!OUTLOOK_FROM.test((lines[start] ?? '').trim())) return false;
  let sawSent = false;
  let sawTo = false;
  for (let i = start + 1; i < lines.length && i <= start + 6; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line === '') break;
    if (OUTLOOK_SENT.test(line)) sawSent = true;
    else if (OUTLOOK_TO_OR_SUBJECT.test(line)) sawTo = true;
  }
  return sawSent && sawTo;
}

/**
 * Nothing above the quote: the reply is below it (bottom-posted) or between
 * its parts (inline answers). An unquoted line squeezed between two quoted
 * lines is a hard-wrapped quote line that lost its `>`, not an answer.
 */
function bottomPostedLines(lines: readonly string[], boundary: Boundary): string[] {
  const out: string[] = [];
  const isQuoted = (i: number): boolean => (lines[i] ?? '').trimStart().startsWith('>');
  for (let i = boundary.index + boundary.headerLines; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (isQuoted(i)) {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      continue;
    }
    if (line.trim() !== '' && i > 0 && isQuoted(i - 1) && isQuoted(i + 1)) continue;
    if (line.trim() !== '' && wroteHeaderLength(lines, i) > 0) break;
    out.push(line);
  }
  return out;
}

// ---------------------------------------------------------------- signatures

// Footers that mail apps add; everything from them on is not the person's text.
const FOOTERS: readonly RegExp[] = [
  /^Sent (from|with|via) (my |the )?.{2,60}$/i,
  /^(Get|Obter o|Obtener|Holen Sie sich|Download) Outlook .{2,40}$/i,
  /^Outlook (for|für|voor|pour|para|per) (iOS|Android).{0,40}$/i,
  /^Von meinem .{2,40} gesendet\.?$/i,
  /^Gesendet (von|mit) .{2,60}$/i,
  /^Envoyé (de|depuis|à partir de) .{2,60}$/i,
  /^Télécharger Outlook pour .{2,40}$/i,
  /^Enviado (desde|do|de) .{2,60}$/i,
  /^(Verzonden|Verstuurd) (vanaf|met|via) .{2,60}$/i,
  /^Inviato da .{2,60}$/i,
];

/** Cuts at a `-- ` signature delimiter or an app footer line. */
function cutAtSignature(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (/^--\s*$/.test(line) || /^—\s*$/.test(trimmed)) break;
    if (FOOTERS.some((re) => re.test(trimmed))) break;
    out.push(line);
  }
  return out;
}

/** email-reply-parser's own signature and quote rules, as a second pass. */
function librarySignatureStrip(text: string): string {
  if (text.trim() === '') return '';
  const visible = new EmailReplyParser().read(text).getVisibleText();
  // The library hides a fragment it mistakes for a signature when it is the whole text.
  return visible.trim() === '' ? text : visible;
}

// ---------------------------------------------------------------- sign-off

const CLOSINGS = [
  'best',
  'best regards',
  'best wishes',
  'all the best',
  'all best',
  'kind regards',
  'warm regards',
  'warmest regards',
  'regards',
  'many thanks',
  'thanks',
  'thank you',
  'thanks again',
  'thanks so much',
  'cheers',
  'warmly',
  'sincerely',
  'yours',
  'talk soon',
  'mit freundlichen grüßen',
  'mit freundlichen grüssen',
  'freundliche grüße',
  'viele grüße',
  'beste grüße',
  'liebe grüße',
  'herzliche grüße',
  'schöne grüße',
  'grüße',
  'gruß',
  'lg',
  'vg',
  'cordialement',
  'bien cordialement',
  'bien à vous',
  'bien à toi',
  'amicalement',
  'bonne journée',
  'merci',
  'saludos',
  'un saludo',
  'saludos cordiales',
  'atentamente',
  'un abrazo',
  'gracias',
  'met vriendelijke groet',
  'met vriendelijke groeten',
  'vriendelijke groet',
  'hartelijke groet',
  'groeten',
  'groet',
  'atenciosamente',
  'abraços',
  'abraço',
  'cumprimentos',
  'obrigado',
  'obrigada',
  'um abraço',
  'cordiali saluti',
  'saluti',
  'un saluto',
];

const CLOSING_LINE = new RegExp(`^(${CLOSINGS.join('|')})\\s*[,.!]*$`, 'iu');
const CLOSING_WITH_NAME = new RegExp(`^(${CLOSINGS.join('|')})\\s*[,!.-]\\s*(.+)$`, 'iu');

// Capitalised words that end a mail as an answer, not as a name.
const NOT_NAMES = new Set(
  'yes no sure ok okay thanks thursday friday monday tuesday wednesday saturday sunday tomorrow today perfect great done'.split(
    ' ',
  ),
);

/** A signature-ish line below a closing: a name, a title, a company, a phone number. */
function isSignatureLine(line: string): boolean {
  const t = line.trim();
  return t.length <= 72 && !t.endsWith('?') && !/[.!]\s+\p{Lu}/u.test(t);
}

function isNameLine(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words.length === 0 || words.length > 3) return false;
  return words.every(
    (w) => /^\p{Lu}[\p{Ll}'’-]*\.?$/u.test(w) && !NOT_NAMES.has(w.toLowerCase().replace(/\.$/, '')),
  );
}

/** Cuts the closing ("Best,\nAnna", "Thanks, Anna", a lone name) off the end of the text. */
function splitSignOff(lines: readonly string[]): Omit<ReplyParts, 'letter'> {
  const end = lastContentLine(lines);
  if (end < 0) return { text: '', signOff: null };
  for (let i = Math.max(0, end - 6); i <= end; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (i === 0 || line === '') continue;
    const followers = lines.slice(i + 1, end + 1).filter((l) => l.trim() !== '');
    const closes =
      (CLOSING_LINE.test(line) && (followers.length > 0 || /,$/.test(line))) ||
      (followers.length === 0 && isNameLine(CLOSING_WITH_NAME.exec(line)?.[2] ?? ''));
    if (closes && followers.every(isSignatureLine) && hasContent(lines.slice(0, i))) {
      return cut(lines, i, end);
    }
  }
  // A last paragraph that starts with a name: "…\n\nAnna" or "Anna Berg\nHead of Product\n…".
  const start = paragraphStart(lines, end);
  const block = lines.slice(start, end + 1);
  if (
    block.length <= 5 &&
    isNameLine(block[0] ?? '') &&
    block.every(isSignatureLine) &&
    hasContent(lines.slice(0, start))
  ) {
    return cut(lines, start, end);
  }
  return { text: lines.slice(0, end + 1).join('\n'), signOff: null };
}

function paragraphStart(lines: readonly string[], end: number): number {
  let i = end;
  while (i > 0 && (lines[i - 1] ?? '').trim() !== '') i -= 1;
  return i;
}

function lastContentLine(lines: readonly string[]): number {
  for (let i = lines.length - 1; i >= 0; i -= 1) if ((lines[i] ?? '').trim() !== '') return i;
  return -1;
}

function hasContent(lines: readonly string[]): boolean {
  return lines.some((line) => line.trim() !== '');
}

function cut(lines: readonly string[], from: number, end: number): Omit<ReplyParts, 'letter'> {
  return {
    text: tidy(lines.slice(0, from).join('\n')),
    signOff: tidy(lines.slice(from, end + 1).join('\n')),
  };
}
