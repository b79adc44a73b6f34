import { canonicalAddress } from './address.js';
import { type FailureReason, type FailureSeverity, judgeFailure } from './failure-kind.js';
import type { MailMessage } from './mail.js';
import { failedAddressesInText, reportPart } from './report-text.js';
import { isReplySubject } from './subject-key.js';

/**
 * Delivery failures, written on the normalized message (no npm bounce parser
 * was good enough, see LIBRARIES.md). Evidence in order of trust: the
 * `message/delivery-status` part (RFC 3464), `X-Failed-Recipients`, then the
 * report's own text. A text report is believed from a mail-system sender
 * with failure wording, or from anyone (a forward, a `Re:`, a missing From)
 * when the subject and the text both have a report's shape. Run this before
 * auto-reply detection: bounces and delay warnings often carry
 * `Auto-Submitted: auto-replied`.
 */

export type BounceEvidence = 'delivery-status' | 'x-failed-recipients' | 'sender-and-text';

interface FailedRecipient {
  /** Canonical (see canonicalAddress). */
  readonly address: string;
  /** Hard: the address is gone. Soft: this mail did not get through, the address is fine. */
  readonly severity: FailureSeverity;
  readonly reason: FailureReason;
  /** The server's words for this recipient, when the report has them. */
  readonly diagnostic: string | null;
}

export type BounceFinding =
  | {
      readonly type: 'failed';
      readonly evidence: BounceEvidence;
      /** Who could not be reached (may be empty if the report names none). */
      readonly recipients: readonly FailedRecipient[];
      /** The server's words (Diagnostic-Code or Status), for the contact's history. */
      readonly diagnostic: string | null;
    }
  /** A delay warning or a success notice: a delivery report, but nothing failed. */
  | { readonly type: 'notice'; readonly action: string }
  | { readonly type: 'none' };

// Local parts mail systems send reports from, misspellings included.
const DAEMON_LOCAL_PART =
  /^(mailer[-_.]?daemon|mail[-_.]?daemon|maildaemon|mailerdaemon|post[-_.]?master|postmast[ae]r|postmastr|postmaser|postmater|pstmaster|postmaste|mdaemon|mail[-_.]?delivery([-_.]?(sub)?system)?|bounces?([-+].*)?|mail[-_.]?admin|mailadmin|sysadmin|mail[-_.]?system|smtp|mta|root|nobody)$/i;
const DAEMON_NAME =
  /(mail delivery (sub)?system|mailer[- ]daemon|mail delivery service|postmaster|post master|microsoft outlook|mail system|system administrator|mail administrator|delivery status notification)/i;
// Senders that send reports among much else: believed only with a report's text.
const WEAK_SENDER_LOCAL_PART =
  /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|admin|administrator|helpdesk|support|notify|notifications?|alert|system)$/i;

