import { canonicalAddress } from './address.js';
import type { MailMessage } from './mail.js';

/**
 * Reading a delivery report written for people: which addresses it says
 * failed. Servers put the address on the line with the failure words
 * (Postfix, Gmail), on a line of its own below a sentence that announces a
 * list (Exim, Sendmail, qmail, Domino, Exchange 2003), or above the reason
 * (IMail). Addresses that are not recipients — Message-IDs, the sender, the
 * mail system's own, those in the copy of the original message — are left
 * out.
 */

// Where the copy of the original message starts: nothing below it is the report's.
const ORIGINAL_COPY =
  /^\s*(-{2,}.*(original message|original-message|copy of the (original )?message|below this line|message headers follow|undelivered message|returned message|headers of the original|original mail|message text follows)|-+\s*original message\s*-+|original message follows|the original message (follows|is attached|headers)|message (headers|body) follows|\*{3,}.*original message)/i;
const MAX_REPORT_CHARS = 20_000;

/** The report's own text: above the copy of the original message, and not too long. */
export function reportPart(text: string): string {
  const head = text.slice(0, MAX_REPORT_CHARS);
  const lines = head.split(/\r?\n/);
  const cut = lines.findIndex((line, i) => i > 0 && ORIGINAL_COPY.test(line));
  return (cut === -1 ? lines : lines.slice(0, cut)).join('\n');
}

// Local parts start with a letter or digit (not a quote), domains may be Unicode or punycode.
const ADDRESS =
  /[\p{L}\p{N}_%+-][\p{L}\p{N}._%+'-]*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:\p{L}{2,}|xn--[a-z0-9-]+)/giu;
// Lines that name the sender, the message or the mail systems, never a failed recipient.
const NOT_RECIPIENT_LINE =
  /^\s*(>|message-id|in-reply-to|references|x-[\w-]+|received|return-path|from|sender|reply-to|reporting-mta|received-from-mta|remote-mta|arrival-date|envelope-from|dkim-signature|mail from|date|von|de|van|da|från)\s*:/i;
// Announces the failed recipients on this line or the next few.
const FAILURE_WORDS =
  /(fail|could not|couldn't|cannot|can't|unable|not (be )?delivered|wasn't delivered|undeliver|did not reach|not reach|unknown|no such|does not exist|doesn't exist|not found|rejected|refused|denied|not recogni[sz]ed|permanent|returning to sender|error delivering|delivery (problem|error)|following (recipient|address)|recipients?:|addresses?:|\b[45]\.\d{1,3}\.\d{1,3}\b|\b5[0-5]\d\b|full|quota|blocked|spam|unzustellbar|nicht zugestellt|non remis|no entregado|niet afgeleverd|não entregue|宛先|送信|配信)/i;
// Addresses of mail systems and helpdesks a report asks you to write to.
const SYSTEM_LOCAL_PART =
  /^(mailer[-_.]?daemon|mail[-_.]?daemon|post[-_.]?master|postmast[ae]r|abuse|hostmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?([-+].*)?|mdaemon|root)$/i;

function looksLikeMessageId(address: string): boolean {
  const [local = '', domain = ''] = address.split('@');
  if (/[$=]/.test(local) || /javamail/i.test(local)) return true;
  if ((local.match(/\d/g) ?? []).length >= 10) return true;
  return /(^|\.)mail\.gmail\.com$|\.prod\.outlook\.com$|\.prod\.exchangelabs\.com$/i.test(domain);
}

interface Found {
  readonly address: string;
  readonly line: number;
}

/** Addresses the report's text says failed, best evidence first; canonical, without `ignore`. */
export function failedAddressesInText(
  message: MailMessage,
  report: string,
  ignore: ReadonlySet<string>,
): string[] {
  const lines = report.split(/\r?\n/);
  const sender = message.from?.address ? canonicalAddress(message.from.address) : '';
  const found: Found[] = [];
  lines.forEach((line, i) => {
    if (NOT_RECIPIENT_LINE.test(line)) return;
    // "<bob@x.org>: host said …" and "RCPT TO:<bob@x.org>" alike.
    for (const match of line.match(ADDRESS) ?? []) {
      const address = canonicalAddress(match.replace(/['.]+$/, ''));
      if (address === sender || ignore.has(address)) continue;
      if (SYSTEM_LOCAL_PART.test(address.split('@')[0] ?? '') || looksLikeMessageId(address))
        continue;
      found.push({ address, line: i });
    }
  });
  const near = found.filter((f) => {
    for (let j = Math.max(0, f.line - 4); j <= Math.min(lines.length - 1, f.line + 2); j += 1) {
      if (FAILURE_WORDS.test(lines[j] ?? '')) return true;
    }
    return false;
  });
  const chosen = near.length > 0 ? near : found;
  return [...new Set(chosen.map((f) => f.address))];
}
