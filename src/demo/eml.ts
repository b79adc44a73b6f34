import { DateTime } from 'luxon';

/**
 * Builds the raw mail the demo feeds through the ingest path, shaped the way
 * real clients write it: RFC 5322 dates with the sender's offset, threading
 * headers, quoted history in the sender's client style, calendar parts and a
 * delivery-status report. Plain ASCII-safe UTF-8 bodies, CRLF line ends.
 */

export interface Person {
  readonly name: string;
  readonly address: string;
}

export type QuoteStyle = 'gmail' | 'outlook' | 'apple' | 'gmail-de' | 'none';

interface QuotedMail {
  readonly from: Person;
  readonly at: string;
  readonly text: string;
}

export interface TextMail {
  readonly from: Person;
  readonly to: readonly Person[];
  readonly subject: string;
  readonly at: string;
  /** IANA zone of the sender, for the Date header's offset. */
  readonly zone: string;
  readonly messageId: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly text: string;
  readonly quote?: { readonly style: QuoteStyle; readonly mail: QuotedMail };
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

const CRLF = '\r\n';

export function formatAddress(p: Person): string {
  return /[^A-Za-z0-9 .'-]/.test(p.name)
    ? `"${p.name}" <${p.address}>`
    : `${p.name} <${p.address}>`;
}

function rfcDate(at: string, zone: string): string {
  return DateTime.fromISO(at, { zone }).toFormat('ccc, dd LLL yyyy HH:mm:ss ZZZ', {
    locale: 'en-US',
  });
}

const bracket = (id: string) => (id.startsWith('<') ? id : `<${id}>`);

function quoteLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

/** The quoted history as the sender's client writes it below (or above) the new text. */
export function quoted(style: QuoteStyle, mail: QuotedMail, zone: string): string {
  const at = DateTime.fromISO(mail.at, { zone });
  const who = `${mail.from.name} <${mail.from.address}>`;
  switch (style) {
    case 'gmail':
      return `On ${at.toFormat("ccc, LLL d, yyyy 'at' h:mm a", { locale: 'en-US' })} ${who} wrote:\n\n${quoteLines(mail.text)}`;
    case 'gmail-de':
      return `Am ${at.toFormat('ccc., d. LLL yyyy', { locale: 'de' })} um ${at.toFormat('HH:mm')} Uhr schrieb ${who}:\n\n${quoteLines(mail.text)}`;
    case 'apple':
      return `> On ${at.toFormat('d LLL yyyy', { locale: 'en-GB' })}, at ${at.toFormat('HH:mm')}, ${who} wrote:\n>\n${quoteLines(mail.text)}`;
    case 'outlook':
      return [
        '________________________________',
        `From: ${mail.from.name} <${mail.from.address}>`,
        `Sent: ${at.toFormat('cccc, LLLL d, yyyy h:mm a', { locale: 'en-US' })}`,
        'Subject: (see above)',
        '',
        mail.text,
      ].join('\n');
    case 'none':
      return '';
  }
}

function headerBlock(mail: {
  from: Person;
  to: readonly Person[];
  subject: string;
  at: string;
  zone: string;
  messageId: string;
  inReplyTo?: string | undefined;
  references?: readonly string[] | undefined;
  extraHeaders?: Readonly<Record<string, string>> | undefined;
}): string[] {
  const lines = [
    `From: ${formatAddress(mail.from)}`,
    `To: ${mail.to.map(formatAddress).join(', ')}`,
    `Subject: ${mail.subject}`,
    `Date: ${rfcDate(mail.at, mail.zone)}`,
    `Message-ID: ${bracket(mail.messageId)}`,
  ];
  if (mail.inReplyTo) lines.push(`In-Reply-To: ${bracket(mail.inReplyTo)}`);
  if (mail.references?.length) lines.push(`References: ${mail.references.map(bracket).join(' ')}`);
  for (const [name, value] of Object.entries(mail.extraHeaders ?? {}))
    lines.push(`${name}: ${value}`);
  lines.push('MIME-Version: 1.0');
  return lines;
}

const toCrlf = (text: string) => text.replace(/\r?\n/g, CRLF);

/** A plain-text mail, with quoted history in the given client style. */
export function textMail(mail: TextMail): string {
  let body = mail.text;
  if (mail.quote && mail.quote.style !== 'none') {
    body = `${body}\n\n${quoted(mail.quote.style, mail.quote.mail, mail.zone)}`;
  }
  const head = [
    ...headerBlock(mail),
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: 8bit',
  ];
  return toCrlf(`${head.join('\n')}\n\n${body}\n`);
}

export interface InviteMail {
  readonly from: Person;
  readonly to: Person;
  readonly at: string;
  readonly zone: string;
  readonly messageId: string;
  readonly uid: string;
  readonly summary: string;
  readonly start: string;
  readonly end: string;
  readonly location: string;
}

const icsUtc = (iso: string) =>
  DateTime.fromISO(iso, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'");

/** A calendar invitation (METHOD:REQUEST) as Google Calendar sends it. */
export function inviteMail(mail: InviteMail): string {
  const when = DateTime.fromISO(mail.start, { zone: mail.zone });
  const subject = `Invitation: ${mail.summary} @ ${when.toFormat('ccc LLL d, yyyy h:mm a', { locale: 'en-US' })} (${when.toFormat('ZZZZ')})`;
  const ics = [
    'BEGIN:VCALENDAR',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `DTSTART:${icsUtc(mail.start)}`,
    `DTEND:${icsUtc(mail.end)}`,
    `DTSTAMP:${icsUtc(mail.at)}`,
    `ORGANIZER;CN=${mail.from.name}:mailto:${mail.from.address}`,
    `UID:${mail.uid}`,
    `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=${mail.from.name}:mailto:${mail.from.address}`,
    `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=${mail.to.name}:mailto:${mail.to.address}`,
    `LOCATION:${mail.location.replace(/,/g, '\\,')}`,
    'SEQUENCE:0',
    'STATUS:CONFIRMED',
    `SUMMARY:${mail.summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\n');
  const head = [
    ...headerBlock({ ...mail, to: [mail.to], subject }),
    'Content-Type: multipart/alternative; boundary="demo-alt"',
  ];
  const body = [
    '--demo-alt',
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    subject,
    '',
    `Where: ${mail.location}`,
    '',
    '--demo-alt',
    'Content-Type: text/calendar; charset="UTF-8"; method=REQUEST',
    '',
    ics,
    '--demo-alt--',
  ].join('\n');
  return toCrlf(`${head.join('\n')}\n\n${body}\n`);
}

export interface BounceMail {
  readonly to: Person;
  readonly at: string;
  readonly zone: string;
  readonly messageId: string;
  readonly failed: string;
  readonly original: {
    readonly subject: string;
    readonly messageId: string;
    readonly from: Person;
  };
}

/** A Postfix delivery-status notification for a recipient that does not exist. */
export function bounceMail(mail: BounceMail): string {
  const domain = mail.failed.split('@')[1] ?? 'example.com';
  const head = [
    ...headerBlock({
      from: { name: 'Mail Delivery System', address: 'MAILER-DAEMON@mx.example.org' },
      to: [mail.to],
      subject: 'Undelivered Mail Returned to Sender',
      at: mail.at,
      zone: mail.zone,
      messageId: mail.messageId,
      extraHeaders: { 'Auto-Submitted': 'auto-replied' },
    }),
    'Content-Type: multipart/report; report-type=delivery-status; boundary="demo-dsn"',
  ];
  const body = [
    'This is a MIME-encapsulated message.',
    '',
    '--demo-dsn',
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.org.',
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients.',
    '',
    `<${mail.failed}>: host mx.${domain}[203.0.113.5] said: 550 5.1.1`,
    `    <${mail.failed}>: Recipient address rejected: User unknown`,
    '',
    '--demo-dsn',
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${mail.failed}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${mail.failed}>: Recipient address rejected: User unknown`,
    '',
    '--demo-dsn',
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${formatAddress(mail.original.from)}`,
    `To: ${mail.failed}`,
    `Subject: ${mail.original.subject}`,
    `Message-ID: ${bracket(mail.original.messageId)}`,
    '',
    '--demo-dsn--',
  ].join('\n');
  return toCrlf(`${head.join('\n')}\n\n${body}\n`);
}