const FAILURE_SUBJECT =
  /(undeliver(able|ed)|undelivered mail|returned mail|return(ed)? to sender|delivery (status notification \(failure\)|failure|failed|has failed|problem|error|notification)|mail delivery failed|failure notice|could not be delivered|couldn't be delivered|not delivered|non[- ]?delivery|did not reach|nondeliverable|message not sent|mail failed|failed mail|bounced? mail|rejected|unzustellbar|nicht zugestellt|unzustellbare|non remis|non distribuable|échec (de (la )?)?(remise|livraison)|no se puede entregar|no entregado|error de entrega|onbestelbaar|niet afgeleverd|não entregue|não foi possível entregar|falha na entrega|mancata consegna|non recapitabil|impossibile recapitare|olevererbar|kunde inte levereras|ikke levert|kan ikke leveres|niedostarczon|nedoručiteln|kézbesíthetetlen|недоставлен|не доставлен|ошибка доставки|配信エラー|配送エラー|送信エラー|配信失敗|配送失敗|不達|宛先不明|エラーメール|未配達|配信不能|配送不能|送信できませんでした|返送|退信|无法投递|投递失败|退回|반송|전송 실패)/i;
const DELAY_SUBJECT =
  /(\(delay\)|delayed mail|delivery delayed|message delayed|delivery (status )?(notification )?\(?delay|still being retried|warning: (message|could not send)|delivery warning|not yet delivered|verzögert|retardé|retrasad|vertraagd|atrasad|ritardat|遅延)/i;
const DELAY_TEXT =
  /(will (be )?retr(y|ied)|will (continue|keep) (to try|trying)|still trying|has not (yet )?been delivered|not yet been delivered|this is (just )?a warning|no action is required|you do not need to resend|delivery (has been|is|was) delayed|will try again|keeps? trying|temporarily deferred|message is delayed)/i;
const GIVEN_UP =
  /(permanent|given up|gave up|giving up|retry timeout exceeded|could not be delivered|couldn't be delivered|will not (be )?retr|no further attempts|failed permanently|(?<![\d.])5\.\d{1,3}\.\d{1,3}(?!\.?\d)|\b55\d\b|delivery has failed|has been returned)/i;
// Phrases only a delivery report uses: what makes a text a report, whoever sent it.
const REPORT_TEXT =
  /(this is the mail system at host|created automatically by mail delivery software|wasn't able to deliver|qmail-send program|addresses had (permanent fatal errors|delivery problems)|transcript of (the )?session follows|delivery to the following recipients? (failed|has failed)|did not reach|recipient\(s\) (cannot|could not) be reached|could not be delivered to|couldn't be delivered|was not delivered to|wasn't delivered to|delivery has failed|(could not|couldn't|cannot|can't|wasn't|was not) (be )?delivered|undeliverable|permanent(ly)? (error|failure|fatal)|unable to deliver|mail failed, returning to sender|error delivering your mail|delivery failure|returned mail|failed to deliver|message not delivered|not recogni[sz]ed|address not found|unable to be delivered|remote (host|server) said|smtp error|retry timeout exceeded|host .{1,120} said: *5|final-recipient:|diagnostic-code:|reporting-mta:|status: *5\.\d|(?<![\d.])5\.\d{1,3}\.\d{1,3}(?!\.?\d)|\b55[0-4][ -]|user unknown|no such user|does not exist|unzustellbar|konnte nicht zugestellt|n'a pas pu être remis|no se pudo entregar|kon niet worden afgeleverd|não pôde ser entregue|配信できませんでした|届きませんでした|送信できませんでした)/i;
const SMTP_STATUS = /(?<![\d.])(5\.\d{1,3}\.\d{1,3}|55[0-4])(?!\.?\d)/;
// A bounce forwarded by hand still shows the mail system as its sender.
const FORWARDED_DAEMON =
  /^\s*(from|von|de|van|da|från|fra)\s*:.*(mailer[-_]?daemon|postmaster|mail delivery)/im;

const FAILED_ACTIONS = new Set(['failed', 'expired']);

function isFailedBlock(action: string, status: string): boolean {
  const a = action.trim().toLowerCase();
  if (FAILED_ACTIONS.has(a)) return true;
  return a === '' && /^\s*[45]\./.test(status) && !/^\s*4\./.test(status);
}

function localPart(address: string): string {
  return address.split('@')[0] ?? '';
}

function senderKind(message: MailMessage): 'daemon' | 'weak' | 'none' | 'person' {
  const from = message.from;
  // Courier signs its reports `<@>`: no usable From, like none at all.
  if (!from || !/^[^@\s]+@[^@\s]+$/.test(from.address)) return 'none';
  const local = localPart(from.address);
  if (DAEMON_LOCAL_PART.test(local) || DAEMON_NAME.test(from.name)) return 'daemon';
  if (WEAK_SENDER_LOCAL_PART.test(local)) return 'weak';
  return 'person';
}

function recipientOf(
  address: string,
  status: string,
  diagnostic: string | null,
  action: string,
  context: string,
): FailedRecipient {
  // The server's own words about this recipient first; the report's prose only when they say nothing.
  const own = judgeFailure(status, diagnostic ?? '', action);
  const kind =
    own.reason === 'unknown' ? judgeFailure(status, `${diagnostic ?? ''} ${context}`, action) : own;
  return { address, ...kind, diagnostic: diagnostic ?? (status.trim() || null) };
}

function uniqueByAddress(list: readonly FailedRecipient[]): FailedRecipient[] {
  const seen = new Map<string, FailedRecipient>();
  for (const r of list) if (!seen.has(r.address)) seen.set(r.address, r);
  return [...seen.values()];
}

function usable(address: string, ignore: ReadonlySet<string>): boolean {
  return /^[^\s@|/]+@[^\s@]+\.[^\s@]+$/u.test(address) && !ignore.has(address);
}

/** Whether, and for whom, this message reports a failed delivery. */
export function detectBounce(
  message: MailMessage,
  ownAddresses: ReadonlySet<string>,
): BounceFinding {
  const ignore = new Set([...ownAddresses].map(canonicalAddress));
  const report = message.deliveryStatus;
  const xFailed = (message.headers.xFailedRecipients?.match(/[^\s,;<>]+@[^\s,;<>]+/g) ?? [])
    .map(canonicalAddress)
    .filter((a) => usable(a, ignore));
  let reportText: string | undefined;
  const text = () => {
    reportText ??= reportPart(message.text);
    return reportText;
  };

  if (report && report.length > 0) {
    const failed = report.filter((r) => isFailedBlock(r.action, r.status));
    if (failed.length === 0) {
      return { type: 'notice', action: (report[0]?.action || 'unknown').toLowerCase() };
    }
    const recipients = failed
      .map((r) => ({ ...r, recipient: canonicalAddress(r.recipient) }))
      .filter((r) => usable(r.recipient, ignore))
      .map((r) => recipientOf(r.recipient, r.status, r.diagnostic, r.action, text()));
    // A pipe or a mailbox path as Final-Recipient: Exim names the address in its header.
    const fallback =
      recipients.length > 0
        ? []
        : (xFailed.length > 0 ? xFailed : failedAddressesInText(message, text(), ignore)).map((a) =>
            recipientOf(
              a,
              failed[0]?.status ?? '',
              failed[0]?.diagnostic ?? null,
              failed[0]?.action ?? '',
              text(),
            ),
          );
    return {
      type: 'failed',
      evidence: 'delivery-status',
      recipients: uniqueByAddress([...recipients, ...fallback]),
      diagnostic: failed[0]?.diagnostic ?? (failed[0]?.status || null),
    };
  }

  const subject = message.subject;
  const sender = senderKind(message);
  const failureSubject = FAILURE_SUBJECT.test(subject);
  const daemon = sender === 'daemon' || (failureSubject && FORWARDED_DAEMON.test(message.text));

  if (xFailed.length > 0) {
    return failedFrom('x-failed-recipients', xFailed, text());
  }
  const delaySubject = DELAY_SUBJECT.test(subject);
  // Only asked where the sender or subject leaves it open: on a person's
  // everyday reply the long alternation over the text was most of this check.
  const reportShaped = () => REPORT_TEXT.test(text());
  const isReport =
    (daemon && (failureSubject || delaySubject || reportShaped())) ||
    (sender !== 'person' && (failureSubject || delaySubject) && reportShaped()) ||
    (sender === 'none' && reportShaped() && SMTP_STATUS.test(text())) ||
    // A person's "Re: delivery failure on the project" is talk about a failure, not a report.
    (failureSubject && !isReplySubject(subject) && reportShaped() && SMTP_STATUS.test(text()));
  if (!isReport) return { type: 'none' };
  if (delaySubject || (DELAY_TEXT.test(text()) && !GIVEN_UP.test(text()))) {
    return { type: 'notice', action: 'delayed' };
  }
  if (!failureSubject && !reportShaped()) return { type: 'none' };
  return failedFrom('sender-and-text', failedAddressesInText(message, text(), ignore), text());
}

function failedFrom(
  evidence: BounceEvidence,
  addresses: readonly string[],
  text: string,
): BounceFinding {
  const line = diagnosticLine(text);
  const recipients = addresses.map((address) =>
    recipientOf(address, '', lineAbout(text, address) ?? line, 'failed', contextOf(text, address)),
  );
  return { type: 'failed', evidence, recipients: uniqueByAddress(recipients), diagnostic: line };
}

const DIAGNOSTIC_LINE =
  /(\b[245]\.\d{1,3}\.\d{1,3}\b|\b[45]\d\d[ -]|unknown|does not exist|not found|full|quota|spam|blocked|rejected|refused|denied|too (big|large)|failed|not delivered|did not reach|not recogni[sz]ed)/i;

// A 4xx/5xx reply or status: a success code ("250 2.1.0 Sender OK") in a transcript says nothing.
const FAILURE_CODE = /(?<![\d.])[45]\.\d{1,3}\.\d{1,3}(?!\.?\d)|\b[45]\d\d[ -]/;

/** The server's answer about one address: the first failure-code line from the address on. */
function lineAbout(text: string, address: string): string | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const at = lines.findIndex((l) => canonicalAddressesIn(l).includes(address));
  if (at === -1) return null;
  const found = lines.slice(at, at + 6).find((l) => FAILURE_CODE.test(l));
  return found ? found.slice(0, 300) : null;
}

function canonicalAddressesIn(line: string): string[] {
  return (line.match(/[^\s<>:;,'"()]+@[^\s<>:;,'"()]+/g) ?? []).map((a) =>
    canonicalAddress(a.replace(/[.]+$/, '')),
  );
}

/** The line of the report that best says what went wrong. */
function diagnosticLine(text: string): string | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const withCode = lines.find((l) => FAILURE_CODE.test(l));
  const line = withCode ?? lines.find((l) => DIAGNOSTIC_LINE.test(l));
  return line ? line.slice(0, 300) : null;
}

/** The lines around the address in the report: the server's words about it. */
function contextOf(text: string, address: string): string {
  const lower = text.toLowerCase();
  const at = lower.indexOf(address.toLowerCase());
  if (at === -1) return text.slice(0, 3000);
  return text.slice(Math.max(0, at - 200), at + 600);
}
