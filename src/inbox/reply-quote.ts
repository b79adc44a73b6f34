/**
 * Where quoted history is in a reply's plain text, and what is left of the
 * writer's own lines around it. Pure text rules for reply-text.ts.
 *
 * A quote is either `>` lines (the writer may answer above, between or
 * below them) or an unquoted copy of the original below a header ("On … wrote:"
 * in many languages, an Outlook "From:/Sent:" block, an "Original Message"
 * separator): after such a copy nothing is the writer's.
 */

// Verbs that end an "On <date>, <name> wrote:" line, in the languages kith's users write in.
const WROTE_VERBS = [
  'wrote',
  'writes',
  'schrieb',
  'a écrit',
  'escribió',
  'escreveu',
  'schreef',
  'geschreven',
  'folgendes geschrieben',
  'geschrieben',
  'scritto',
  'skrev',
  'skrev följande',
  'написал',
  'написала',
  'написал\\(а\\)',
  'пишет',
  'ha escrit',
  'va escriure',
  'írta',
  'napisał',
  'napisała',
  'napisał\\(a\\)',
  'pisze',
  'kirjoitti',
  'napsal',
  'napsala',
  'napsal\\(a\\)',
  'şunu yazdı',
  'yazdı',
  'έγραψε',
  'a scris',
  'je napisal',
  'je napisala',
];

// "…wrote:" at the end; Hungarian Gmail puts the date after the verb: "… ezt írta (időpont: …):".
const WROTE_END = new RegExp(
  `(?:^|[\\s,])(?:${WROTE_VERBS.join('|')})(?:\\s*\\(.{0,80}\\))?\\s?[:：]$`,
  'iu',
);
// CJK headers end in the verb without a space before it: "…写道：", "…님이 작성:", "…のメッセージ:".
const WROTE_END_CJK = /(写道|寫道|작성|のメッセージ)\s?[:：]$/u;
// Danish, Norwegian, German and Dutch clients put the name after the verb: "Den 23.11.2026 09:15, skrev Sam Owner:".
const VERB_THEN_NAME =
  /\b(skrev|schrieb|schreef|pisze|napisał\(a\)|napsal\(a\))\s[^:：]{1,100}[:：]$/iu;
// Lotus Notes and some webmails put the date after the verb: "Sam <sam@x.org> wrote on 23/11/2026 15:15:46:".
const WROTE_ON =
  /\b(wrote|schrieb|a écrit|escribió|escreveu|ha scritto|schreef|skrev)\s(on|am|le|el|em|il|op|den)\s.+[:：]$/iu;
// "<date> Sam Owner <sam@example.org>:", the form Gmail uses in Japanese, Russian and date-first
// locales, and mutt's "* Sam Owner <sam@example.org> [2026-11-23 09:15]:".
const ADDRESS_THEN_COLON = /[^\s<>()[\]]+@[^\s<>()[\]]+\.[^\s<>()[\]]+.{0,40}[:：]$/u;

// Separator lines that start quoted or forwarded history.
const SEPARATOR_WORDS = [
  'original message',
  'ursprüngliche nachricht',
  "message d'origine",
  'message original',
  'mensaje original',
  'oorspronkelijk bericht',
  'origineel bericht',
  'mensagem original',
  'messaggio originale',
  'opprinnelig melding',
  'oprindelig meddelelse',
  'oprindelig besked',
  'ursprungligt meddelande',
  'alkuperäinen viesti',
  'oryginalna wiadomość',
  'wiadomość oryginalna',
  'původní zpráva',
  'исходное сообщение',
  'пересылаемое сообщение',
  'eredeti üzenet',
  'missatge original',
  'orijinal ileti',
  'özgün ileti',
  'forwarded message',
  'weitergeleitete nachricht',
  'message transféré',
  'mensaje reenviado',
  'doorgestuurd bericht',
  'mensagem encaminhada',
  'messaggio inoltrato',
  'videresendt melding',
  'vidarebefordrat meddelande',
  'missatge reenviat',
  'továbbított üzenet',
  'reply message',
  'původní e-mail',
  'přeposlaná zpráva',
];
const SEPARATOR = new RegExp(`^-{2,}\\s*(${SEPARATOR_WORDS.join('|')})\\s*-{2,}$`, 'iu');
const HIDDEN_OR_FORWARD: readonly RegExp[] = [
  /^\[?-?\s*(Quoted text hidden|Show quoted text|Zitierter Text ausgeblendet|Texte des messages précédents masqué|Texto citado oculto)\s*-?\]?$/i,
  /^(Begin forwarded message|Anfang der weitergeleiteten (Nachricht|E-Mail)|Début du message réexpédié|Inicio del mensaje reenviado|Begin doorgestuurd bericht|Início da mensagem reencaminhada)\s?:$/i,
  /^(原始邮件|原始郵件|元のメッセージ|원본 메시지)$/u,
];

