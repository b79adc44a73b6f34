import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/kysely.js';
import { createMaildirSource } from '../../src/inbox/maildir-source.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/small-disk.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { buildMail, newMessageId } from './build-mail.js';
import { captureLogger, counts, OWNER, SERVICE, testDb, testIngester } from './ingest-helpers.js';

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

const disk = mountSmallDisk(8);
if (disk) cleanups.push(() => undefined);

describe.skipIf(disk === null)('ingest on a full disk (tmpfs)', () => {
  it('leaves every reply in new/, says why once, and stores them all once space is back', async () => {
    const small = disk as SmallDisk;
    cleanups.push(() => small.unmount());
    const db = await testDb(small.dir);
    const maildir = path.join(tempDir(), 'maildir');
    const { logger, lines } = captureLogger();
    const { ingester } = testIngester(db, { now: () => new Date() });
    const source = createMaildirSource({ dir: maildir, ingester, logger, rescanMs: 100 });
    cleanups.push(async () => {
      await source.stop();
      await ingester.close();
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
});
