import type { MailMessage } from './mail.js';
import { isForwardSubject } from './subject-key.js';

/**
 * When a reply in a contact's thread comes from an address kith does not
 * know, whether that address is the contact's own (to remember it) or
 * someone else's (a colleague, a list, a robot). Pure; the adapter writes.
 */

// Mailboxes that speak for a function or a machine, never for one person.
const ROLE_LOCAL_PARTS = new Set([
  'noreply',
  'donotreply',
  'nepasrepondre',
  'support',
  'info',
  'hello',
  'hi',
  'contact',
  'team',
  'jobs',
  'careers',
  'career',
  'recruiting',
  'recruitment',
  'talent',
  'hr',
  'admin',
  'administrator',
  'postmaster',
  'hostmaster',
  'webmaster',
  'mailerdaemon',
  'abuse',
  'office',
  'sales',
  'billing',
  'help',
  'helpdesk',
  'notifications',
  'notification',
  'news',
  'newsletter',
  'bounce',
  'bounces',
  'root',
  'security',
  'press',
  'marketing',
]);

/** A role or machine mailbox (no-reply, support@, postmaster…), never one person's address. */
export function isRoleAddress(address: string): boolean {
  const local = (address.toLowerCase().split('@')[0] ?? '').replace(/\+.*$/, '');
  const squashed = local.replace(/[._-]/g, '');
  if (ROLE_LOCAL_PARTS.has(squashed)) return true;
  // "no-reply-billing", "noreply.accounts", "do_not_reply2", "bounces+123"
  return (
    /^(no|do[._-]?not)[._-]?reply/.test(local) || /^(mailer[._-]?daemon|bounces?)\b/.test(local)
  );
}

const FORWARD_BLOCK =
  /^\s*(-{2,}\s*(Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Doorgestuurd bericht|Mensagem encaminhada|Messaggio inoltrato)\s*-{2,}|(Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|Inicio del mensaje reenviado)\s?:)\s*$/im;

/** The mail passes someone else's message on: its sender is not the one who wrote it. */
export function isForwarded(subject: string, text: string): boolean {
  return isForwardSubject(subject) || FORWARD_BLOCK.test(text);
}

// Cyrillic and Greek letters in their usual English spelling, so "Ольга Иванова"
// meets "Olga Ivanova". A spelling that differs ("Julia" for "Юлия") just does
// not fit: the address is then not learned, which is the safe side.
const TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
};

function toLatin(text: string): string {
  // Greek "ου" is one sound, written "ou" (Papadopoulos).
  return [...text.replace(/ου/g, 'ou')].map((ch) => TO_LATIN[ch] ?? ch).join('');
}

/** Name words folded for comparison: case, script, diacritics, width, punctuation. */
function nameWords(name: string): string[] {
  // "й", "ё" and "ї" are letters of their own; other marks ("ί", "é") come off first.
  const own = name.toLowerCase().replace(/[йёї]/g, (ch) => TO_LATIN[ch] ?? ch);
  const plain = toLatin(own.normalize('NFKD').replace(/\p{M}/gu, ''));
  return plain
    .normalize('NFKC')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}\s.'-]/gu, ' ')
    .split(/[\s]+/)
    .map((w) => w.replace(/^[.'-]+|[.'-]+$/g, ''))
    .filter((w) => w.length > 0);
}

function sameWordSets(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.every((w, i) => w === right[i]);
}

/** "L" for "Lee": a lone letter (with or without its dot) standing for a surname. */
function initialOf(word: string, surname: string): boolean {
  return word.length === 1 && surname.startsWith(word);
}

/**
 * The display name of the new address is the contact's name: the same words
 * in any order ("Lee Sam"), with diacritics folded ("Jose Muñoz" for "José
 * Muñoz"), or the first name with the surname or its initial ("Sam L.").
 * A first name alone is not enough: many people share one.
 */
export function namesFit(contactName: string | null, displayName: string): boolean {
  if (!contactName) return false;
  const known = nameWords(contactName);
  const seen = nameWords(displayName);
  if (known.length < 2 || seen.length < 2) return false;
  if (sameWordSets(known, seen)) return true;
  // Also the parts joined by hyphens: "Anne-Marie Dupont" written "Anne Marie Dupont".
  const split = (words: readonly string[]) => words.flatMap((w) => w.split('-'));
  if (sameWordSets(split(known), split(seen))) return true;
  if (seen.length !== 2) return false;
  // Either end of the known name may be the given name ("Ivanova Olga" is Olga).
  const ends = [known[0] ?? '', known[known.length - 1] ?? ''];
  const named: [string, string][] = [
    [ends[0] as string, ends[1] as string],
    [ends[1] as string, ends[0] as string],
  ];
  const [a = '', b = ''] = seen;
  return named.some(([first, surname]) =>
    [
      [a, b],
      [b, a],
    ].some(([f, s]) => f === first && (s === surname || initialOf(s ?? '', surname))),
  );
}

export type AddressLearning =
  | { readonly learn: true; readonly address: string; readonly cause: string }
  | { readonly learn: false; readonly reason: string };

export interface AddressLearningFacts {
  readonly message: MailMessage;
  /** How classify tied the mail to the contact. */
  readonly matchedBy: 'in-reply-to' | 'references' | 'address' | 'kith-reference';
  readonly contactName: string | null;
  /** The contact that already has the sender's address, if any. */
  readonly senderOwnerId: number | null;
}

/** Whether a reply in a contact's thread teaches kith a new address of theirs. */
export function addressToLearn(facts: AddressLearningFacts): AddressLearning {
  const { message } = facts;
  const from = message.from;
  if (!from?.address.includes('@')) return { learn: false, reason: 'no sender address' };
  if (facts.senderOwnerId !== null) return { learn: false, reason: 'address already known' };
  if (facts.matchedBy !== 'in-reply-to' && facts.matchedBy !== 'references') {
    return { learn: false, reason: 'not a reply in a known thread' };
  }
  if (message.headers.listId) return { learn: false, reason: 'mailing-list mail' };
  if (isRoleAddress(from.address)) return { learn: false, reason: 'role address' };
  if (isForwarded(message.subject, message.text)) return { learn: false, reason: 'forwarded mail' };
  if (!namesFit(facts.contactName, from.name)) {
    return { learn: false, reason: "sender's name does not fit the contact's" };
  }
  return {
    learn: true,
    address: from.address.toLowerCase(),
    cause: `address ${from.address.toLowerCase()} learned: reply in the thread as "${from.name.trim()}"`,
  };
}
