import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

/**
 * A real Dovecot IMAP server for tests, started from its own config in a temp
 * folder on a free loopback port (Debian `dovecot-imapd`, no systemd).
 *
 * The static password database lets ANY user name log in with `password`,
 * and each user gets a fresh, empty Maildir with `\Sent` and `\Drafts`
 * special-use folders — so each test uses its own user (`server.newUser()`)
 * and needs no clean-up.
 *
 * Traps this avoids (measured on this machine):
 * - Dovecot refuses mail access as uid 0: mail is owned by the `dovecot`
 *   user (when the tests run as root) and `first_valid_uid = 1`;
 * - after a failed login anvil delays every later login from 127.0.0.1 by
 *   4–5 s: the `anvil-auth-penalty` listener is turned off, and the run
 *   folder is cleared before every start (a stale socket costs 5 s a login);
 * - IDLE pushes arrive ~0.5 s after an APPEND (hard-coded in Dovecot 2.3):
 *   callers wait with a deadline, never a fixed sleep;
 * - on SIGTERM the master exits but leaves running imap sessions (and its
 *   log process) behind, so a "restart" would not drop connections: Dovecot
 *   runs in its own process group and stop() signals the whole group;
 * - a session whose selected mailbox is deleted and recreated may go on
 *   showing the old one until it SELECTs again.
 */

const DOVECOT_BIN = process.env.DOVECOT_BIN ?? '/usr/sbin/dovecot';

export interface DovecotOptions {
  /** Password every user logs in with. */
  readonly password?: string;
  /** `mail_max_userip_connections` (Dovecot's default is 10). */
  readonly maxUserIpConnections?: number;
  /** Seconds between Dovecot's "* OK Still here" while IDLE (default 2 min). */
  readonly idleNotifySeconds?: number;
  /** false: users start with INBOX only — no `\\Drafts`/`\\Sent` folders (default true). */
  readonly specialUseFolders?: boolean;
}

/** Connection settings in the shape imapflow takes. */
interface ImapLogin {
  readonly host: string;
  readonly port: number;
  readonly secure: false;
  readonly auth: { readonly user: string; readonly pass: string };
}

export interface DovecotServer {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** The temp folder holding config, logs, state and mail. */
  readonly dir: string;
  /** A user name no test has used yet (so its mailbox is empty). */
  newUser(prefix?: string): string;
  login(user: string): ImapLogin;
  /** A connected imapflow client for `user` (the caller logs out). */
  connect(user: string): Promise<ImapFlow>;
  /** APPENDs raw mail over IMAP on a short-lived connection; returns the new UID. */
  append(
    user: string,
    mailbox: string,
    raw: string | Buffer,
    options?: { flags?: string[]; date?: Date },
  ): Promise<number | undefined>;
  /**
   * Writes mail straight into the user's Maildir (~8× faster than APPEND, for
   * seeding thousands of messages). Dovecot assigns UIDs on its next scan.
   */
  writeMaildir(
    user: string,
    mailbox: string,
    messages: Iterable<string | Buffer>,
    options?: { receivedAt?: Date },
  ): number;
  /** The on-disk Maildir folder of a mailbox (INBOX, or `.Name` below it). */
  maildirPath(user: string, mailbox: string): string;
  /** The server log so far (useful in assertion messages). */
  log(): string;
  readonly running: boolean;
  /**
   * Freezes every Dovecot process (SIGSTOP): connections stay open but go
   * silent, like a dead network path. `resume()` thaws them.
   */
  pause(): void;
  resume(): void;
  /** Stops the server (connections drop); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the temp folder. */
  close(): Promise<void>;
}

interface MailOwner {
  readonly uid: number;
  readonly gid: number;
  readonly loginUser: string;
  readonly internalUser: string;
}

/** Mail must not belong to root; as root use the `dovecot` user, else ourselves. */
function mailOwner(): MailOwner {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) {
    const name = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    return { uid, gid: process.getgid?.() ?? uid, loginUser: name, internalUser: name };
  }
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'dovecot'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g'), loginUser: 'dovenull', internalUser: 'dovecot' };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const SPECIAL_USE_FOLDERS = `  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }`;

