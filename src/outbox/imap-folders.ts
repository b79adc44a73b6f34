import { ImapFlow } from 'imapflow';
import type { ImapConfig } from '../config.js';
import { imapAuth } from '../credentials.js';
import { KithError } from '../errors.js';
import { translateImapError } from '../inbox/imap-errors.js';

/**
 * The outbox's own use of the owner's IMAP mailbox: a copy of each draft in
 * `\Drafts`, sent mail in `\Sent` when the provider does not file it, and
 * the search by Message-ID that tells, after a crash mid-send, whether a
 * mail already left. One connection, opened on first use and closed by
 * `release()` after each round so kith does not hold an idle session.
 */

export type SpecialUse = '\\Drafts' | '\\Sent';

/** Keyword on a Sent copy APPENDed before the SMTP send; removed once the server accepted. */
export const PENDING_KEYWORD = '$KithSending';

export interface ImapFolders {
  /** RFC 6154: the draft goes to the `\Drafts` folder with the `\Draft` flag. */
  appendDraft(raw: Buffer): Promise<void>;
  appendSent(raw: Buffer, options: { pending: boolean }): Promise<void>;
  /** `sent`: there, and the send finished; `pending`: there, flagged as mid-send; `absent`. */
  findInSent(messageId: string): Promise<'sent' | 'pending' | 'absent'>;
  clearPending(messageId: string): Promise<void>;
  /** Removes every copy with this Message-ID from the folder; returns how many. */
  remove(use: SpecialUse, messageId: string): Promise<number>;
  /** Whether the folder exists (a mailbox without `\Drafts` just gets no draft copies). */
  has(use: SpecialUse): Promise<boolean>;
  release(): Promise<void>;
}

export interface ImapFoldersOptions {
  readonly timeoutMs?: number;
  /** How long a refused login is answered from memory before the server is asked again. */
  readonly loginRetryMs?: number;
  readonly now?: () => Date;
}

const LOGIN_RETRY_MS = 5 * 60_000;

const FALLBACK_NAMES: Readonly<Record<SpecialUse, readonly string[]>> = {
  '\\Drafts': ['Drafts', 'INBOX.Drafts', 'INBOX/Drafts'],
  '\\Sent': ['Sent', 'Sent Items', 'Sent Messages', 'INBOX.Sent', 'INBOX/Sent'],
};

export function createImapFolders(imap: ImapConfig, options: ImapFoldersOptions = {}): ImapFolders {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const loginRetryMs = options.loginRetryMs ?? LOGIN_RETRY_MS;
  const now = options.now ?? (() => new Date());
  let client: ImapFlow | undefined;
  // Every use (Drafts sync each round, sends, crash recovery) goes through
  // connect(), so a wrong password is tried once per wait, not once per round:
  // servers lock accounts that keep retrying one.
  let loginRefused: { readonly until: number; readonly error: KithError } | undefined;
  const paths = new Map<SpecialUse, string | null>();

  const connect = async (): Promise<ImapFlow> => {
    if (client?.usable) return client;
    client = undefined;
    if (loginRefused && now().getTime() < loginRefused.until) throw loginRefused.error;
    const fresh = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: await imapAuth(imap),
      logger: false,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    fresh.on('error', () => {
      // Surfaces through the failing command; without a listener Node would throw.
    });
    try {
      await fresh.connect();
    } catch (error) {
      fresh.close();
      const translated = translateImapError(error, { user: imap.user, host: imap.host });
      if (translated.code === 'auth') {
        loginRefused = { until: now().getTime() + loginRetryMs, error: translated };
      }
      throw translated;
    }
    client = fresh;
    return fresh;
  };

  /** Runs `work` on a connection; a failed connection is dropped so the next call reconnects. */
  const run = async <T>(work: (c: ImapFlow) => Promise<T>, mailbox?: string): Promise<T> => {
    const c = await connect();
    try {
      return await work(c);
    } catch (error) {
      if (!c.usable) client = undefined;
      throw translateImapError(error, { user: imap.user, host: imap.host, mailbox });
    }
  };

  const pathOf = async (use: SpecialUse): Promise<string | null> => {
    if (paths.has(use)) return paths.get(use) ?? null;
    const found = await run(async (c) => {
      const list = await c.list();
      const special = list.find((box) => box.specialUse === use);
      if (special) return special.path;
      const byName = FALLBACK_NAMES[use].find((name) =>
        list.some((box) => box.path.toLowerCase() === name.toLowerCase()),
      );
      return byName
        ? (list.find((b) => b.path.toLowerCase() === byName.toLowerCase())?.path ?? null)
        : null;
    });
    paths.set(use, found);
    return found;
  };

  const requirePath = async (use: SpecialUse): Promise<string> => {
    const found = await pathOf(use);
    if (!found) {
      throw new KithError(
        'not_found',
        `the mailbox has no ${use.slice(1)} folder (special-use ${use}); create one in your mail client`,
      );
    }
    return found;
  };

  /** UIDs of the messages in `path` whose Message-ID header is `messageId`. */
  const uidsOf = async (c: ImapFlow, path: string, messageId: string): Promise<number[]> => {
    const lock = await c.getMailboxLock(path);
    try {
      // SEARCH HEADER is a substring match (RFC 3501 §6.4.4); the id is unique enough.
      const found = await c.search({ header: { 'message-id': messageId } }, { uid: true });
      return Array.isArray(found) ? found : [];
    } finally {
      lock.release();
    }
  };

  return {
    async appendDraft(raw) {
      const path = await requirePath('\\Drafts');
      await run((c) => c.append(path, raw, ['\\Draft', '\\Seen']), path);
    },
    async appendSent(raw, { pending }) {
      const path = await requirePath('\\Sent');
      const flags = pending ? ['\\Seen', PENDING_KEYWORD] : ['\\Seen'];
      await run((c) => c.append(path, raw, flags), path);
    },
    async findInSent(messageId) {
      const path = await requirePath('\\Sent');
      return run(async (c) => {
        const uids = await uidsOf(c, path, messageId);
        if (uids.length === 0) return 'absent';
        const lock = await c.getMailboxLock(path);
        try {
          const messages = await c.fetchAll(uids, { flags: true }, { uid: true });
          const finished = messages.some((m) => !m.flags?.has(PENDING_KEYWORD));
          return finished ? 'sent' : 'pending';
        } finally {
          lock.release();
        }
      }, path);
    },
    async clearPending(messageId) {
      const path = await requirePath('\\Sent');
      await run(async (c) => {
        const uids = await uidsOf(c, path, messageId);
        if (uids.length === 0) return;
        const lock = await c.getMailboxLock(path);
        try {
          await c.messageFlagsRemove(uids, [PENDING_KEYWORD], { uid: true });
        } finally {
          lock.release();
        }
      }, path);
    },
    async remove(use, messageId) {
      const path = await pathOf(use);
      if (!path) return 0;
      return run(async (c) => {
        const uids = await uidsOf(c, path, messageId);
        if (uids.length === 0) return 0;
        const lock = await c.getMailboxLock(path);
        try {
          await c.messageDelete(uids, { uid: true });
        } finally {
          lock.release();
        }
        return uids.length;
      }, path);
    },
    async has(use) {
      return (await pathOf(use)) !== null;
    },
    async release() {
      const c = client;
      client = undefined;
      if (!c) return;
      try {
        await c.logout();
      } catch {
        c.close();
      }
    },
  };
}
