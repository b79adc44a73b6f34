import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, withSecret } from '../../src/config.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createImapWatcher } from '../../src/inbox/imap-watcher.js';
import { createIngester, type IngestOutcome } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { startDovecot } from '../helpers/dovecot.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { OWNER, SECRET, SERVICE } from './corpus.js';
import {
  deepNesting,
  hugeAttachment,
  hugeHeader,
  MUTATIONS,
  type Mutation,
  mutate,
  rng,
} from './mutator.js';
import { held } from './results.js';

/**
 * Item 4: 10,000+ mutated messages through the real ingest path (the
 * ingester every source uses), default settings.
 */

const SUITE = '4 bad mail';
const MUTANTS = 10_000;
const HUGE_HEADERS = 10; // 1 MB header lines
const DEEP = 10; // 100-level nested multiparts
const CONTACTS = 100;
const IN_FLIGHT = 8;
const RSS_BOUND_MB = 768;

const tempDir = useTempDir('kith-chaos-fuzz-');
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
});

const contact = (k: number) => ({
  address: `fuzz${k}@company${k % 13}.example`,
  ref: `fuzz-outreach-${k}@example.org`,
});

function outreach(k: number): Buffer {
  const c = contact(k);
  return Buffer.from(
    [
      // The DKIM pass the owner's provider prepends to a BCC copy: From: alone proves nothing.
      'Authentication-Results: mx.example.org; dkim=pass header.d=example.org',
      `From: Sam Owner <${OWNER}>`,
      `To: <${c.address}>`,
      `Bcc: ${SERVICE}`,
      'Subject: Twenty minutes?',
      'Date: Mon, 30 Nov 2026 09:00:00 +0100',
      `Message-ID: <${c.ref}>`,
      '',
      'Would you have 20 minutes?',
      '',
    ].join('\r\n'),
  );
}

async function freshDb(dir: string): Promise<Db> {
  const db = openDatabase(path.join(dir, 'kith.sqlite'));
  dbs.push(db);
  await migrateToLatest(db);
  return db;
}

function chaosConfig(dir: string) {
  return withSecret(
    loadConfig(
      {
        KITH_DATA_DIR: dir,
        KITH_OWNER_EMAIL: OWNER,
        KITH_SERVICE_ADDRESS: SERVICE,
        KITH_TIMEZONE: 'Europe/Berlin',
      },
      { cwd: dir },
    ),
    SECRET,
  );
}

/**
 * True when the mutated bytes still carry a header line naming the sender's
 * address or the outreach it answers, at the start of a line of the header
 * block: what kith needs to know the reply is a contact's.
 */
function identityReadable(raw: Buffer, from: { address: string; ref: string }): boolean {
  const text = raw.toString('latin1');
  const blank = text.search(/\r?\n\r?\n/);
  const head = blank === -1 ? text : text.slice(0, blank);
  return head
    .split(/\r\n|\n|\r/)
    .some(
      (line) =>
        (/^From:/i.test(line) && line.includes(`<${from.address}>`)) ||
        line.startsWith(`In-Reply-To: <${from.ref}>`),
    );
}

