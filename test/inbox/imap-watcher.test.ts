import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { ImapConfig } from '../../src/config.js';
import { createContact } from '../../src/db/contacts.js';
import type { Db } from '../../src/db/database.js';
import { getSyncState } from '../../src/db/inbox-queries.js';
import {
  createImapWatcher,
  type ImapWatcher,
  type ImapWatcherOptions,
} from '../../src/inbox/imap-watcher.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { buildMail, ics, type MailSpec, newMessageId } from './build-mail.js';
import {
  counts,
  OWNER,
  SERVICE,
  stageOf,
  testConfig,
  testDb,
  testIngester,
} from './ingest-helpers.js';

const tempDir = useTempDir();
let dovecot: DovecotServer;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (!dovecot.running) await dovecot.start();
});

interface Harness {
  readonly db: Db;
  readonly user: string;
  readonly watcher: ImapWatcher;
  readonly lines: string[];
}

interface WatchOptions extends Partial<ImapWatcherOptions> {
  readonly user?: string;
  readonly mailboxes?: string[];
  readonly pass?: string;
  /** Runs on the fresh database before the watcher starts. */
  readonly prepare?: (db: Db) => Promise<void>;
}

async function watch(options: WatchOptions = {}): Promise<Harness> {
  const db = await testDb(tempDir());
  await options.prepare?.(db);
  const user = options.user ?? dovecot.newUser();
  const login = dovecot.login(user);
  const imap: ImapConfig = {
    host: login.host,
    port: login.port,
    secure: false,
    user,
    pass: options.pass ?? login.auth.pass,
    passCommand: undefined,
    auth: 'password',
    mailboxes: options.mailboxes,
  };
  const { ingester, lines } = testIngester(db, {
    now: () => new Date(),
    config: { ...testConfig, maxMessageBytes: 25 * 1024 * 1024 },
  });
  const watcher = createImapWatcher({
    imap,
    db,
    ingester,
    logger: captureInto(lines),
    backfillDays: 30,
    maxMessageBytes: 25 * 1024 * 1024,
    idleRestartMs: 60_000,
    timeoutMs: 5_000,
    reconnect: { initialMs: 100, maxMs: 500, authMaxMs: 1_000 },
    ...options,
  });
  cleanups.push(async () => {
    await watcher.stop();
    await db.destroy();
  });
  // A rare failure here is a timing question: the watcher's own account of it says which.
  onTestFailed(() => {
    console.error(`watcher log of the failed test:\n${lines.join('\n')}`);
    console.error(`mailboxes: ${JSON.stringify(watcher.mailboxes())}`);
  });
  await watcher.start();
  return { db, user, watcher, lines };
}

function captureInto(lines: string[]) {
  const push = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return { info: push('info'), warn: push('warn'), error: push('error') };
}

async function idle(h: Harness): Promise<void> {
  await waitFor(() => h.watcher.mailboxes().every((m) => m.connected && m.idling), {
    timeoutMs: 10_000,
    what: 'every mailbox to idle',
  });
}

function outreach(to: string, id = newMessageId('example.org')) {
  return {
    id,
    raw: buildMail({
      from: `Sam Owner <${OWNER}>`,
      to: [to],
      bcc: [SERVICE],
      subject: 'Quick question',
      messageId: id,
      text: 'Would you have 20 minutes for a chat?',
      // What the owner's provider prepends to the BCC copy it delivers: the proof it is theirs.
      headers: {
        'Authentication-Results': 'mx.example.org; dkim=pass header.d=example.org header.s=s1',
      },
    }),
  };
}

function kithStatus(h: Harness) {
  return h.watcher.mailboxes().find((m) => m.mailbox === 'Kith');
}

function reply(from: string, inReplyTo: string, text = 'Happy to help!') {
  return buildMail({ from, to: [OWNER], subject: 'Re: Quick question', inReplyTo, text });
}