function renderConfig(dir: string, port: number, owner: MailOwner, o: Required<DovecotOptions>) {
  return `# Generated by test/helpers/dovecot.ts for one test run.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
default_login_user = ${owner.loginUser}
default_internal_user = ${owner.internalUser}
mail_max_userip_connections = ${o.maxUserIpConnections}
mail_location = maildir:~/Maildir
passdb {
  driver = static
  args = password=${o.password}
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
${o.specialUseFolders ? SPECIAL_USE_FOLDERS : ''}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
protocol imap {
  imap_idle_notify_interval = ${o.idleNotifySeconds} secs
}
`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(check: () => Promise<boolean> | boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`dovecot: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a private Dovecot; call `close()` when done (e.g. in afterAll). */
export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  if (!existsSync(DOVECOT_BIN)) {
    throw new Error(`Dovecot not found at ${DOVECOT_BIN}: apt-get install dovecot-imapd`);
  }
  const settings: Required<DovecotOptions> = {
    password: options.password ?? 'test-password',
    maxUserIpConnections: options.maxUserIpConnections ?? 10,
    idleNotifySeconds: options.idleNotifySeconds ?? 120,
    specialUseFolders: options.specialUseFolders ?? true,
  };
  const owner = mailOwner();
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-dovecot-'));
  // The mail processes run as the mail owner and must reach the mail folder.
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'mail'));
  chownSync(path.join(dir, 'mail'), owner.uid, owner.gid);
  const port = await freePort();
  const configFile = path.join(dir, 'dovecot.conf');
  writeFileSync(configFile, renderConfig(dir, port, owner, settings));

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let userCounter = 0;

  const start = async () => {
    if (child) return;
    // A stale socket or pid file from the previous run slows every login by seconds.
    rmSync(path.join(dir, 'run'), { recursive: true, force: true });
    mkdirSync(path.join(dir, 'run'));
    mkdirSync(path.join(dir, 'state'), { recursive: true });
    // Its own process group, so stop() and pause() reach every Dovecot process:
    // on SIGTERM the master exits but leaves running imap sessions behind.
    const proc = spawn(DOVECOT_BIN, ['-F', '-c', configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    proc.stderr?.on('data', (d) => {
      stderr += d;
    });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    let gone = false;
    void exited.then(() => {
      gone = true;
      if (child === proc) child = undefined;
    });
    await until(
      async () => {
        if (gone) throw new Error(`dovecot exited at start: ${stderr}${readLog(dir)}`);
        return canConnect(port);
      },
      10_000,
      'the IMAP port',
    );
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    // A paused server would never handle SIGTERM.
    signalGroup(proc.pid, 'SIGCONT');
    signalGroup(proc.pid, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(proc.pid, 'SIGKILL'), 5_000);
    await exited;
    // Sessions and helpers left behind by the master go too, like in a real restart.
    await until(() => !groupAlive(proc.pid), 5_000, 'every Dovecot process to exit').catch(() =>
      signalGroup(proc.pid, 'SIGKILL'),
    );
    clearTimeout(killer);
    child = undefined;
  };

  const login = (user: string): ImapLogin => ({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass: settings.password },
  });

  const connect = async (user: string) => {
    const client = new ImapFlow({ ...login(user), logger: false });
    await client.connect();
    return client;
  };

  const maildirPath = (user: string, mailbox: string) => {
    const root = path.join(dir, 'mail', user, 'Maildir');
    // Maildir++ on disk: sub-folders are `.Name`, hierarchy joined with dots.
    return mailbox.toUpperCase() === 'INBOX'
      ? root
      : path.join(root, `.${mailbox.replace(/\//g, '.')}`);
  };

  await start();

  return {
    host: '127.0.0.1',
    port,
    password: settings.password,
    dir,
    get running() {
      return child !== undefined;
    },
    newUser(prefix = 'user') {
      userCounter += 1;
      return `${prefix}-${userCounter}-${randomBytes(4).toString('hex')}`;
    },
    login,
    connect,
    async append(user, mailbox, raw, appendOptions = {}) {
      const client = await connect(user);
      try {
        const result = await client.append(mailbox, raw, appendOptions.flags, appendOptions.date);
        return result ? result.uid : undefined;
      } finally {
        await client.logout();
      }
    },
    writeMaildir(user, mailbox, messages, writeOptions = {}) {
      const folder = maildirPath(user, mailbox);
      const root = maildirPath(user, 'INBOX');
      const created: string[] = [];
      for (const d of [path.dirname(root), root, folder]) {
        if (!existsSync(d)) {
          mkdirSync(d, { recursive: true });
          created.push(d);
        }
      }
      for (const sub of ['cur', 'new', 'tmp']) {
        for (const base of new Set([root, folder])) {
          const d = path.join(base, sub);
          if (!existsSync(d)) {
            mkdirSync(d);
            created.push(d);
          }
        }
      }
      // A Maildir++ sub-folder is a mailbox once this marker exists.
      if (folder !== root && !existsSync(path.join(folder, 'maildirfolder'))) {
        writeFileSync(path.join(folder, 'maildirfolder'), '');
        created.push(path.join(folder, 'maildirfolder'));
      }
      for (const d of created) chownSync(d, owner.uid, owner.gid);
      let count = 0;
      const stamp = Math.floor(Date.now() / 1000);
      const unique = randomBytes(4).toString('hex');
      for (const message of messages) {
        const name = `${stamp}.M${count}P${process.pid}_${unique}.kith-test`;
        const file = path.join(folder, 'new', name);
        writeFileSync(file, message);
        chownSync(file, owner.uid, owner.gid);
        // Dovecot reads a Maildir message's INTERNALDATE from the file's mtime.
        if (writeOptions.receivedAt)
          utimesSync(file, writeOptions.receivedAt, writeOptions.receivedAt);
        count += 1;
      }
      return count;
    },
    maildirPath,
    log: () => readLog(dir),
    pause: () => signalGroup(child?.pid, 'SIGSTOP'),
    resume: () => signalGroup(child?.pid, 'SIGCONT'),
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends `signal` to every process of a Dovecot's process group. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'dovecot.log'), 'utf8');
  } catch {
    return '';
  }
}
