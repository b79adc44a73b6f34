import { spawn } from 'node:child_process';
import { KithError } from './errors.js';

/** Where a password comes from: the settings, or a command run at each login. */
export interface PasswordSource {
  readonly pass?: string | undefined;
  readonly passCommand?: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Returns the password (or OAuth2 token) for a connection about to open.
 * A command is run through the shell each time, so rotating tokens and
 * password managers work; its output never appears in an error or a log.
 */
export async function resolvePassword(
  source: PasswordSource,
  setting: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  if (!source.passCommand) {
    if (!source.pass) throw new KithError('config', `${setting} is not set`);
    return source.pass;
  }
  const output = await runCommand(source.passCommand, setting, timeoutMs);
  const value = output.replace(/\r?\n$/, '');
  if (value.trim() === '') {
    throw new KithError(
      'auth',
      `${setting} printed nothing: it must print the password on standard output`,
    );
  }
  return value;
}

function runCommand(command: string, setting: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout also ends whatever the shell started.
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new KithError('auth', `${setting} could not be started: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new KithError('auth', `${setting} did not finish within ${timeoutMs} ms`));
      } else if (code !== 0) {
        reject(new KithError('auth', `${setting} failed with exit code ${code}`));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
  });
}

/** imapflow's `auth` option for the IMAP settings, resolving a command if set. */
export async function imapAuth(
  imap: PasswordSource & { readonly user: string; readonly auth: 'password' | 'xoauth2' },
): Promise<{ user: string; pass: string } | { user: string; accessToken: string }> {
  const secret = await resolvePassword(imap, imap.passCommand ? 'IMAP_PASS_COMMAND' : 'IMAP_PASS');
  return imap.auth === 'xoauth2'
    ? { user: imap.user, accessToken: secret }
    : { user: imap.user, pass: secret };
}

/** nodemailer's `auth` option for the SMTP settings, or undefined for no login. */
export async function smtpAuth(
  smtp: PasswordSource & {
    readonly user: string | undefined;
    readonly auth: 'password' | 'xoauth2';
  },
): Promise<
  { user: string; pass: string } | { type: 'OAuth2'; user: string; accessToken: string } | undefined
> {
  if (!smtp.user) return undefined;
  const secret = await resolvePassword(smtp, smtp.passCommand ? 'SMTP_PASS_COMMAND' : 'SMTP_PASS');
  return smtp.auth === 'xoauth2'
    ? { type: 'OAuth2', user: smtp.user, accessToken: secret }
    : { user: smtp.user, pass: secret };
}