describe('IMAP watcher against Dovecot', () => {
  it('handles an APPEND pushed by IDLE', async () => {
    const h = await watch();
    await idle(h);
    const started = Date.now();
    await dovecot.append(h.user, 'INBOX', outreach('ana@contact.example').raw);
    await waitFor(async () => (await stageOf(h.db, 'ana@contact.example')) === 'contacted', {
      timeoutMs: 5_000,
      what: 'the outreach to be handled',
    });
    // Well under any polling interval: the IDLE push, not a timer, did it.
    expect(Date.now() - started).toBeLessThan(3_000);
    await idle(h);
    const inbox = h.watcher.mailboxes().find((m) => m.mailbox === 'INBOX');
    expect(inbox?.lastMessageAt).not.toBeNull();
    expect(h.watcher.status().state).toBe('ok');
  });

  it('counts the BCC copy in INBOX and the Sent copy of one outreach once', async () => {
    const h = await watch();
    await idle(h);
    const o = outreach('bo@contact.example');
    await dovecot.append(h.user, 'Sent', o.raw);
    await dovecot.append(h.user, 'INBOX', o.raw);
    await waitFor(
      async () => {
        const inbox = await getSyncState(h.db, 'INBOX');
        const sent = await getSyncState(h.db, 'Sent');
        return inbox?.last_uid === 1 && sent?.last_uid === 1;
      },
      { timeoutMs: 5_000, what: 'both copies to be read' },
    );
    expect(await counts(h.db)).toMatchObject({ messages: 1, contacts: 1, history: 2 });
  });

  it('acts on a spoofed owner outreach in INBOX only once the same Message-ID shows up in Sent', async () => {
    const h = await watch();
    await idle(h);
    const id = newMessageId('example.org');
    const forged = (bcc: string[]) =>
      buildMail({
        from: `Sam Owner <${OWNER}>`,
        to: ['gil@contact.example', 'hal@contact.example'],
        bcc,
        subject: 'Quick question',
        messageId: id,
        text: 'Would you have 20 minutes for a chat?',
      });
    // No Authentication-Results, not in Sent: anyone could have written it.
    await dovecot.append(h.user, 'INBOX', forged([SERVICE]));
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 1, {
      what: 'the INBOX copy to be read',
    });
    expect(await counts(h.db)).toMatchObject({ contacts: 0, messages: 0, quarantine: 1 });
    const aside = await h.db.selectFrom('quarantine').select('reason').executeTakeFirstOrThrow();
    expect(aside.reason).toMatch(/^waiting for its Sent copy or a DKIM pass/);

    // The owner's client files it in Sent (without the Bcc: only the waiting Message-ID makes it relevant).
    await dovecot.append(h.user, 'Sent', forged([]));
    await waitFor(async () => (await stageOf(h.db, 'hal@contact.example')) === 'contacted', {
      what: 'the Sent copy to create the contacts',
    });
    expect(await counts(h.db)).toMatchObject({ contacts: 2, messages: 1, quarantine: 0 });
  });

  it('never downloads the body of unrelated mail', async () => {
    const h = await watch();
    await idle(h);
    await dovecot.append(
      h.user,
      'INBOX',
      buildMail({ from: 'shop@news.example', to: [OWNER], subject: 'Sale', text: 'private' }),
    );
    // Owner's everyday Sent mail to a stranger, without kith in Bcc: not kith's business.
    await dovecot.append(
      h.user,
      'Sent',
      buildMail({ from: OWNER, to: ['friend@else.example'], subject: 'Dinner?', text: 'private' }),
    );
    await dovecot.append(h.user, 'INBOX', outreach('cy@contact.example').raw);
    await waitFor(async () => (await stageOf(h.db, 'cy@contact.example')) === 'contacted', {
      what: 'the relevant mail',
    });
    await waitFor(async () => (await getSyncState(h.db, 'Sent'))?.last_uid === 1, {
      what: 'Sent to be read',
    });
    const stats = h.watcher.stats();
    expect(stats.headersFetched).toBe(3);
    expect(stats.bodiesFetched).toBe(1);
    expect((await counts(h.db)).messages).toBe(1);
  });

  it('asks for the structure only where the headers leave an invite possible', async () => {
    const h = await watch({ prepare: (db) => seedContact(db, 'ana@contact.example') });
    await idle(h);
    const calendarPart = {
      headers: 'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
      body: ics({
        method: 'REQUEST',
        uid: 'assistant-1@contact.example',
        start: '20261210T130000Z',
        end: '20261210T133000Z',
        organizer: 'assistant@contact.example',
        attendees: [{ address: OWNER }, { address: 'ana@contact.example' }],
      }),
    };
    // Multipart newsletter: bulk, so neither its structure nor its body is fetched.
    await dovecot.append(
      h.user,
      'INBOX',
      buildMail({
        from: 'news@news.example',
        to: [OWNER],
        headers: { 'List-Id': '<weekly.news.example>' },
        parts: [{ headers: 'Content-Type: text/html', body: '<p>private</p>' }],
      }),
    );
    // A stranger's multipart mail: its structure is read, it has no invite, its body stays.
    await dovecot.append(
      h.user,
      'INBOX',
      buildMail({
        from: 'someone@else.example',
        to: [OWNER],
        parts: [{ headers: 'Content-Type: application/pdf', body: 'JVBERi0=' }],
      }),
    );
    // An assistant's invite for a known contact: only the structure shows the calendar part.
    await dovecot.append(
      h.user,
      'INBOX',
      buildMail({
        from: 'assistant@contact.example',
        to: [OWNER],
        subject: 'Invitation: Coffee chat',
        parts: [calendarPart],
      }),
    );
    await waitFor(async () => (await stageOf(h.db, 'ana@contact.example')) === 'scheduled', {
      what: 'the invite to schedule the contact',
    });
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 3, {
      what: 'INBOX to be read',
    });
    const stats = h.watcher.stats();
    expect(stats.headersFetched).toBe(3);
    expect(stats.structuresFetched).toBe(2);
    expect(stats.bodiesFetched).toBe(1);
  });

  it('reads big mail as the parts it needs and leaves the attachments on the server', async () => {
    const h = await watch({ prepare: (db) => seedContact(db, 'ana@contact.example') });
    await idle(h);
    // ~400 KB of base64 each: bigger than the part-fetch threshold, and never needed.
    const attachment = (name: string) => ({
      headers: `Content-Type: application/pdf; name="${name}"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="${name}"`,
      body: Buffer.alloc(300_000, 7).toString('base64').replace(/.{76}/g, '$&\n'),
    });
    const fromAna = (subject: string, text: string, parts: MailSpec['parts']) =>
      dovecot.append(
        h.user,
        'INBOX',
        buildMail({ from: 'ana@contact.example', to: [OWNER], subject, text, parts }),
      );
    await fromAna('My CV', 'Here is my CV, as promised. Talk soon!', [attachment('cv.pdf')]);
    await fromAna('Invitation: Coffee chat', 'Invite attached, with the agenda.', [
      attachment('agenda.pdf'),
      {
        headers: 'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
        body: ics({
          method: 'REQUEST',
          uid: 'big-invite-1@contact.example',
          start: '20261210T130000Z',
          end: '20261210T133000Z',
          organizer: 'ana@contact.example',
          attendees: [{ address: OWNER }, { address: 'ana@contact.example' }],
        }),
      },
    ]);
    await waitFor(async () => (await stageOf(h.db, 'ana@contact.example')) === 'scheduled', {
      what: 'the invite to schedule the contact',
    });
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 2, {
      what: 'INBOX to be read',
    });
    // The reply's text was read, and (scheduled above) the invite's calendar part.
    const texts = await h.db.selectFrom('messages').select('text').orderBy('id').execute();
    expect(texts).toHaveLength(2);
    expect(texts[0]?.text).toBe('Here is my CV, as promised. Talk soon!');
    const stats = h.watcher.stats();
    expect(stats.bodiesFetched).toBe(2);
    expect(stats.bodiesInParts).toBe(2);
    // Two mails of ~400 KB each: what came down is their text and the invite.
    expect(stats.bodyBytes).toBeLessThan(10_000);
  });

  it('reconnects after Dovecot stops and starts, and catches up on what arrived meanwhile', async () => {
    const h = await watch();
    await idle(h);
    const o = outreach('dee@contact.example');
    await dovecot.append(h.user, 'INBOX', o.raw);
    await waitFor(async () => (await stageOf(h.db, 'dee@contact.example')) === 'contacted');
    await dovecot.stop();
    await waitFor(() => h.watcher.mailboxes().every((m) => !m.connected), {
      what: 'the drop to be noticed',
    });
    expect(h.watcher.status().state).toBe('degraded');
    // Retries meet a closed port, and say so.
    await waitFor(() => h.watcher.mailboxes().every((m) => m.lastError?.code === 'temporary'), {
      what: 'a refused reconnect',
    });
    // Delivered while the server is down: straight into the Maildir.
    dovecot.writeMaildir(h.user, 'INBOX', [reply('dee@contact.example', o.id)]);
    await dovecot.start();
    await waitFor(async () => (await stageOf(h.db, 'dee@contact.example')) === 'replied', {
      timeoutMs: 10_000,
      what: 'the catch-up after reconnecting',
    });
    await idle(h);
    const inbox = h.watcher.mailboxes().find((m) => m.mailbox === 'INBOX');
    expect(inbox?.reconnects).toBeGreaterThan(0);
    expect(JSON.stringify(h.watcher.status())).not.toContain(dovecot.password);
    expect(await counts(h.db)).toMatchObject({ messages: 2 });
  });

  it('treats a silent connection as dead and reconnects', async () => {
    const h = await watch({ idleRestartMs: 500, timeoutMs: 700 });
    await idle(h);
    dovecot.pause();
    try {
      await waitFor(() => h.watcher.mailboxes().every((m) => !m.connected), {
        timeoutMs: 8_000,
        what: 'the silent connection to be dropped',
      });
    } finally {
      dovecot.resume();
    }
    await idle(h);
    await dovecot.append(h.user, 'INBOX', outreach('eve@contact.example').raw);
    await waitFor(async () => (await stageOf(h.db, 'eve@contact.example')) === 'contacted', {
      what: 'mail after the reconnect',
    });
  });

  it('resyncs without duplicates when UIDVALIDITY changes', async () => {
    const user = dovecot.newUser();
    const client = await dovecot.connect(user);
    await client.mailboxCreate('Kith');
    // Dovecot says nothing to an idling session whose mailbox is deleted; the
    // next command (the heartbeat's EXAMINE) gets a BYE or the new UIDVALIDITY.
    const h = await watch({ user, mailboxes: ['INBOX', 'Kith'], idleRestartMs: 300 });
    await idle(h);
    const o = outreach('fay@contact.example');
    const first = reply('fay@contact.example', o.id);
    await client.append('Kith', o.raw);
    await client.append('Kith', first);
    await waitFor(async () => (await stageOf(h.db, 'fay@contact.example')) === 'replied');
    const before = await getSyncState(h.db, 'Kith');
    const historyBefore = (await counts(h.db)).history;

    await client.mailboxDelete('Kith');
    // The mailbox is recreated only once the watcher's session has let go of
    // the deleted one: while it holds it, Dovecot now and then refuses the
    // new mailbox's APPENDs ("NO Mailbox was deleted under us").
    await waitFor(() => (kithStatus(h)?.reconnects ?? 0) > 0, { what: 'the watcher to notice' });
    await client.mailboxCreate('Kith');
    await client.append('Kith', o.raw);
    await client.append('Kith', first);
    const appended = await client.append(
      'Kith',
      reply('fay@contact.example', o.id, 'One more thing: Thursday?'),
    );
    await client.logout();
    // The new mailbox's UIDs need not start at 1 again (Dovecot sometimes goes on from 3).
    const lastUid = appended ? appended.uid : undefined;
    expect(lastUid).toBeGreaterThan(0);
    await waitFor(
      async () => {
        const after = await getSyncState(h.db, 'Kith');
        return after && after.uid_validity !== before?.uid_validity && after.last_uid === lastUid;
      },
      { timeoutMs: 10_000, what: 'the resync' },
    );
    const c = await counts(h.db);
    expect(c.messages).toBe(3);
    expect(c.history).toBe(historyBefore);
  });

  it('backfills the configured window on a first start and reports progress', async () => {
    const user = dovecot.newUser();
    const recent = Array.from({ length: 12 }, (_, i) =>
      buildMail({
        from: 'gus@contact.example',
        to: [OWNER],
        subject: `Note ${i}`,
        text: `Message ${i}`,
      }),
    );
    const unrelated = Array.from({ length: 20 }, (_, i) =>
      buildMail({ from: `n${i}@news.example`, to: [OWNER], subject: 'News' }),
    );
    dovecot.writeMaildir(user, 'INBOX', [...recent.slice(0, 6), ...unrelated, ...recent.slice(6)]);
    // Older than the window: never read.
    dovecot.writeMaildir(
      user,
      'INBOX',
      [buildMail({ from: 'gus@contact.example', to: [OWNER], subject: 'Old' })],
      {
        receivedAt: new Date(Date.now() - 60 * 24 * 3600 * 1000),
      },
    );
    const h = await watch({ user, prepare: (db) => seedContact(db, 'gus@contact.example') });
    await waitFor(
      () => h.watcher.mailboxes().find((m) => m.mailbox === 'INBOX')?.backfill?.done === 32,
      {
        timeoutMs: 10_000,
        what: 'the backfill',
      },
    );
    const inbox = h.watcher.mailboxes().find((m) => m.mailbox === 'INBOX');
    expect(inbox?.backfill).toEqual({ done: 32, total: 32 });
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 33, {
      what: 'the cursor',
    });
    expect((await counts(h.db)).messages).toBe(12);
    expect(h.watcher.stats().bodiesFetched).toBe(12);
  });

  it('judges a batch whose headers came ahead only after the batch before is stored', async () => {
    // Batches of two: each one's headers are fetched while the one before is stored. The
    // replies in a later batch concern a contact only the outreach in an earlier one creates.
    const user = dovecot.newUser();
    const first = outreach('ida@contact.example');
    const second = outreach('jo@contact.example');
    const filler = (i: number) =>
      buildMail({ from: `n${i}@news.example`, to: [OWNER], subject: 'News' });
    dovecot.writeMaildir(user, 'INBOX', [
      filler(1),
      first.raw,
      reply('Ida <ida@contact.example>', first.id),
      second.raw,
      filler(2),
      reply('Jo <jo@contact.example>', second.id),
      filler(3),
    ]);
    const h = await watch({ user, headerBatchSize: 2 });
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 7, {
      what: 'the backfill to reach the last UID',
    });
    expect(await stageOf(h.db, 'ida@contact.example')).toBe('replied');
    expect(await stageOf(h.db, 'jo@contact.example')).toBe('replied');
    expect(h.watcher.stats()).toMatchObject({ headersFetched: 7, bodiesFetched: 4 });
  });

  it('reads every mail of a backfill whose UIDs are scattered, its headers split across FETCHes', async () => {
    // 2,400 mails with every odd UID expunged: the 1,200 left fit one batch by count, but
    // their UID set ("2,4,…,2400") runs over 5,000 characters, so it goes out as two FETCHes.
    const user = dovecot.newUser();
    dovecot.writeMaildir(
      user,
      'INBOX',
      Array.from({ length: 2_400 }, (_, i) =>
        (i + 1) % 100 === 0
          ? reply('Kim <kim@contact.example>', `elsewhere-${i}@x`, `Note ${i + 1}`)
          : buildMail({ from: `n${i}@news.example`, to: [OWNER], subject: 'News' }),
      ),
    );
    const client = await dovecot.connect(user);
    await client.mailboxOpen('INBOX');
    const odd = Array.from({ length: 1_200 }, (_, i) => 2 * i + 1);
    await client.messageDelete(odd.join(','), { uid: true });
    await client.logout();

    const h = await watch({ user, prepare: (db) => seedContact(db, 'kim@contact.example') });
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 2_400, {
      timeoutMs: 20_000,
      what: 'the backfill to reach the last UID',
    });
    expect(h.watcher.stats()).toMatchObject({ headersFetched: 1_200, bodiesFetched: 24 });
    expect((await counts(h.db)).messages).toBe(24);
  });

  it('keeps running through broken, odd and huge mail', async () => {
    const h = await watch({ prepare: (db) => seedContact(db, 'hal@contact.example') });
    await idle(h);
    const big = buildMail({
      from: 'hal@contact.example',
      to: [OWNER],
      subject: 'Slides',
      messageId: 'huge@contact.example',
      text: 'See attached',
      parts: [
        {
          headers:
            'Content-Type: application/octet-stream; name="deck.bin"\nContent-Transfer-Encoding: base64',
          body: Buffer.alloc(30 * 1024 * 1024 * 0.75, 7)
            .toString('base64')
            .replace(/.{76}/g, '$&\n'),
        },
      ],
    });
    await dovecot.append(h.user, 'INBOX', big);
    await dovecot.append(h.user, 'INBOX', fromContact('hal@contact.example', 'broken'));
    await dovecot.append(h.user, 'INBOX', fromContact('hal@contact.example', 'charset'));
    await dovecot.append(h.user, 'INBOX', fromContact('hal@contact.example', 'no-id'));
    await dovecot.append(h.user, 'INBOX', fromContact('hal@contact.example', 'header-bomb'));
    await dovecot.append(
      h.user,
      'INBOX',
      reply('hal@contact.example', 'none@x', 'Still here, happy to talk.'),
    );
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 6, {
      timeoutMs: 20_000,
      what: 'all six to be handled',
    });
    const aside = await h.db
      .selectFrom('quarantine')
      .select(['reason', 'message_id'])
      .orderBy('id')
      .execute();
    // The 30 MB mail is over the cap, but its text is not: read without the attachment.
    expect(aside.map((q) => q.reason.split(':')[0])).toEqual(['unparseable']);
    expect(h.watcher.stats()).toMatchObject({ bodiesFetched: 6, bodiesInParts: 1 });
    const huge = await h.db
      .selectFrom('messages')
      .select('text')
      .where('message_id', '=', 'huge@contact.example')
      .executeTakeFirst();
    expect(huge?.text).toBe('See attached');
    expect((await counts(h.db)).messages).toBe(5);
    expect(await stageOf(h.db, 'hal@contact.example')).toBe('replied');
    expect(h.watcher.status().state).toBe('ok');
  }, 60_000);

  it('puts aside mail whose parts to read are over the size cap, not mail whose attachment is', async () => {
    const cap = 1024 * 1024;
    const h = await watch({
      prepare: (db) => seedContact(db, 'ida@contact.example'),
      maxMessageBytes: cap,
    });
    await idle(h);
    const base64 = (bytes: number) =>
      Buffer.alloc(bytes, 7).toString('base64').replace(/.{76}/g, '$&\n');
    const fromIda = (subject: string, text: string, parts?: MailSpec['parts']) =>
      dovecot.append(
        h.user,
        'INBOX',
        buildMail({ from: 'ida@contact.example', to: [OWNER], subject, text, parts }),
      );
    const zip = {
      headers: 'Content-Type: application/zip\nContent-Transfer-Encoding: base64',
      body: base64(2 * cap),
    };
    await fromIda('Photos', 'Photos from the meetup attached.', [zip]);
    await fromIda('Long read', 'x'.repeat(2 * cap));
    await fromIda('Long read, with photos', 'y'.repeat(1.5 * cap), [zip]);
    await waitFor(async () => (await getSyncState(h.db, 'INBOX'))?.last_uid === 3, {
      what: 'all three to be handled',
    });
    const aside = await h.db.selectFrom('quarantine').select('reason').orderBy('id').execute();
    expect(aside.map((q) => q.reason)).toEqual([
      expect.stringMatching(
        /^too large: \d+ bytes, over KITH_MAX_MESSAGE_BYTES \(1048576\); not downloaded$/,
      ),
      expect.stringMatching(
        /^too large: the parts kith reads come to \d+ bytes, over KITH_MAX_MESSAGE_BYTES/,
      ),
    ]);
    const stored = await h.db.selectFrom('messages').select('text').execute();
    expect(stored.map((m) => m.text)).toEqual(['Photos from the meetup attached.']);
    expect(h.watcher.stats()).toMatchObject({ bodiesFetched: 1, bodiesInParts: 1 });
  });

  it('backs off and reports an auth failure without the password', async () => {
    const h = await watch({ pass: 'wrong-password-123' });
    await waitFor(() => h.watcher.mailboxes().every((m) => m.lastError?.code === 'auth'), {
      what: 'the auth error',
    });
    const status = JSON.stringify(h.watcher.status());
    expect(status).not.toContain('wrong-password-123');
    expect(status).toContain('IMAP_PASS');
    expect(h.watcher.status().state).toBe('degraded');
  });
});

async function seedContact(db: Db, address: string): Promise<void> {
  await createContact(
    db,
    { emails: [address], source: 'manual', stage: 'contacted' },
    '2026-11-01T00:00:00.000Z',
  );
}

function fromContact(from: string, kind: 'broken' | 'charset' | 'no-id' | 'header-bomb'): string {
  const head = `From: ${from}\r\nTo: ${OWNER}\r\nSubject: ${kind}\r\n`;
  switch (kind) {
    case 'broken':
      return `${head}Message-ID: <broken-${Date.now()}@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="open"\r\n\r\n--open\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64###\r\n`;
    case 'charset':
      return `${head}Message-ID: <charset-${Date.now()}@x>\r\nDate: never\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nHello.\r\n`;
    case 'no-id':
      return `${head}\r\nNo Message-ID here.\r\n`;
    case 'header-bomb':
      return `${head}Message-ID: <bomb-${Date.now()}@x>\r\nX-Filler: ${'a'.repeat(2 * 1024 * 1024)}\r\n\r\nbody\r\n`;
  }
}
