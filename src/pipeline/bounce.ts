import type { MailMessage } from './mail.js';

/**
 * Delivery failures, written on the normalized message (no npm bounce parser
 * was good enough, see LIBRARIES.md). Evidence in order of trust: the
 * `message/delivery-status` part (RFC 3464), `X-Failed-Recipients`, then a
 * mailer-daemon/postmaster sender or a bounce subject with failure wording in
 * the body. Run this before auto-reply detection: bounces and delay warnings
 * often carry `Auto-Submitted: auto-replied`.
 */

export type BounceEvidence = 'delivery-status' | 'x-failed-recipients' | 'sender-and-text';

export type BounceFinding =
  | {
      readonly type: 'failed';
      readonly evidence: BounceEvidence;
      /** Lower-cased addresses that could not be delivered to (may be empty if the report names none). */
      readonly recipients: readonly string[];
      /** The server's words (Diagnostic-Code or Status), for the contact's history. */
      readonly diagnostic: string | null;
    }
  /** A delay warning or a success notice: a delivery report, but nothing failed. */
  | { readonly type: 'notice'; readonly action: string }
  | { readonly type: 'none' };

const DAEMON_LOCAL_PART =
  /^(mailer-daemon|mailer_daemon|maildaemon|mail-daemon|postmaster|mdaemon|mail\.delivery\.system|bounce|bounces)$/i;
const DAEMON_NAME =
  /\b(mail delivery (sub)?system|mailer-daemon|mail delivery service|postmaster|microsoft outlook)\b/i;

const FAILURE_SUBJECT =
  /(undeliver(able|ed)|undelivered mail|returned mail|return(ed)? to sender|delivery (status notification \(failure\)|failure|failed|has failed|problem)|mail delivery failed|failure notice|could not be delivered|non[- ]?delivery|unzustellbar|nicht zugestellt|non remis|non distribuable|échec de (la )?remise|no se puede entregar|no entregado|error de entrega|onbestelbaar|niet afgeleverd|não entregue|não foi possível entregar|falha na entrega)/i;
const DELAY_SUBJECT =
  /(delivery status notification \(delay\)|delayed mail|delivery delayed|message delayed|still being retried|warning: (message|could not send)|verzögert|retardé|retrasad|vertraagd|atrasad)/i;
const FAILURE_BODY =
  /(user unknown|unknown user|no such user|was not delivered|not listed in|(could not|unable to) deliver|delivery to the following recipients? failed|does not exist|doesn't exist|address not found|mailbox (unavailable|not found|is disabled)|recipient (address )?rejected|could not be delivered|couldn't be delivered|wasn't delivered|delivery has failed|permanent(ly)? (error|failure|fatal)|\b55[0-4][ -]|\b5\.\d{1,3}\.\d{1,3}\b|account (has been )?disabled|no longer (exists|active)|existiert nicht|unbekannt|n'existe pas|introuvable|no existe|bestaat niet|não existe|inexistente)/i;

const REPLY_PREFIX = /^\s*(re|aw|antw|sv|rv|res|r|fw|fwd|wg|tr)\s*:/i;
const SMTP_STATUS = /\b(5\.\d{1,3}\.\d{1,3}|55[0-4])\b/;

const ADDRESS = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

function isFailedAction(action: string, status: string): boolean {
  const a = action.trim().toLowerCase();
  if (a === 'failed') return true;
  if (a === '' && /^5\./.test(status.trim())) return true;
  return false;
}

function uniqueLower(addresses: Iterable<string>): string[] {
  return [
    ...new Set([...addresses].map((a) => a.trim().toLowerCase()).filter((a) => a.includes('@'))),
  ];
}

function isDaemonSender(message: MailMessage): boolean {
  const from = message.from;
  if (!from) return false;
  const local = from.address.split('@')[0] ?? '';
  return DAEMON_LOCAL_PART.test(local) || DAEMON_NAME.test(from.name);
}

/**
 * Addresses a bounce body names as failed: ones on lines with failure
 * wording, or the only addresses in the text besides the daemon's own and
 * the owner's. Best effort; structured reports come first.
 */
export function bodyFailedRecipients(message: MailMessage, ignore: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const lines = message.text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const window = `${lines[i] ?? ''} ${lines[i + 1] ?? ''}`;
    const here = (lines[i] ?? '').match(ADDRESS) ?? [];
    if (here.length > 0 && FAILURE_BODY.test(window)) found.push(...here);
  }
  if (found.length === 0) {
    // Postfix and Exim put the address alone, often in <>, above the server's answer.
    for (const line of lines) {
      const m = /^\s*<?([^\s<>@]+@[^\s<>]+?)>?\s*:?\s*$/.exec(line);
      if (m?.[1]) found.push(m[1]);
    }
  }
  const fromAddress = message.from?.address ?? '';
  return uniqueLower(found).filter((a) => a !== fromAddress && !ignore.has(a));
}

/** Whether, and for whom, this message reports a failed delivery. */
export function detectBounce(
  message: MailMessage,
  ownAddresses: ReadonlySet<string>,
): BounceFinding {
  const report = message.deliveryStatus;
  if (report && report.length > 0) {
    const failed = report.filter((r) => isFailedAction(r.action, r.status));
    if (failed.length > 0) {
      return {
        type: 'failed',
        evidence: 'delivery-status',
        recipients: uniqueLower(failed.map((r) => r.recipient)),
        diagnostic: failed[0]?.diagnostic ?? (failed[0]?.status || null),
      };
    }
    return { type: 'notice', action: (report[0]?.action ?? 'unknown').toLowerCase() };
  }
  const header = message.headers.xFailedRecipients;
  if (header && header.trim() !== '') {
    return {
      type: 'failed',
      evidence: 'x-failed-recipients',
      recipients: uniqueLower(header.match(ADDRESS) ?? []),
      diagnostic: null,
    };
  }
  const daemon = isDaemonSender(message);
  const subject = message.subject;
  if ((daemon || FAILURE_SUBJECT.test(subject)) && DELAY_SUBJECT.test(subject)) {
    return { type: 'notice', action: 'delayed' };
  }
  // Without a daemon sender, only a report-style subject (not a "Re:") with an
  // SMTP status code counts: a person's mail about a "delivery failure" is no bounce.
  const reportSubject = !REPLY_PREFIX.test(subject) && FAILURE_SUBJECT.test(subject);
  if (
    // The body scan only for a daemon's mail: on a long text it costs more than all the rest here.
    (daemon && (FAILURE_SUBJECT.test(subject) || FAILURE_BODY.test(message.text))) ||
    (reportSubject && SMTP_STATUS.test(message.text))
  ) {
    const recipients = bodyFailedRecipients(message, ownAddresses);
    const line = message.text.split(/\r?\n/).find((l) => FAILURE_BODY.test(l));
    return {
      type: 'failed',
      evidence: 'sender-and-text',
      recipients,
      diagnostic: line ? line.trim().slice(0, 300) : null,
    };
  }
  return { type: 'none' };
}
