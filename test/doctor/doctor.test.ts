import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
let dovecot: DovecotServer;
let plainDovecot: DovecotServer;
let smtp: SMTPServer;
let smtpPort: number;

beforeAll(async () => {
  [dovecot, plainDovecot] = await Promise.all([
    startDovecot({ password: 'right-password' }),
    startDovecot({ password: 'right-password', specialUseFolders: false }),
  ]);
  smtp = new SMTPServer({
    authOptional: false,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'me@example.org' && auth.password === 'smtp-password') {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
});

afterAll(async () => {
  await Promise.all([dovecot?.close(), plainDovecot?.close()]);
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

function envFor(server: DovecotServer, extra: Record<string, string>): Record<string, string> {
  return {
    KITH_OWNER_EMAIL: 'me@example.org',
    KITH_SERVICE_ADDRESS: 'me+kith@example.org',
    KITH_TIMEZONE: 'Europe/Berlin',
    IMAP_HOST: '127.0.0.1',
    IMAP_PORT: String(server.port),
    IMAP_SECURE: 'false',
    IMAP_USER: server.newUser('doctor'),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_SECURE: 'false',
    SMTP_USER: 'me@example.org',
    SMTP_PASS: 'smtp-password',
    ...extra,
  };
}

async function doctor(env: Record<string, string>) {
  const cwd = tempDir();
  return runCli(['doctor'], {
    cwd,
    env: { KITH_DATA_DIR: path.join(cwd, 'data'), ...env },
    timeoutMs: 30_000,
  });
}

describe('kith doctor', () => {
  it('passes every check against a healthy Dovecot and SMTP server', async () => {
    const result = await doctor(envFor(dovecot, { IMAP_PASS: 'right-password' }));
    expect(result.stdout).toMatch(/ok\s+IMAP login\s+doctor/);
    expect(result.stdout).toMatch(/ok\s+IMAP extensions\s+IDLE and UIDPLUS supported/);
    expect(result.stdout).toMatch(/ok\s+Sent folder\s+"Sent"/);
    expect(result.stdout).toMatch(/ok\s+Drafts folder\s+"Drafts"/);
    expect(result.stdout).toMatch(/ok\s+SMTP login/);
    expect(result.stdout).toMatch(/ok\s+database\s+intact, up to date/);
    expect(result.stdout).toMatch(/ok\s+clock and zone\s+.*Europe\/Berlin/);
    expect(result.stdout).toContain('All good.');
    expect(result.code).toBe(0);
  });

  it('names a wrong IMAP password and SMTP password, exits non-zero, and prints neither', async () => {
    const result = await doctor(
      envFor(dovecot, { IMAP_PASS: 'wrong-imap-password', SMTP_PASS: 'wrong-smtp-password' }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/PROBLEM\s+IMAP login\s+.*refused the user name or password/);
    expect(result.stdout).toMatch(/PROBLEM\s+SMTP login\s+.*refused the user name or password/);
    expect(result.stdout).toContain('→ check IMAP_USER and IMAP_PASS');
    expect(result.stdout + result.stderr).not.toContain('wrong-imap-password');
    expect(result.stdout + result.stderr).not.toContain('wrong-smtp-password');
  });

  it('says which setting to use when the mailbox has no Sent folder, and accepts one found by name', async () => {
    const env = envFor(plainDovecot, { IMAP_PASS: 'right-password' });
    const result = await doctor(env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /PROBLEM\s+Sent folder\s+no folder is marked \\Sent \(folders: INBOX\)/,
    );
    expect(result.stdout).toContain('IMAP_MAILBOXES');
    expect(result.stdout).toMatch(/skipped\s+Drafts folder/);

    const client = await plainDovecot.connect(env.IMAP_USER as string);
    await client.mailboxCreate('Sent Items');
    await client.logout();
    const named = await doctor(env);
    expect(named.stdout).toMatch(/ok\s+Sent folder\s+"Sent Items" \(found by its name\)/);
  });

  it('logs in with a password command, and reports one that fails or hangs', async () => {
    const good = await doctor(envFor(dovecot, { IMAP_PASS_COMMAND: 'echo right-password' }));
    expect(good.stdout).toMatch(/ok\s+IMAP login/);

    const failing = await doctor(
      envFor(dovecot, { IMAP_PASS_COMMAND: 'echo right-password; exit 4' }),
    );
    expect(failing.stdout).toMatch(
      /PROBLEM\s+IMAP login\s+IMAP_PASS_COMMAND failed with exit code 4/,
    );
    expect(failing.stdout).not.toContain('right-password');

    const started = Date.now();
    const hanging = await doctor(envFor(dovecot, { IMAP_PASS_COMMAND: 'sleep 60' }));
    expect(hanging.stdout).toMatch(/PROBLEM\s+IMAP login\s+IMAP_PASS_COMMAND did not finish/);
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it('flags missing owner and BCC addresses and skips the mailbox checks without IMAP', async () => {
    const result = await doctor({});
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/PROBLEM\s+owner address\s+KITH_OWNER_EMAIL is not set/);
    expect(result.stdout).toMatch(/PROBLEM\s+BCC address\s+KITH_SERVICE_ADDRESS is not set/);
    expect(result.stdout).toMatch(/skipped\s+IMAP\s+IMAP_HOST is not set/);
    expect(result.stdout).toMatch(/skipped\s+SMTP\s+SMTP_HOST is not set/);
  });
});
