/**
 * Hard or soft: whether a delivery failure says the address is gone, or only
 * that this mail did not get through. Judged from the RFC 3463 status (class
 * 4 is temporary; 5.1.x and 5.4.4 name a bad address or domain; 5.2.2, 5.3.4
 * and 5.7.x are about the mailbox or the message, not the address) and from
 * the server's words, which many servers send with a bare 5.0.0 or none.
 * Only a hard failure may mark an address dead.
 */

export type FailureSeverity = 'hard' | 'soft';

export type FailureReason =
  | 'no-such-user'
  | 'no-such-domain'
  | 'mailbox-disabled'
  | 'mailbox-full'
  | 'too-big'
  | 'spam-block'
  | 'policy'
  | 'greylisted'
  | 'gave-up'
  | 'unknown';

export interface FailureKind {
  readonly severity: FailureSeverity;
  readonly reason: FailureReason;
}

const MAILBOX_FULL =
  /(mailbox (is |was )?full|full mailbox|over ?quota|quota (exceeded|exceed)|exceed(s|ed)? (the |his |her |their )?(storage|quota|mailbox size)|insufficient (system )?storage|mailbox size limit|storage (space|limit|quota)|out of storage|mailbox has exceeded|postfach (ist )?voll|speicherplatz|boîte (aux lettres |de réception )?(est )?pleine|quota dépassé|buzón (está )?lleno|cuota|mailbox vol|caixa (postal )?(está )?cheia|容量|満杯)/i;
const TOO_BIG =
  /(message (is |was )?too (big|large)|message size (exceeds|exceeded|too)|exceeds (the )?(maximum|size|message size)|size limit|too large|mail too big|message length exceeds|zu groß|trop (gros|volumineux)|demasiado grande)/i;
const GREYLISTED = /(gr[ae]y-?list|try again later|temporarily (deferred|rejected)|please retry)/i;
const SPAM =
  /(spam|junk|black ?list|block ?list|dnsbl|\brbl\b|spamhaus|spamcop|barracuda|reputation|bulk mail|content (was )?rejected|blocked (by|because|as|for|using|due)|message (was |has been )?blocked|listed (at|in|on) |virus|malware|phish|dmarc|\bspf\b|dkim)/i;
const NO_SUCH_DOMAIN =
  /(host (or domain name )?not found|domain (name )?not found|no such domain|unknown domain|nxdomain|domain (does not|doesn't) exist|unrouteable (mail )?domain|no mx|no valid mx|unable to route|name service error|host unknown|unknown host|name or service not known|domain .{0,40}(does not|doesn't) accept mail|null mx|mail exchanger)/i;
const NO_SUCH_USER =
  /(user unknown|unknown user|no such (user|recipient|mailbox|person|address|account)|(user|recipient|mailbox|address|account|person)( name)? (does not|doesn't|did not|does no longer) exist|(does not|doesn't) exist|invalid (recipient|address|mailbox|user|destination)|recipient (address )?rejected|address (couldn't|could not|cannot|can't) be found|(e-?mail )?address not found|recipient not found|mailbox (not found|unavailable|does not exist)|no mailbox|not listed in|unrouteable address|undeliverable address|no longer (exists|active|valid|with|employed|in use|available)|not a valid (recipient|user|mailbox|address)|account (has been |is )?(disabled|deleted|closed|terminated|removed|inactive|expired|suspended|locked)|(wasn't|was not|couldn't be|could not be) found|not recogni[sz]ed|unknown or illegal|bad destination|unknown (recipient|local|address|mailbox)|invalid mailbox|unknown (e-?mail )?address|existiert nicht|unbekannt|n'existe pas|inconnu|introuvable|no existe|desconocid|bestaat niet|onbekend|não existe|desconhecid|inexistente|non esiste|sconosciut|не существует|неизвестн|存在しません|宛先不明|見つかりません|不存在)/i;
const POLICY =
  /(policy|not allowed|not permitted|access denied|relay(ing)? (denied|not permitted|access denied)|refused|prohibited|not authori[sz]ed|rejected|unauthenticated|authentication required)/i;

// Only failure classes: a transcript's "250 2.1.0 Sender OK" is no verdict.
// Not inside an IP address: "host [4.79.181.168]" is no 4.x.x status.
const STATUS = /(?<![\d.])([45])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;

/** Severity and reason of one failed recipient, from its status (may be empty) and the server's words. */
export function judgeFailure(status: string, words: string, action = 'failed'): FailureKind {
  const code = STATUS.exec(status) ?? STATUS.exec(words);
  const klass = code?.[1];
  const subject = code?.[2];
  const detail = code?.[3];
  const soft = (reason: FailureReason): FailureKind => ({ severity: 'soft', reason });
  const hard = (reason: FailureReason): FailureKind => ({ severity: 'hard', reason });

  // A temporary class, or a report that gave up retrying, never says the address is gone.
  if (klass === '4' || action === 'expired' || action === 'delayed') {
    if (MAILBOX_FULL.test(words) || (subject === '2' && detail === '2'))
      return soft('mailbox-full');
    if (TOO_BIG.test(words) || (subject === '3' && detail === '4')) return soft('too-big');
    if (SPAM.test(words)) return soft('spam-block');
    if (GREYLISTED.test(words)) return soft('greylisted');
    return soft('gave-up');
  }
  // The mailbox or the message, not the address: its words are the most specific.
  if (MAILBOX_FULL.test(words) || (subject === '2' && detail === '2')) return soft('mailbox-full');
  if (
    TOO_BIG.test(words) ||
    (subject === '3' && detail === '4') ||
    (subject === '2' && detail === '3')
  )
    return soft('too-big');
  if (GREYLISTED.test(words)) return soft('greylisted');
  if (NO_SUCH_DOMAIN.test(words)) return hard('no-such-domain');
  if (NO_SUCH_USER.test(words) && !SPAM.test(words)) return hard('no-such-user');
  if (SPAM.test(words)) return soft('spam-block');
  if (subject === '1') return hard(detail === '2' ? 'no-such-domain' : 'no-such-user');
  if (subject === '4' && detail === '4') return hard('no-such-domain');
  if (subject === '2' && detail === '1') return hard('mailbox-disabled');
  if (subject === '7' || POLICY.test(words)) return soft('policy');
  return hard('unknown');
}