describe('bad mail', () => {
  it('the IMAP watcher keeps running through bad mail in the mailbox', async () => {
    const dovecot = await startDovecot();
    const dir = tempDir();
    const db = await freshDb(dir);
    const config = chaosConfig(dir);
    const logger = createLogger({ secrets: [SECRET], write: () => undefined });
    const ingester = createIngester({ db, config, logger, ...outboxPorts(config, logger) });
    const user = dovecot.newUser('fuzz');
    const random = rng(99);
    const mail: Buffer[] = [];
    for (let k = 0; k < 20; k++) mail.push(outreach(k));
    for (let i = 0; i < 300; i++) {
      const kind = MUTATIONS[i % MUTATIONS.length] as (typeof MUTATIONS)[number];
      mail.push(mutate(i, kind, random, contact(i % 20)));
    }
    mail.push(hugeHeader(900, contact(1), 1024 * 1024), deepNesting(901, contact(2), 100));
    mail.push(hugeAttachment(902, contact(3)));
    dovecot.writeMaildir(user, 'INBOX', mail);
    const login = dovecot.login(user);
    const watcher = createImapWatcher({
      imap: {
        host: login.host,
        port: login.port,
        secure: false,
        user,
        pass: login.auth.pass,
        passCommand: undefined,
        auth: 'password',
        mailboxes: ['INBOX'],
      },
      db,
      ingester,
      logger,
      backfillDays: 3650,
      maxMessageBytes: config.maxMessageBytes,
    });
    try {
      await watcher.start();
      await watcher.caughtUp();
      const last = await db
        .selectFrom('sync_state')
        .select('last_uid')
        .where('mailbox', '=', 'INBOX')
        .executeTakeFirst();
      // Still watching: a clean reply appended now is handled.
      await dovecot.append(
        user,
        'INBOX',
        [
          `From: <${contact(4).address}>`,
          `To: ${OWNER}`,
          'Subject: Re: Twenty minutes?',
          'Message-ID: <after-imap@company4.example>',
          `In-Reply-To: <${contact(4).ref}>`,
          '',
          'Sure.',
          '',
        ].join('\r\n'),
      );
      await waitFor(
        async () =>
          (await db
            .selectFrom('messages')
            .select('id')
            .where('message_id', '=', 'after-imap@company4.example')
            .executeTakeFirst()) !== undefined,
        { timeoutMs: 10_000, what: 'the clean reply after the bad mail' },
      );
      const quarantined = await db.selectFrom('quarantine').select(['reason']).execute();
      const state = watcher.status().state;
      await held(
        {
          suite: SUITE,
          tried:
            'the same kinds of bad mail (300 mutants, 1 MB header, 100-level nesting, 50 MB attachment) in a Dovecot INBOX under the real IMAP watcher',
          times: mail.length,
        },
        () => {
          expect(last?.last_uid).toBe(mail.length);
          expect(state).toBe('ok');
          expect(quarantined.every((q) => q.reason.length > 3)).toBe(true);
          const reasons = [...new Set(quarantined.map((q) => q.reason.split(':')[0]))].join(', ');
          return `checkpoint reached UID ${last?.last_uid} of ${mail.length}, ${quarantined.length} quarantined (${reasons}); watcher ${state}, next mail handled`;
        },
      );
    } finally {
      await watcher.stop();
      await dovecot.close();
    }
  });

  it('10,000 mutated messages: each handled or quarantined with a reason, memory bounded', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'kith.sqlite'));
    dbs.push(db);
    await migrateToLatest(db);
    const config = withSecret(
      loadConfig(
        {
          KITH_DATA_DIR: dir,
          KITH_OWNER_EMAIL: OWNER,
          KITH_SERVICE_ADDRESS: SERVICE,
          KITH_TIMEZONE: 'Europe/Berlin',
        },
        { cwd: dir },
      ),
      SECRET,
    );
    const logger = createLogger({ secrets: [SECRET], write: () => undefined });
    const ingester = createIngester({ db, config, logger, ...outboxPorts(config, logger) });
    try {
      for (let k = 0; k < CONTACTS; k++) {
        const o = await ingester.ingest(outreach(k), {
          label: `seed:${k}`,
          receivedAt: new Date(),
        });
        expect(o.status).toBe('stored');
      }

      const random = rng(4242);
      const byKind = new Map<Mutation | 'huge-attachment', Record<string, number>>();
      const outcomes: Record<string, number> = {};
      const reasons = new Map<string, number>();
      let total = 0;
      let thrown = 0;
      let peakRss = process.memoryUsage().rss;
      const baseRss = peakRss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 20);
      const inflight: Promise<void>[] = [];
      // Replies from known contacts that were neither stored nor put aside, and whether the
      // mutation left their sender address or thread reference readable.
      const notStored: { kind: string; readable: boolean }[] = [];
      const feed = async (
        kind: Mutation | 'huge-attachment',
        raw: Buffer,
        from: { address: string; ref: string },
      ) => {
        total += 1;
        const done = ingester
          .ingest(raw, { label: `fuzz:${total}:${kind}`, receivedAt: new Date() })
          .then(
            (o: IngestOutcome) => {
              outcomes[o.status] = (outcomes[o.status] ?? 0) + 1;
              const counts = byKind.get(kind) ?? {};
              counts[o.status] = (counts[o.status] ?? 0) + 1;
              byKind.set(kind, counts);
              if (o.status === 'unrelated' || o.status === 'duplicate') {
                notStored.push({ kind, readable: identityReadable(raw, from) });
              }
              if (o.status === 'quarantined') {
                expect(o.reason.trim().length).toBeGreaterThan(3);
                const key = o.reason.split(':')[0] as string;
                reasons.set(key, (reasons.get(key) ?? 0) + 1);
              }
            },
            () => {
              thrown += 1;
            },
          );
        inflight.push(done);
        if (inflight.length >= IN_FLIGHT) await inflight.shift();
      };

      const started = Date.now();
      for (let i = 0; i < MUTANTS; i++) {
        const c = contact(Math.floor(random() * CONTACTS));
        if (i % Math.floor(MUTANTS / HUGE_HEADERS) === 7) {
          await feed('huge-header', hugeHeader(i, c, 1024 * 1024), c);
        } else if (i % Math.floor(MUTANTS / DEEP) === 11) {
          await feed('deep-nesting', deepNesting(i, c, 100), c);
        } else {
          const kind = MUTATIONS[i % MUTATIONS.length] as (typeof MUTATIONS)[number];
          await feed(kind, mutate(i, kind, random, c), c);
        }
      }
      await feed('huge-attachment', hugeAttachment(MUTANTS, contact(0)), contact(0));
      await Promise.all(inflight);
      const ms = Date.now() - started;
      clearInterval(sampler);

      // Still working afterwards: a clean reply is handled as usual.
      const after = await ingester.ingest(
        Buffer.from(
          [
            `From: <${contact(1).address}>`,
            `To: ${OWNER}`,
            'Subject: Re: Twenty minutes?',
            'Message-ID: <after-the-storm@company1.example>',
            `In-Reply-To: <${contact(1).ref}>`,
            '',
            'Sure, Tuesday works.',
            '',
          ].join('\r\n'),
        ),
        { label: 'after', receivedAt: new Date() },
      );
      const quarantineRows = Number(
        (
          await db
            .selectFrom('quarantine')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('reason', '=', '')
            .executeTakeFirstOrThrow()
        ).n,
      );
      const quarantineTotal = Number(
        (
          await db
            .selectFrom('quarantine')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const handled = total - (outcomes.quarantined ?? 0) - thrown;
      const summary = Object.entries(outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const topReasons = [...reasons.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([r, n]) => `"${r}" ${n}`)
        .join(', ');

      await held(
        {
          suite: SUITE,
          tried: `mutated mail through the ingest path: ${MUTATIONS.join(', ')}; plus ${HUGE_HEADERS}× 1 MB header line, ${DEEP}× 100-level nested multipart, 1× 50 MB attachment (seed 4242)`,
          times: total,
        },
        () => {
          expect(thrown).toBe(0);
          expect(handled + (outcomes.quarantined ?? 0)).toBe(total);
          expect(quarantineRows).toBe(0);
          expect(quarantineTotal).toBeGreaterThanOrEqual(outcomes.quarantined ?? 0);
          expect(after.status).toBe('stored');
          return `handled ${handled} + quarantined ${outcomes.quarantined ?? 0} = ${total}, 0 thrown (${summary}); top reasons ${topReasons}; ingest still works after; ${(ms / 1000).toFixed(1)} s`;
        },
      );
      const readable = notStored.filter((n) => n.readable).length;
      const byMutation = Object.entries(
        notStored.reduce<Record<string, number>>((acc, n) => {
          acc[n.kind] = (acc[n.kind] ?? 0) + 1;
          return acc;
        }, {}),
      )
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      await held(
        {
          suite: SUITE,
          tried: `every mutant is a reply from one of ${CONTACTS} known contacts: how many were neither stored nor put aside, and could kith have read who sent them`,
          times: total,
        },
        () => {
          expect(readable).toBe(0);
          return `${outcomes.stored ?? 0} stored, ${outcomes.quarantined ?? 0} put aside with a reason, ${notStored.length} not stored${notStored.length > 0 ? ` (${byMutation}): in all ${notStored.length} the mutation destroyed both the From address and the In-Reply-To line (cut off or overwritten), ${readable} were readable` : ''}`;
        },
      );
      await held(
        {
          suite: SUITE,
          tried: `resident memory while ingesting the mutated mail (sampled every 20 ms; bound ${RSS_BOUND_MB} MB)`,
          times: total,
        },
        () => {
          const peakMb = peakRss / 1024 / 1024;
          expect(peakMb).toBeLessThan(RSS_BOUND_MB);
          return `peak RSS ${peakMb.toFixed(0)} MB (start ${(baseRss / 1024 / 1024).toFixed(0)} MB, bound ${RSS_BOUND_MB} MB)`;
        },
      );
      const perKind = [...byKind.entries()]
        .map(
          ([k, v]) =>
            `${k}: ${Object.entries(v)
              .map(([s, n]) => `${s} ${n}`)
              .join('/')}`,
        )
        .join('; ');
      console.log(perKind);
    } finally {
    }
  });
});
