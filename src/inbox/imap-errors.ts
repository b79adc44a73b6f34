import { writeFailure } from '../db/write-errors.js';
import { KithError } from '../errors.js';

/**
 * The one place that turns imapflow's and the socket's errors into kith's
 * codes, keeping the original as `cause`:
 * - `auth`: the server refused the login (wrong password, app password needed);
 * - `not_found`: a mailbox does not exist (deleted, renamed, typo in IMAP_MAILBOXES);
 * - `temporary`: everything else — network, timeouts, server restarts — worth retrying.
 * Messages never include the password, nor the server's raw response (it
 * can echo what was sent).
 */

interface ImapErrorShape {
  code?: string;
  /** Set by imapflow when a SELECT failed and LIST does not show the mailbox. */
  mailboxMissing?: boolean;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseStatus?: string;
  path?: string;
}

const AUTH_CODES = new Set([
  'AUTHENTICATIONFAILED',
  'AUTHORIZATIONFAILED',
  'EXPIRED',
  'PRIVACYREQUIRED',
]);
const NOT_FOUND_CODES = new Set(['NONEXISTENT', 'TRYCREATE']);

export function translateImapError(
  error: unknown,
  context: { readonly user?: string; readonly host?: string; readonly mailbox?: string } = {},
): KithError {
  // Not the server's fault: the database refused the write, so the cursor stayed where it was.
  const write = writeFailure(error);
  if (write) {
    return new KithError(
      'temporary',
      `ingest stopped, mail stays on the server: ${write.message}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof KithError) return error;
  const e = (error ?? {}) as ImapErrorShape;
  const server = context.host ? ` at ${context.host}` : '';
  if (e.authenticationFailed || (e.serverResponseCode && AUTH_CODES.has(e.serverResponseCode))) {
    return new KithError(
      'auth',
      `the IMAP server${server} refused the login${context.user ? ` for ${context.user}` : ''}: check IMAP_USER and IMAP_PASS (many providers need an app password)`,
      { cause: error },
    );
  }
  if (
    e.code === 'NotFound' ||
    e.mailboxMissing ||
    (e.serverResponseCode && NOT_FOUND_CODES.has(e.serverResponseCode))
  ) {
    const mailbox = context.mailbox ?? e.path;
    return new KithError(
      'not_found',
      `the mailbox ${mailbox ? `"${mailbox}" ` : ''}does not exist${server}: check IMAP_MAILBOXES`,
      { cause: error },
    );
  }
  const reason = e.code ? ` (${e.code})` : error instanceof Error ? `: ${error.message}` : '';
  return new KithError('temporary', `the IMAP connection${server} failed${reason}; retrying`, {
    cause: error,
  });
}