// Outlook's header block: "From:" then, on the next lines, "Sent:"/"Date:" and "To:"/"Subject:".
const FROM_LABEL =
  /^\*?(From|Von|De|De la|Van|Da|Fra|Från|Od|От|Feladó|Lähettäjä|Kimden|Από|差出人|发件人|寄件者|보낸 사람)\s?[:：]\*?\s*\S/iu;
const SENT_LABEL =
  /^\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Enviada|Enviat|Fecha|Data|Verzonden|Inviato|Sendt|Skickat|Wysłano|Wysłane|Odesláno|Отправлено|Дата|Elküldve|Dátum|Lähetetty|Gönderildi|Tarih|Στάλθηκε|送信日時|发送时间|傳送時間|날짜|Sent at)\s?[:：]/iu;
const TO_OR_SUBJECT_LABEL =
  /^\*?(To|An|À|A|Para|Per a|Aan|Til|Till|Do|Komu|Кому|Címzett|Vastaanottaja|Kime|Προς|Cc|Kopie|Subject|Betreff|Objet|Asunto|Assumpte|Tema|Onderwerp|Assunto|Oggetto|Emne|Ämne|Temat|Předmět|Тема|Tárgy|Aihe|Konu|Θέμα|宛先|件名|收件人|主题|收件者|主旨|받는 사람|제목)\s?[:：]/iu;
// A lone "From: Name <address>" (or "De: address") that starts a pasted original.
const FROM_WITH_ADDRESS = /@[^\s@]+\.\w/u;

// No client writes a header line this long; the cap keeps the patterns linear on a pasted blob.
const MAX_HEADER_CHARS = 400;

/** Lines a quote header at `start` takes (1 for a separator), 0 when there is none. */
function headerLength(lines: readonly string[], start: number): number {
  const line = trimmed(lines, start);
  if (line.length > MAX_HEADER_CHARS) return 0;
  if (SEPARATOR.test(line) || HIDDEN_OR_FORWARD.some((re) => re.test(line))) return 1;
  if (/^(_{10,}|-{3,}|={10,})$/.test(line)) {
    const next = nextNonBlank(lines, start + 1);
    if (isOutlookBlock(lines, next) || isLoneFrom(lines, next)) return next - start + 1;
  }
  if (isOutlookBlock(lines, start) || isLoneFrom(lines, start)) return 1;
  return wroteHeaderLength(lines, start);
}

/** How many lines an "On … wrote:" header at `start` spans (clients wrap it), 0 if none. */
function wroteHeaderLength(lines: readonly string[], start: number): number {
  let joined = '';
  for (let n = 1; n <= 3 && start + n - 1 < lines.length; n += 1) {
    const next = trimmed(lines, start + n - 1);
    if (next === '' || next.startsWith('>') || next.length > MAX_HEADER_CHARS) break;
    if (joined.length > MAX_HEADER_CHARS) break;
    joined = joined === '' ? next : `${joined} ${next}`;
    // Zoho frames the header in dashes without a colon: "---- On … wrote ----".
    const compact = joined
      .replace(/<\s+/g, '<')
      .replace(/\s+>/g, '>')
      .replace(/^-{2,}\s*(.+?)[\s:]*-{2,}$/, '$1:');
    // A real header carries a date or an address; "On Thursday, Tom wrote:" is prose.
    if (!/[\d@]/.test(compact)) continue;
    if ([WROTE_END, WROTE_END_CJK, WROTE_ON, VERB_THEN_NAME].some((re) => re.test(compact)))
      return n;
    // A bare "<date> <name> <address>:" is a header only where a `>` quote follows it.
    if (/\d/.test(compact.replace(/\S*@\S*/g, '')) && ADDRESS_THEN_COLON.test(compact)) {
      return isQuoted(lines, nextNonBlank(lines, start + n)) ? n : 0;
    }
  }
  return 0;
}

