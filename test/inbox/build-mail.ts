/**
 * Builds raw RFC 5322 mail for inbox tests: just enough headers, CRLF line
 * endings, and optional MIME parts. Plain strings, so a test shows exactly
 * what the server would hold.
 */

export interface MailSpec {
  readonly from: string;
  readonly to?: readonly string[];
  readonly cc?: readonly string[];
  readonly bcc?: readonly string[];
  readonly subject?: string;
  readonly messageId?: string | null;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly date?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly text?: string;
  /** Extra MIME parts after the text: raw part headers and body. */
  readonly parts?: readonly { readonly headers: string; readonly body: string }[];
}

let counter = 0;

/** A fresh Message-ID (without brackets) in a domain. */
export function newMessageId(domain = 'mail.example'): string {
  counter += 1;
  return `m${Date.now().toString(36)}.${counter}.${Math.random().toString(36).slice(2, 8)}@${domain}`;
}

export function buildMail(spec: MailSpec): string {
  const lines: string[] = [`From: ${spec.from}`];
  if (spec.to?.length) lines.push(`To: ${spec.to.join(', ')}`);
  if (spec.cc?.length) lines.push(`Cc: ${spec.cc.join(', ')}`);
  if (spec.bcc?.length) lines.push(`Bcc: ${spec.bcc.join(', ')}`);
  lines.push(`Subject: ${spec.subject ?? 'Hello'}`);
  lines.push(`Date: ${spec.date ?? 'Tue, 01 Dec 2026 10:00:00 +0100'}`);
  const id = spec.messageId === undefined ? newMessageId() : spec.messageId;
  if (id !== null) lines.push(`Message-ID: <${id}>`);
  if (spec.inReplyTo) lines.push(`In-Reply-To: <${spec.inReplyTo}>`);
  if (spec.references?.length)
    lines.push(`References: ${spec.references.map((r) => `<${r}>`).join(' ')}`);
  for (const [name, value] of Object.entries(spec.headers ?? {})) lines.push(`${name}: ${value}`);
  lines.push('MIME-Version: 1.0');
  const text = (spec.text ?? 'Hello.').replace(/\r?\n/g, '\r\n');
  if (!spec.parts?.length) {
    lines.push('Content-Type: text/plain; charset=utf-8', '', text, '');
    return lines.join('\r\n');
  }
  const boundary = `b-${Math.random().toString(36).slice(2)}`;
  lines.push(`Content-Type: multipart/mixed; boundary="${boundary}"`, '');
  lines.push(`--${boundary}`, 'Content-Type: text/plain; charset=utf-8', '', text);
  for (const part of spec.parts) {
    lines.push(
      `--${boundary}`,
      part.headers.replace(/\r?\n/g, '\r\n'),
      '',
      part.body.replace(/\r?\n/g, '\r\n'),
    );
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

/** An iCalendar object for invite tests. */
export function ics(options: {
  method: string;
  uid: string;
  sequence?: number;
  start: string;
  end: string;
  organizer: string;
  attendees: readonly { address: string; partstat?: string }[];
  summary?: string;
  location?: string;
}): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//kith tests//EN',
    `METHOD:${options.method}`,
    'BEGIN:VEVENT',
    `UID:${options.uid}`,
    `SEQUENCE:${options.sequence ?? 0}`,
    `DTSTAMP:20261201T090000Z`,
    `DTSTART:${options.start}`,
    `DTEND:${options.end}`,
    `SUMMARY:${options.summary ?? 'Coffee chat'}`,
    ...(options.location ? [`LOCATION:${options.location}`] : []),
    `ORGANIZER:mailto:${options.organizer}`,
    ...options.attendees.map(
      (a) => `ATTENDEE;PARTSTAT=${a.partstat ?? 'NEEDS-ACTION'}:mailto:${a.address}`,
    ),
    ...(options.method === 'CANCEL' ? ['STATUS:CANCELLED'] : []),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
