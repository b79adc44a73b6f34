import type { MailMessage } from './mail.js';
import { withoutSubjectPrefixes } from './subject-key.js';
import { unicodeWords, wordPatterns } from './unicode-words.js';

/**
 * Automatic replies (out of office, vacation, "we got your mail"). Headers
 * first (RFC 3834 and the de-facto ones); then, because many clients send
 * none of them, out-of-office subjects and opening lines in the languages
 * kith's users meet. Check bounces first: they carry these headers too.
 */

export type AutoReplyEvidence =
  | 'challenge'
  | 'auto-submitted'
  | 'x-autoreply'
  | 'x-autorespond'
  | 'precedence'
  | 'subject'
  | 'opening-line';

// Subject starts (after any Re:/AW: prefix) that only automatic replies use.
const SUBJECT_PATTERNS: readonly RegExp[] = [
  // English; Lotus Notes writes "AUTO: Ana Silva is out of the office (returning 06/04/2010)"
  /^(auto\s*:|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|autoresponse|out of (the )?office|out-of-office|ooo\b|away from (the )?office|on vacation|on leave|vacation reply|away\s*:)/i,
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
  // Scandinavian, Polish, Russian
  /^(automatiskt svar|frånvaro|autosvar|automatisk svar|fravær|automatyczna odpowiedź|автоматический ответ|автоответ|нет на месте)/i,
  // Japanese and Chinese
  /^(自動返信|自動応答|不在通知|不在のお知らせ|自动回复|自動回覆)/i,
  // Anywhere in the subject: "Ana Silva is out of the office", "[Out of office] Re: …"
  /(\bis (currently )?out of (the )?office\b|\[(out of office|ooo|auto-?reply)\])/i,
].map(unicodeWords);

// Opening sentences of out-of-office texts. Present tense and first person, so
// "I was out of the office last week" in a human reply does not count.
const OPENING = wordPatterns([
  /\b(is|are) (currently |now )?(out of (the )?office|on (annual |parental |sick |maternity |paternity )?leave)\b/i,
  /\b(i am|i'm|i will be|i'll be)( currently| now)? (out of (the )?office|away from (the )?office|on (annual |parental |sick |maternity |paternity )?leave|on vacation|on holiday|travel+ing with limited|away (until|till|from|and)|out (until|till))/i,
  /\bthis is an? automat(ic|ed|ically generated) (reply|response|message|confirmation|acknowledge?ment|notification)\b/i,
  /\bautomat(ic|ed) (confirmation|acknowledge?ment) that (we|i) (have )?received\b/i,
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

// Where the quoted original starts: its question is the owner's, not the auto-reply's.
const QUOTE_START =
  /^(-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|oorspronkelijk bericht|mensagem original|forwarded message)|_{5,}|(from|von|de|van|da|sent|gesendet|envoyé|enviado)\s*:\s|on .{4,120} wrote:?$|am .{4,120} schrieb|le .{4,120} a écrit|el .{4,120} escribió|op .{4,120} schreef|em .{4,120} escreveu)/i;

/** The first four non-empty, unquoted lines; reads no further (the quoted history can be long). */
function openingLines(text: string): string {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < 4 && start <= text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end).trim();
    if (QUOTE_START.test(line)) break;
    if (line !== '' && !line.startsWith('>')) lines.push(line);
    if (end === -1) break;
    start = end + 1;
  }
  return lines.join(' ');
}

// Challenge/response filters (Boxbe, Spam Arrest, home-made ones) answer from the
// contact's own address, but no person wrote them: they ask the sender to prove
// they are human before the mail is delivered.
const CHALLENGE = wordPatterns([
  /\b(confirm|prove|verify|show) (that )?you('re| are) (a )?(human|real person|not a (robot|bot|spammer))/i,
  /\bnot a (robot|bot|spammer)\b.{0,80}\b(click|confirm|verify|link)/i,
  /\b(held|pending|awaiting|waiting for|requires?) (pending )?(your )?(sender )?verification\b/i,
  /\b(sender|e-?mail) verification (required|request|needed)\b/i,
  /\b(challenge[- ]response|boxbe|spam ?arrest|mailblocks|sendio|choicemail)\b/i,
  /\b(approved|authori[sz]ed|verified) senders? list\b/i,
  /\bbestätigen sie, dass sie (ein )?(mensch|echte person|kein roboter)/i,
  /\bconfirme[rz]? que vous (êtes|etes) (un humain|une personne|pas un robot)/i,
  /\bconfirm(e|ar) que (usted )?(es|eres) (humano|una persona|no es un robot)/i,
  /\bbevestig dat u (een mens|geen robot)/i,
  /\bconfirm(e|ar) que (você )?(é|e) (humano|uma pessoa)/i,
  /\b(will be|is) (delivered|released) (only )?(once|after|when) you (have )?(confirm|verif|click|complet)/i,
  /\b(add you to|be added to) (my|the|our) (white ?list|allow ?list|safe senders)/i,
]);
const CHALLENGE_SUBJECT = wordPatterns([
  /\b(please (confirm|verify) your (message|e-?mail|request)|verification (required|needed|request)|sender verification|message (held|awaiting verification|pending)|confirm you('re| are) human|verify you('re| are) (human|not a robot))/i,
]);

/** A challenge/response filter asking the sender to prove they are human. */
function isChallenge(message: MailMessage): boolean {
  if (CHALLENGE_SUBJECT.test(withoutSubjectPrefixes(message.subject))) return true;
  return CHALLENGE.test(ownText(message.text));
}

/** The text above any quoted original, without `>` lines: what this mail itself says. */
function ownText(text: string): string {
  const kept: string[] = [];
  for (const line of text.slice(0, 4000).split('\n')) {
    const trimmed = line.trim();
    if (QUOTE_START.test(trimmed)) break;
    if (!trimmed.startsWith('>')) kept.push(trimmed);
  }
  return kept.join(' ');
}

/** Why this message is an automatic reply, or null when it looks human. */
export function detectAutoReply(message: MailMessage): AutoReplyEvidence | null {
  if (isChallenge(message)) return 'challenge';
  const fromHeaders = headerEvidence(message);
  if (fromHeaders) return fromHeaders;
  const subject = withoutSubjectPrefixes(message.subject);
  if (SUBJECT_PATTERNS.some((re) => re.test(subject))) return 'subject';
  const opening = openingLines(message.text);
  // A quoted subject ("Your message “Coffee?” sent on …") asks nothing of anyone.
  const unquoted = opening.replace(/"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]/g, '');
  if (OPENING.test(opening) && !HUMAN_SIGNALS.test(unquoted)) {
    return 'opening-line';
  }
  return null;
}
