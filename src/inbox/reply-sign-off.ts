/**
 * The closing of a reply ("Best,\nAnna", "Thanks, Anna", a lone name, a
 * name with title and phone below it), cut off the end of its new text so
 * the rules that read the text see what was said, not how it was signed.
 */

export interface SignOffSplit {
  /** The text without its closing. */
  readonly text: string;
  /** The closing and name block that was cut, null when there was none. */
  readonly signOff: string | null;
}

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
  'hilsen',
  'med vennlig hilsen',
  'vennlig hilsen',
  'mvh',
  'venlig hilsen',
  'med venlig hilsen',
  'kærlig hilsen',
  'vh',
  'med vänliga hälsningar',
  'vänliga hälsningar',
  'hälsningar',
  'hälsning',
  'с уважением',
  'спасибо',
  'всего доброго',
  'всего хорошего',
  'salutacions',
  'una salutació',
  'cordialment',
  'gràcies',
  'üdv',
  'üdvözlettel',
  'köszönöm',
  'pozdrawiam',
  'z poważaniem',
  'dziękuję',
  'ystävällisin terveisin',
  'terveisin',
  'kiitos',
  's pozdravem',
  'díky',
  'děkuji',
  'saygılarımla',
  'iyi çalışmalar',
  'teşekkürler',
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
  return (t.length <= 72 && !t.endsWith('?') && !/[.!]\s+\p{Lu}/u.test(t)) || DISCLAIMER.test(t);
}

// A company's legal notice below the name is part of the signature, however long.
const DISCLAIMER =
  /\b(confidential|intended (solely|only) for|privileged|disclaimer|vertraulich|confidentiel|confidencial|riservat|vertrouwelijk|konfidensiell|konfidentiell|poufn|конфиденциальн|bizalmas)/iu;

function isNameLine(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words.length === 0 || words.length > 3) return false;
  return words.every(
    // A dot ends an initial ("J."), not a name: "Videollamada." is an answer.
    (w) =>
      (/^\p{Lu}[\p{Ll}'’-]+$/u.test(w) || /^\p{Lu}\.?$/u.test(w)) &&
      !NOT_NAMES.has(w.toLowerCase()),
  );
}

/** Cuts the closing ("Best,\nAnna", "Thanks, Anna", a lone name) off the end of the text. */
export function splitSignOff(lines: readonly string[]): SignOffSplit {
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
  // A name signed right under a short last wish: "Good luck!\nAnna".
  const wishedAndSigned = isNameLine(lines[end] ?? '') && isShortWish(lines[end - 1] ?? '');
  // Only a closing and a name ("Many thanks,\nAnna") is itself the message, and stays.
  const onlyClosing =
    CLOSING_LINE.test((lines[end - 1] ?? '').trim()) && !hasContent(lines.slice(0, end - 1));
  if (wishedAndSigned && !onlyClosing) {
    return cut(lines, end, end);
  }
  return { text: lines.slice(0, end + 1).join('\n'), signOff: null };
}

function isShortWish(line: string): boolean {
  const t = line.trim();
  return t.length > 0 && t.length <= 40 && /[!.,]$/.test(t);
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

function cut(lines: readonly string[], from: number, end: number): SignOffSplit {
  return {
    text: tidy(lines.slice(0, from).join('\n')),
    signOff: tidy(lines.slice(from, end + 1).join('\n')),
  };
}

/** Line ends trimmed, blank runs collapsed to one blank line, ends trimmed. */
export function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
