import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { sql } from '../../src/db/kysely.js';
import { createMaildirSource } from '../../src/inbox/maildir-source.js';
import { runCli } from '../helpers/run-cli.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/small-disk.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { buildMail, newMessageId } from './build-mail.js';
import {
  captureLogger,
  counts,
  OWNER,
  SECRET,
  SERVICE,
  testDb,
  testIngester,
} from './ingest-helpers.js';

/**
 * The database on a real full disk (a small tmpfs): no mail may leave new/
 * without its outcome committed, the stop is said once with its cause, and
 * ingest resumes by itself once space is back.
 */

const tempDir = useTempDir();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function deliver(dir: string, name: string, raw: string): void {
  for (const sub of ['tmp', 'new']) mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, 'tmp', name), raw);
  renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
}

// Mounting needs root (as here and in CI); elsewhere these tests are skipped, not faked.
const probe = mountSmallDisk(1);
probe?.unmount();

function smallDisk(sizeMb: number): SmallDisk {
  const disk = mountSmallDisk(sizeMb) as SmallDisk;
  cleanups.push(() => disk.unmount());
  return disk;
}

describe.skipIf(probe === null)('ingest on a full disk (tmpfs)', () => {
  it('leaves every reply in new/, says why once, and stores them all once space is back', async () => {
    const small = smallDisk(8);
    const db = await testDb(small.dir);
    const maildir = path.join(tempDir(), 'maildir');
    const { logger, lines } = captureLogger();
    const { ingester } = testIngester(db, { now: () => new Date() });
    const source = createMaildirSource({ dir: maildir, ingester, logger, rescanMs: 100 });
    cleanups.push(async () => {
      await source.stop();
      await db.destroy();
    });

    const contacts = 12;
    const outreachIds: string[] = [];
    for (let i = 0; i < contacts; i++) {
      const id = newMessageId('example.org');
      outreachIds.push(id);
      deliver(
        maildir,
        `1.out${i}.test`,
        buildMail({
          from: OWNER,
          to: [`c${i}@contact.example`],
          bcc: [SERVICE],
          subject: 'Quick question',
          messageId: id,
        }),
      );
    }
    await source.start();
    const before = await counts(db);
    expect(before.contacts).toBe(contacts);

    // Every later write needs new space: fold the WAL away, then take all that is left.
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    small.fill(0);
    expect(readdirSync(path.join(maildir, 'cur'))).toHaveLength(contacts);
    for (let i = 0; i < contacts; i++) {
      deliver(
        maildir,
        `2.reply${i}.test`,
        buildMail({
          from: `c${i}@contact.example`,
          to: [OWNER],
          subject: 'Re: Quick question',
          inReplyTo: outreachIds[i],
          text: 'Happy to talk next week.\n',
        }),
      );
    }
    await waitFor(() => source.status().detail?.ingestStopped !== undefined, { timeoutMs: 10_000 });
    await source.scan();
    const newDir = path.join(maildir, 'new');
    expect(readdirSync(newDir)).toHaveLength(contacts);
    expect(readdirSync(path.join(maildir, 'cur'))).toHaveLength(contacts);
    expect((await counts(db)).messages).toBe(before.messages);
    const status = source.status();
    expect(status.state).toBe('degraded');
    expect(String(status.detail?.ingestStopped)).toMatch(/^disk full: .*free some space/);
    const stops = lines.filter((l) => l.includes('ingest stopped'));
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatch(/disk holding the database is full/);
    // No mail was put aside for a fault of the disk.
    expect((await counts(db)).quarantine).toBe(0);

    small.free();
    await waitFor(() => readdirSync(newDir).length === 0, { timeoutMs: 10_000 });
    const after = await counts(db);
    expect(after.messages).toBe(before.messages + contacts);
    expect(after.quarantine).toBe(0);
    expect(source.status().state).toBe('ok');
    expect(lines.some((l) => l.includes('ingest resumed'))).toBe(true);
    expect(existsSync(path.join(maildir, 'cur', '2.reply0.test:2,'))).toBe(true);
  });

  it('`kith ingest` stops with one line naming the cause, exit 1, and stores everything when run again', async () => {
    const small = smallDisk(8);
    const cwd = tempDir();
    const env = {
      KITH_OWNER_EMAIL: OWNER,
      KITH_SERVICE_ADDRESS: SERVICE,
      KITH_SECRET: SECRET,
      KITH_DATA_DIR: small.dir,
    };
    const outreach = path.join(cwd, 'outreach');
    const replies = path.join(cwd, 'replies');
    mkdirSync(outreach);
    mkdirSync(replies);
    const count = 10;
    for (let i = 0; i < count; i++) {
      const id = newMessageId('example.org');
      writeFileSync(
        path.join(outreach, `${i}.eml`),
        buildMail({ from: OWNER, to: [`c${i}@contact.example`], subject: 'Hi', messageId: id }),
      );
      writeFileSync(
        path.join(replies, `${i}.eml`),
        buildMail({ from: `c${i}@contact.example`, to: [OWNER], subject: 'Re: Hi', inReplyTo: id }),
      );
    }
    const first = await runCli(['ingest', outreach], { cwd, env });
    expect(first.code).toBe(0);
    const db = openDatabase(path.join(small.dir, 'kith.sqlite'));
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    await db.destroy();
    small.fill(0);

    const full = await runCli(['ingest', replies], { cwd, env });
    expect(full.code, `${full.stdout}${full.stderr}`).toBe(1);
    expect(full.stderr).not.toMatch(/\n\s+at /);
    const said = `${full.stdout}${full.stderr}`.trim().split('\n');
    expect(said.filter((l) => /disk holding the database is full/.test(l))).toHaveLength(1);
    expect(said.some((l) => /reply ·/.test(l))).toBe(false);

    small.free();
    const again = await runCli(['ingest', replies], { cwd, env });
    expect(again.code).toBe(0);
    expect(
      again.stdout
        .trim()
        .split('\n')
        .filter((l) => /reply ·.*contacted → replied/.test(l)),
    ).toHaveLength(count);
  });
});
