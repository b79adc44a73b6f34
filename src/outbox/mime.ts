import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Config } from '../config.js';
import type { OutboxRow } from '../db/schema.js';
import { KithError } from '../errors.js';

/**
 * Builds the RFC 5322 bytes of an outbox row. The same bytes go to every
 * destination (SMTP, the .eml file, IMAP Sent/Drafts), so what the owner
 * sees in a file or folder is exactly what was sent.
 */

export interface OutgoingMail {
  readonly messageId: string;
  /** For SMTP: no Bcc header, so recipients never see the service address. */
  readonly raw: Buffer;
  /** For files, Sent and Drafts: with the Bcc header, as mail clients keep it. */
  readonly rawWithBcc: Buffer;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
}

/** Domain for Message-IDs kith makes: the owner's, else the service address's. */
export function messageIdDomain(config: Config): string {
  const address = config.owner.emails[0] ?? config.serviceAddress;
  return address?.split('@')[1] ?? 'kith.localhost';
}

/** The address kith's own mail to the owner comes from. */
export function kithFromAddress(config: Config): string | undefined {
  return config.serviceAddress ?? config.owner.emails[0];
}

/** Splits a stored References value (spaces, commas, brackets or not) into bare ids. */
export function parseReferences(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((id) => id.replace(/^<|>$/g, ''))
    .filter(Boolean);
}

export async function buildMail(row: OutboxRow, config: Config, date: Date): Promise<OutgoingMail> {
  const ownerAddress = config.owner.emails[0];
  const isContactMail = row.audience === 'contact';
  const fromAddress = isContactMail ? ownerAddress : kithFromAddress(config);
  if (!fromAddress) {
    throw new KithError(
      'config',
      'KITH_OWNER_EMAIL is not set, so kith has no address to send from. Set it in .env and restart.',
    );
  }
  const from = isContactMail
    ? { name: config.owner.name ?? '', address: fromAddress }
    : { name: 'kith', address: fromAddress };
  const bcc = isContactMail && config.serviceAddress ? [config.serviceAddress] : [];
  const references = parseReferences(row.references);
  const headers: Record<string, string> = isContactMail
    ? {}
    : {
        // RFC 3834: mail made by a program; well-behaved responders stay silent.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
      };
  const options = {
    from,
    to: row.to_address,
    bcc,
    subject: row.subject,
    text: row.body_text,
    ...(row.body_html ? { html: row.body_html } : {}),
    // An invitation: a text/calendar alternative with its METHOD (RFC 6047) and the .ics attached.
    ...(row.calendar_ics
      ? {
          icalEvent: {
            method: calendarMethod(row.calendar_ics),
            filename: calendarMethod(row.calendar_ics) === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
            content: row.calendar_ics,
          },
        }
      : {}),
    messageId: `<${row.message_id}>`,
    date,
    ...(row.in_reply_to ? { inReplyTo: `<${row.in_reply_to}>` } : {}),
    ...(references.length ? { references: references.map((r) => `<${r}>`) } : {}),
    headers,
    newline: 'windows',
  } as const;
  const raw = await new MailComposer(options).compile().build();
  const withBcc = new MailComposer(options).compile();
  withBcc.keepBcc = true;
  const rawWithBcc = await withBcc.build();
  const recipients = [...addressesIn(row.to_address), ...bcc];
  return {
    messageId: row.message_id,
    raw,
    rawWithBcc,
    envelope: { from: fromAddress, to: recipients },
  };
}

/** METHOD of a stored iTIP object (REQUEST when it names none). */
function calendarMethod(ics: string): string {
  return /^METHOD:([A-Z-]+)\s*$/im.exec(ics)?.[1]?.toUpperCase() ?? 'REQUEST';
}

/** Bare addresses from a To value such as `"Souza, Ana" <ana@x.com>, b@y.org`. */
export function addressesIn(value: string): string[] {
  return addressparser(value, { flatten: true })
    .map((a) => a.address.trim().toLowerCase())
    .filter((a) => a.includes('@'));
}
