import type { MailMessage } from './mail.js';
import { unicodeWords, wordPatterns } from './unicode-words.js';

/**
 * Automatic replies (out of office, vacation, "we got your mail"). Headers
 * first (RFC 3834 and the de-facto ones); then, because many clients send
 * none of them, out-of-office subjects and opening lines in the languages
 * kith's users meet. Check bounces first: they carry these headers too.
 */

export type AutoReplyEvidence =
  | 'auto-submitted'
  | 'x-autoreply'
  | 'x-autorespond'
  | 'precedence'
  | 'subject'
  | 'opening-line';

// Subject starts (after any Re:/AW: prefix) that only automatic replies use.
const SUBJECT_PATTERNS: readonly RegExp[] = [
  // English
  /^(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|autoresponse|out of (the )?office|out-of-office|ooo\b|away from (the )?office|on vacation|on leave|vacation reply|away\s*:)/i,
  // German
  /^(automatische antwort|abwesenheitsnotiz|automatische abwesenheitsnotiz|abwesend|abwesenheit|nicht im büro|außer haus|ausser haus|urlaub\b)/i,
  // French
  /^(réponse automatique|reponse automatique|absence du bureau|absent du bureau|absente du bureau|message d'absence|absence\b|absent\b|en congés?)/i,
  // Spanish
  /^(respuesta automática|respuesta automatica|fuera de (la )?oficina|ausente\b|ausencia\b|de vacaciones)/i,
  // Dutch
  /^(automatisch antwoord|afwezig|afwezigheidsbericht|niet aanwezig|buiten kantoor|out of office)/i,
  // Portuguese
  /^(resposta automática|resposta automatica|ausência|ausencia|ausente do escritório|fora do escritório|fora do escritorio|de férias)/i,
  // Italian (common in mixed European mailboxes)
  /^(risposta automatica|fuori sede|fuori ufficio)/i,
].map(unicodeWords);

// Opening sentences of out-of-office texts. Present tense and first person, so
// "I was out of the office last week" in a human reply does not count.
const OPENING = wordPatterns([
  /\b(i am|i'm|i will be|i'll be)( currently| now)? (out of (the )?office|away from (the )?office|on (annual |parental |sick |maternity |paternity )?leave|on vacation|on holiday|travel+ing with limited|away (until|till|from|and)|out (until|till))/i,
  /\bthis is an automatic(ally generated)? (reply|response|message)\b/i,
  /\bich bin (derzeit |zurzeit |momentan |aktuell |bis )?.{0,40}\b(nicht im büro|abwesend|im urlaub|außer haus|nicht erreichbar)/i,
  /\b(dies ist eine automatische (antwort|nachricht)|vielen dank für ihre (e-mail|nachricht)\.? ich bin)/i,
  /\bje (suis|serai) (actuellement |absent|absente|en congé|en vacances|hors du bureau)/i,
  /\b(ceci est une réponse automatique|je suis absente?\b)/i,
  /\b(estoy|estaré) (fuera de la oficina|de vacaciones|ausente|fuera)/i,
  /\b(me encuentro (fuera|de vacaciones|ausente)|esta es una respuesta automática)/i,
  /\b(ik ben|ik zal) (momenteel |tot en met |tot |vanaf )?.{0,30}\b(afwezig|niet aanwezig|met vakantie|niet op kantoor|buiten kantoor)/i,
  /\b(dit is een automatisch (antwoord|bericht))/i,
  /\b(estou|estarei) (ausente|fora do escritório|de férias|fora)/i,
  /\b(esta é uma resposta automática)/i,
]);

// A person who is away but answers anyway ("I'm away until the 3rd, how about the week after?").
const HUMAN_SIGNALS = unicodeWords(
  /\?|\b(happy to|glad to|would love to|let's|how about|what about|gerne|avec plaisir|con gusto|graag|com prazer)\b/i,
);

function headerEvidence(message: MailMessage): AutoReplyEvidence | null {
  const h = message.headers;
  if (h.autoSubmitted !== undefined) {
    const value = h.autoSubmitted.trim().toLowerCase().split(/[;\s]/)[0] ?? '';
    if (value !== '' && value !== 'no') return 'auto-submitted';
  }
  if (h.xAutoreply !== undefined && h.xAutoreply.trim().toLowerCase() !== 'no')
    return 'x-autoreply';
  if (h.xAutorespond !== undefined && h.xAutorespond.trim().toLowerCase() !== 'no') {
    return 'x-autorespond';
  }
  const precedence = h.precedence?.trim().toLowerCase();
  if (precedence === 'auto_reply' || precedence === 'bulk' || precedence === 'junk') {
    return 'precedence';
  }
  return null;
}

function stripReplyPrefixes(subject: string): string {
  return subject.replace(/^\s*((re|aw|antw|sv|r|rif|res|rv|tr|fw|fwd|wg)\s*:\s*)+/i, '').trim();
}

/** The first four non-empty, unquoted lines; reads no further (the quoted history can be long). */
function openingLines(text: string): string {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < 4 && start <= text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end).trim();
    if (line !== '' && !line.startsWith('>')) lines.push(line);
    if (end === -1) break;
    start = end + 1;
  }
  return lines.join(' ');
}

/** Why this message is an automatic reply, or null when it looks human. */
export function detectAutoReply(message: MailMessage): AutoReplyEvidence | null {
  const fromHeaders = headerEvidence(message);
  if (fromHeaders) return fromHeaders;
  const subject = stripReplyPrefixes(message.subject);
  if (SUBJECT_PATTERNS.some((re) => re.test(subject))) return 'subject';
  const opening = openingLines(message.text);
  if (OPENING.test(opening) && !HUMAN_SIGNALS.test(opening)) {
    return 'opening-line';
  }
  return null;
}
