import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { ImapConfig, SmtpConfig } from '../config.js';
import { imapAuth, smtpAuth } from '../credentials.js';
import { type CheckResult, ok, problem, skipped } from './check.js';

const TIMEOUT_MS = 15_000;

/** Logs in to IMAP for real and reports login, extensions and special folders. */
export async function checkImap(imap: ImapConfig | undefined): Promise<CheckResult[]> {
  if (!imap) {
    return [
      skipped(
        'IMAP',
        'IMAP_HOST is not set: kith reads the local Maildir in KITH_DATA_DIR/maildir',
      ),
    ];
  }
  const where = `${imap.user} at ${imap.host}:${imap.port}${imap.secure ? ' (TLS)' : ''}`;
  let auth: Awaited<ReturnType<typeof imapAuth>>;
  try {
    auth = await imapAuth(imap);
  } catch (error) {
    return [
      problem(
        'IMAP login',
        (error as Error).message,
        'fix the password command so it prints the password and exits 0',
      ),
    ];
  }
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth,
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  client.on('error', () => {
    // Reported through connect()'s rejection; without a listener Node would throw.
  });
  try {
    await client.connect();
  } catch (error) {
    client.close(); // a failed login can leave timers that keep the process alive
    return [imapLoginProblem(error, where)];
  }
  try {
    const results: CheckResult[] = [ok('IMAP login', where)];
    const caps = client.capabilities;
    const missing = ['IDLE', 'UIDPLUS'].filter((cap) => !caps.has(cap));
    results.push(
      missing.length === 0
        ? ok('IMAP extensions', 'IDLE and UIDPLUS supported')
        : missing.includes('IDLE')
          ? problem(
              'IMAP extensions',
              `missing ${missing.join(', ')}`,
              'kith will poll instead of reacting at once; a provider with IDLE is better',
            )
          : ok(
              'IMAP extensions',
              `IDLE supported; ${missing.join(', ')} missing (kith copes without it)`,
            ),
    );
    const folders = await client.list();
    // imapflow also guesses special use from common names ("Sent Items");
    // the watcher finds folders the same way, so a guess counts, but say so.
    const describe = (f: { path: string; specialUseSource?: string }) =>
      f.specialUseSource === 'name' ? `"${f.path}" (found by its name)` : `"${f.path}"`;
    const sent = folders.find((f) => f.specialUse === '\\Sent');
    results.push(
      sent
        ? ok('Sent folder', describe(sent))
        : problem(
            'Sent folder',
            `no folder is marked \\Sent (folders: ${folders.map((f) => f.path).join(', ')})`,
            'name your sent folder in IMAP_MAILBOXES, e.g. IMAP_MAILBOXES=INBOX,Sent',
          ),
    );
    const drafts = folders.find((f) => f.specialUse === '\\Drafts');
    results.push(
      drafts
        ? ok('Drafts folder', describe(drafts))
        : skipped(
            'Drafts folder',
            'no folder is marked \\Drafts: drafts stay in kith; approving by reply works as usual',
          ),
    );
    return results;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

function imapLoginProblem(error: unknown, where: string): CheckResult {
  const e = error as { authenticationFailed?: boolean; code?: string; message?: string };
  if (e.authenticationFailed) {
    return problem(
      'IMAP login',
      `${where}: the server refused the user name or password`,
      'check IMAP_USER and IMAP_PASS (most providers need an app password, see the README)',
    );
  }
  return problem(
    'IMAP login',
    `${where}: ${e.code ?? ''} ${e.message ?? String(error)}`.trim(),
    'check IMAP_HOST, IMAP_PORT and IMAP_SECURE, and that this machine can reach the server',
  );
}

/** Connects and logs in to SMTP without sending anything. */
export async function checkSmtp(smtp: SmtpConfig | undefined): Promise<CheckResult> {
  if (!smtp)
    return skipped(
      'SMTP',
      'SMTP_HOST is not set: kith writes outgoing mail as .eml files in KITH_DATA_DIR/outbox',
    );
  const where = `${smtp.user ? `${smtp.user} at ` : ''}${smtp.host}:${smtp.port}${smtp.secure ? ' (TLS)' : ''}`;
  try {
    const auth = await smtpAuth(smtp);
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(auth ? { auth } : {}),
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    try {
      await transport.verify();
    } finally {
      transport.close();
    }
    return ok('SMTP login', where);
  } catch (error) {
    const e = error as { code?: string; responseCode?: number; message?: string };
    if (e.code === 'EAUTH' || e.responseCode === 535) {
      return problem(
        'SMTP login',
        `${where}: the server refused the user name or password`,
        'check SMTP_USER and SMTP_PASS (an app password, see the README)',
      );
    }
    return problem(
      'SMTP login',
      `${where}: ${e.message ?? String(error)}`,
      'check SMTP_HOST, SMTP_PORT and SMTP_SECURE (465 = TLS, 587 = STARTTLS with SMTP_SECURE=false)',
    );
  }
}
