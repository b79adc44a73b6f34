import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { type Config, loadConfig } from '../../src/config.js';
import { createContact } from '../../src/db/contacts.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger, type Logger } from '../../src/log.js';

/** Shared set-up for the outbox tests: settings, a real SQLite file, a real SMTP peer. */

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const OWNER = 'sam@example.org';
export const SERVICE = 'sam+kith@example.org';

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      KITH_DATA_DIR: dataDir,
      KITH_OWNER_EMAIL: OWNER,
      KITH_OWNER_NAME: 'Sam Rivera',
      KITH_SERVICE_ADDRESS: SERVICE,
      KITH_SECRET: SECRET,
      KITH_TIMEZONE: 'Europe/Berlin',
      ...env,
    },
    { cwd: dataDir },
  );
}

export async function testDb(dataDir: string): Promise<Db> {
  const db = openDatabase(path.join(dataDir, 'kith.sqlite'));
  await migrateToLatest(db);
  return db;
}

export function quietLogger(lines: string[] = []): Logger {
  return createLogger({ secrets: [SECRET], write: (line) => lines.push(line) });
}

export async function seedContact(
  db: Db,
  options: { name?: string; email?: string; at?: string } = {},
): Promise<number> {
  const contact = await createContact(
    db,
    {
      name: options.name ?? 'Ana Souza',
      emails: [options.email ?? 'ana@acme.example'],
      company: 'Acme',
      source: 'manual',
      stage: 'met',
    },
    options.at ?? '2026-11-20T10:00:00.000Z',
  );
  return contact.id;
}

/** A message in the contact's thread, as ingest would have stored it. */
export async function seedThreadMessage(
  db: Db,
  contactId: number,
  values: { messageId: string; references?: string; date: string; direction?: 'in' | 'out' },
): Promise<void> {
  await db
    .insertInto('messages')
    .values({
      message_id: values.messageId,
      thread_id: null,
      contact_id: contactId,
      direction: values.direction ?? 'in',
      kind: 'reply',
      from_address: 'ana@acme.example',
      to_addresses: OWNER,
      subject: 'Re: coffee?',
      date: values.date,
      in_reply_to: null,
      references: values.references ?? '',
      text: 'Sounds good.',
      created_at: values.date,
    })
    .execute();
}

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
  /** Header block, unfolded, lower-cased names. */
  header(name: string): string | undefined;
}

export interface TestSmtp {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** How many DATA transfers were attempted (accepted or refused). */
  attempts: number;
  close(): Promise<void>;
}

export type DataReply = (
  mail: ReceivedMail,
  attempt: number,
) => Promise<{ code: number; message: string } | null> | { code: number; message: string } | null;

/**
 * smtp-server as the real peer. `reply` decides each DATA answer: null
 * accepts (250), else the given code refuses; accepted mail is recorded.
 */
export async function startSmtp(reply: DataReply = () => null): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const state = { attempts: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        state.attempts += 1;
        const mail = toReceived(session, Buffer.concat(chunks).toString('utf8'));
        try {
          const answer = await reply(mail, state.attempts);
          if (answer) {
            const error = Object.assign(new Error(answer.message), {
              responseCode: answer.code,
            });
            callback(error);
            return;
          }
          received.push(mail);
          callback(null);
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    get attempts() {
      return state.attempts;
    },
    set attempts(n: number) {
      state.attempts = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function toReceived(session: SMTPServerSession, raw: string): ReceivedMail {
  const headerBlock = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = headerBlock.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) {
      const name = line.slice(0, i).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(i + 1).trim());
    }
  }
  return {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((r) => r.address),
    raw,
    header: (name) => headers.get(name.toLowerCase()),
  };
}

export function smtpEnv(port: number): Record<string, string> {
  return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_SECURE: 'false' };
}