/**
 * A header block without blank lines: "From:", "Sent:"/"Date:" and "To:"/"Subject:" lines, starting
 * with the sender (Outlook) or the date (GMX, Web.de).
 */
function isOutlookBlock(lines: readonly string[], start: number): boolean {
  const first = trimmed(lines, start);
  if (!FROM_LABEL.test(first) && !SENT_LABEL.test(first)) return false;
  let sawFrom = false;
  let sawSent = false;
  let sawTo = false;
  for (let i = start; i < lines.length && i <= start + 8; i += 1) {
    const line = trimmed(lines, i);
    if (line === '') break;
    if (FROM_LABEL.test(line)) sawFrom = true;
    else if (SENT_LABEL.test(line)) sawSent = true;
    else if (TO_OR_SUBJECT_LABEL.test(line)) sawTo = true;
  }
  return sawFrom && sawSent && sawTo;
}

/** "From: Sam Owner <sam@example.org>" on its own line, the original pasted below it. */
function isLoneFrom(lines: readonly string[], start: number): boolean {
  const line = trimmed(lines, start);
  if (!FROM_LABEL.test(line) || !FROM_WITH_ADDRESS.test(line) || line.length > 120) return false;
  const before = start > 0 ? trimmed(lines, start - 1) : '';
  // "From: x@y.org" inside a paragraph is a sentence the writer wrote.
  return before === '' || /^(_{10,}|-{3,}|={10,})$/.test(before);
}

/**
 * The writer's own lines: everything outside `>` quotes, up to the first
 * header that starts an unquoted copy of the original. A header that only
 * introduces a `>` quote is dropped with it, so answers below or between the
 * quoted parts are kept. An unquoted line squeezed between two quoted lines
 * (both with text) is a hard-wrapped quote line that lost its `>`, not an answer.
 */
export function ownLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  const gap = () => {
    if (out.length > 0 && out[out.length - 1]?.trim() !== '') out.push('');
  };
  let i = 0;
  while (i < lines.length) {
    if (isQuoted(lines, i)) {
      gap();
      i += 1;
      continue;
    }
    if (trimmed(lines, i) !== '' && hasQuotedText(lines, i - 1) && hasQuotedText(lines, i + 1)) {
      i += 1;
      continue;
    }
    const header = trimmed(lines, i) === '' ? 0 : headerLength(lines, i);
    if (header > 0) {
      const next = nextNonBlank(lines, i + header);
      if (!isQuoted(lines, next)) break;
      gap();
      i = next;
      continue;
    }
    out.push(lines[i] ?? '');
    i += 1;
  }
  return out;
}

function trimmed(lines: readonly string[], i: number): string {
  return (lines[i] ?? '').trim();
}

function isQuoted(lines: readonly string[], i: number): boolean {
  return i >= 0 && (lines[i] ?? '').trimStart().startsWith('>');
}

/** A `>` line with words on it: a bare `>` is a quoted blank line, and an answer may sit below it. */
function hasQuotedText(lines: readonly string[], i: number): boolean {
  return isQuoted(lines, i) && /[^>\s]/.test(lines[i] ?? '');
}

function nextNonBlank(lines: readonly string[], from: number): number {
  let i = from;
  while (i < lines.length && trimmed(lines, i) === '') i += 1;
  return i;
}
