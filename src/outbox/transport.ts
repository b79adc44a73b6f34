import { KithError } from '../errors.js';
import type { OutgoingMail } from './mime.js';

/** Where mail leaves kith: an SMTP server, or `.eml` files in the data dir. */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  /** Resolves once the mail is accepted; throws SendError otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  /**
   * After a crash mid-send: did this Message-ID already leave? The file
   * transport can tell (the file is there); SMTP cannot ('unknown') — the
   * send loop then asks the IMAP Sent folder.
   */
  alreadySent(messageId: string): Promise<'yes' | 'no' | 'unknown'>;
  close(): Promise<void>;
}

/**
 * A send that failed. `permanent`: the server refused the mail for good (a
 * 5xx reply), retrying would get the same answer; otherwise retry later.
 * Code `auth`: the login was refused — a settings problem, not the mail's.
 */
export class SendError extends KithError {
  readonly permanent: boolean;
  readonly response: string | undefined;

  constructor(
    message: string,
    options: { permanent: boolean; auth?: boolean; response?: string; cause?: unknown },
  ) {
    const code = options.auth ? 'auth' : options.permanent ? 'bad_input' : 'temporary';
    super(code, message, { cause: options.cause });
    this.name = 'SendError';
    this.permanent = options.permanent;
    this.response = options.response;
  }
}
