import { ownLines } from './reply-quote.js';
import { splitSignOff, tidy } from './reply-sign-off.js';

/**
 * The new part of a reply: without quoted history, signature blocks, mobile
 * footers and the sign-off. kith finds the quotes itself (reply-quote.ts):
 * libraries cut at the first quote, which loses answers written below or
 * between quoted parts, and miss headers in many languages and forms.
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
  const letter = tidy(cutAtSignature(ownLines(lines)).join('\n'));
  return { ...splitSignOff(letter.split('\n')), letter };
}

// Non-breaking spaces stay: they are part of what was written (a name, "10 h").
function normalize(raw: string): string {
  return (
    raw
      .replace(/\r\n?/g, '\n')
      .replace(/[\u200b\ufeff]/g, '')
      .split('\n')
      // "-- " keeps its space: with it, it is the signature delimiter whatever follows.
      .map((line) => (line === '-- ' ? line : line.trimEnd()))
      .join('\n')
  );
}

// ---------------------------------------------------------------- footers

// Footers that mail apps add; everything from them on is not the person's text.
// Each names the app or device, so "Sent from my desk, …" stays the writer's.
const DEVICE =
  '(iPhone|iPad|iPod|iOS|Android|Samsung|Galaxy|BlackBerry|Huawei|Xiaomi|Pixel|OnePlus|Sony|LG|Nokia|Motorola|mobile|smartphone|phone|tablet|handy|Mail|Outlook|Yahoo|Gmail|Proton\\s?Mail|Fastmail|Spark|AOL|Windows|Surface|Lotus|Notes|BlueMail|Blue Mail|Edison|Airmail|Tutanota|Zoho|GMX|Web\\.de|Mailbox|Superhuman|HEY|Thunderbird)';
const FOOTERS: readonly RegExp[] = [
  new RegExp(
    `^Sent (from|with|via|using|by) (my |the )?([\\w'’.-]+ ){0,3}${DEVICE}\\b[^,;:]{0,60}$`,
    'iu',
  ),
  /^(Get|Obter o|Obtener|Holen Sie sich|Download) Outlook .{2,40}$/i,
  /^Outlook (for|für|voor|pour|para|per) (iOS|Android).{0,40}$/i,
  /^Von meinem .{2,40} gesendet\.?$/i,
  /^Gesendet (von|mit) (meinem |der |dem )?.{0,20}(iPhone|iPad|Android|Samsung|Galaxy|Handy|Smartphone|Mail|Outlook|App|GMX|Web\.de)\b.{0,40}$/i,
  /^Envoyé (de|depuis|à partir de) (mon |ma )?.{0,20}(iPhone|iPad|Android|Samsung|Galaxy|mobile|smartphone|téléphone|tablette|Mail|Outlook|Yahoo)\b.{0,30}$/i,
  /^Télécharger Outlook pour .{2,40}$/i,
  /^Enviado (desde|do|de) (mi |meu |o meu |a minha )?.{0,20}(iPhone|iPad|Android|Samsung|Galaxy|móvil|celular|telemóvel|smartphone|Mail|Outlook|Yahoo)\b.{0,30}$/i,
  /^(Verzonden|Verstuurd) (vanaf|met|via) (mijn )?.{0,20}(iPhone|iPad|Android|Samsung|Galaxy|mobiel|telefoon|smartphone|Mail|Outlook)\b.{0,30}$/i,
  /^Inviato da (il mio )?.{0,20}(iPhone|iPad|Android|Samsung|Galaxy|cellulare|smartphone|Mail|Outlook|Libero|Yahoo)\b.{0,30}$/i,
  /^(Sendt|Skickat|Lähetetty|Enviat|Odesláno|Wysłane|Wysłano|Отправлено) .{0,30}(iPhone|iPad|Android|Samsung|Galaxy|mobil|telefon|puhelimest|mòbil|Outlook|Mail)\S*\.?$/iu,
  /^(Az )?(iPhone|iPad|Android|Samsung)\S* küldve\.?$/iu,
  /^(iPhone|iPad|Android)\S* gönderildi\.?$/iu,
  /^(iPhone|iPad|Android)から送信$/u,
  /^发自我的\s?(iPhone|iPad|手机)$/u,
];

// After a bare "--" or "—" only a short signature block may follow; longer text means the dashes were prose.
const MAX_SIGNATURE_LINES = 10;

/** Cuts at a `-- ` signature delimiter or an app footer line. */
function cutAtSignature(lines: readonly string[]): string[] {
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    // Outlook links its footer: "Sent from Outlook for iOS<https://aka.ms/…>".
    const unlinked = trimmed.replace(/<https?:\/\/[^>\s]*>/g, '');
    if (line === '-- ' || FOOTERS.some((re) => re.test(unlinked))) return lines.slice(0, i);
    if ((trimmed === '--' || trimmed === '—') && isShortSignature(lines.slice(i + 1))) {
      return lines.slice(0, i);
    }
  }
  return [...lines];
}

function isShortSignature(lines: readonly string[]): boolean {
  const rest = lines.map((l) => l.trim()).filter((l) => l !== '');
  return rest.length <= MAX_SIGNATURE_LINES && rest.every((l) => l.length <= 80);
}
