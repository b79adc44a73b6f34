import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config.js';
import { smtpAuth } from '../credentials.js';
import { KithError } from '../errors.js';
import type { OutgoingMail } from './mime.js';
import { type MailTransport, SendError } from './transport.js';

/**
 * SMTP through one pooled nodemailer connection. The raw bytes are sent with
 * an explicit envelope, so the Bcc recipient (kith's service address) gets
 * the mail without a Bcc header in it. Errors become SendError: 5xx is
 * permanent (RFC 5321 §4.2.1), 4xx and connection problems are temporary.
 */

export interface SmtpTransportOptions {
  /** Connection, greeting and socket timeouts. */
  readonly timeoutMs?: number;
  /** For a test server with a self-signed certificate only. */
  readonly rejectUnauthorized?: boolean;
}

export function createSmtpTransport(
  smtp: SmtpConfig,
  options: SmtpTransportOptions = {},
): MailTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let pool: Transporter | undefined;

  const open = async (): Promise<Transporter> => {
    if (pool) return pool;
    // A password command runs here, so a rotated token is picked up when the pool is rebuilt.
    const auth = await smtpAuth(smtp);
    pool = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      maxMessages: 100,
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(auth ? { auth } : {}),
      tls: { rejectUnauthorized: options.rejectUnauthorized ?? true, minVersion: 'TLSv1.2' },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    return pool;
  };

  const reset = () => {
    pool?.close();
    pool = undefined;
  };

  return {
    kind: 'smtp',
    async send(mail: OutgoingMail) {
      let info: { rejected?: (string | { address: string })[]; rejectedErrors?: NodemailerError[] };
      try {
        const transporter = await open();
        info = await transporter.sendMail({
          envelope: { from: mail.envelope.from, to: [...mail.envelope.to] },
          raw: mail.raw,
        });
      } catch (error) {
        reset();
        throw toSendError(error);
      }
      const rejected = (info.rejected ?? []).map((r) => (typeof r === 'string' ? r : r.address));
      if (rejected.length > 0) {
        // Some recipients took it and some did not: report the refusal; a 5xx is final.
        const first = info.rejectedErrors?.[0];
        throw toSendError(
          Object.assign(new Error(`recipient refused: ${rejected.join(', ')}`), {
            responseCode: first?.responseCode,
            response: first?.response,
          }),
        );
      }
    },
    async alreadySent() {
      return 'unknown';
    },
    async close() {
      reset();
    },
  };
}

/** SMTP reply class decides: 5xx (but 503, a sequencing error) is permanent. */
export function toSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const e = (error ?? {}) as NodemailerError;
  if (error instanceof KithError) {
    // From resolving the password (a failing SMTP_PASS_COMMAND): a settings problem.
    return new SendError(error.message, { permanent: false, auth: true, cause: error });
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new SendError(
      'the SMTP server refused the login: check SMTP_USER and SMTP_PASS (many providers need an app password)',
      { permanent: false, auth: true, cause: error },
    );
  }
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const permanent =
    typeof e.permanent === 'boolean'
      ? e.permanent
      : code !== undefined && code >= 500 && code < 600 && code !== 503;
  const response = e.response?.trim();
  const what =
    response ?? (e.code ? `${e.code}: ${e.message ?? ''}` : (e.message ?? String(error)));
  return new SendError(what, { permanent, ...(response ? { response } : {}), cause: error });
}
