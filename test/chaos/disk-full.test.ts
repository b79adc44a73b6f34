import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/kysely.js';
import { createMaildirSource } from '../../src/inbox/maildir-source.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/small-disk.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { buildMail, newMessageId } from '../inbox/build-mail.js';
import {
  captureLogger,
  counts,
  OWNER,
  SERVICE,
  testDb,
  testIngester,
} from '../inbox/ingest-helpers.js';
import { held } from './results.js';

/**
 * Issue 18, item 1: the database on a real tmpfs that runs full while
 * replies arrive in the Maildir. Each run leaves a different amount of
 * space, so the disk fills at a different point of the burst (mid-group,
 * at COMMIT, growing the WAL). Nothing may move to cur/ without its row.
 */

const tempDir = useTempDir();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const probe = mountSmallDisk(1);
probe?.unmount();

function deliver(dir: string, name: string, raw: string): void {
  writeFileSync(path.join(dir, 'tmp', name), raw);
  renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
}

describe.skipIf(probe === null)('disk full during ingest (tmpfs)', () => {
  it('every reply is stored or left in new/, and all are stored once space is back', async () => {
    const leaves = [0, 24, 64, 128];
    const perRun = 30;
    const totals = { stored: 0, leftInNew: 0, movedWithoutRow: 0, after: 0, quarantined: 0 };
    await held(
      {
        suite: '1 disk full during ingest',
        tried: `${leaves.length} runs × ${perRun} replies from known contacts into the Maildir, database on an 8 MB tmpfs filled to ${leaves.join('/')} KB free`,
        times: leaves.length * perRun,
      },
      async () => {
        for (const leave of leaves) {
          const disk = mountSmallDisk(8) as SmallDisk;
          cleanups.push(() => disk.unmount());
          const db = await testDb(disk.dir);
          const maildir = path.join(tempDir(), 'maildir');
          for (const sub of ['tmp', 'new', 'cur'])
            mkdirSync(path.join(maildir, sub), { recursive: true });
          const { logger } = captureLogger();
          const { ingester } = testIngester(db, { now: () => new Date() });
          const source = createMaildirSource({ dir: maildir, ingester, logger, rescanMs: 100 });
          cleanups.push(async () => {
            await source.stop();
            await db.destroy();
          });
          const ids: string[] = [];
          for (let i = 0; i < perRun; i++) {
            const id = newMessageId('example.org');
            ids.push(id);
            deliver(
              maildir,
              `1.o${i}`,
              buildMail({
                from: OWNER,
                to: [`c${i}@contact.example`],
                bcc: [SERVICE],
                messageId: id,
              }),
            );
          }
          await source.scan();
          const base = (await counts(db)).messages;
          await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
          disk.fill(leave);
          const replyIds: string[] = [];
          for (let i = 0; i < perRun; i++) {
            const id = newMessageId('contact.example');
            replyIds.push(id);
            deliver(
              maildir,
              `2.r${String(i).padStart(2, '0')}`,
              buildMail({
                from: `c${i}@contact.example`,
                to: [OWNER],
                subject: 'Re: Hello',
                inReplyTo: ids[i],
                messageId: id,
                text: `Sure, call me. ${'Details. '.repeat(200)}`,
              }),
            );
          }
          await source.scan();
          const inNew = readdirSync(path.join(maildir, 'new')).length;
          const rows = await db
            .selectFrom('messages')
            .select('message_id')
            .where('message_id', 'in', replyIds)
            .execute();
          const inCur = readdirSync(path.join(maildir, 'cur')).filter((n) =>
            n.startsWith('2.'),
          ).length;
          totals.stored += rows.length;
          totals.leftInNew += inNew;
          totals.movedWithoutRow += Math.max(0, inCur - rows.length);
          expect(inNew + inCur).toBe(perRun);
          expect(inCur).toBe(rows.length);
          disk.free();
          await source.start();
          await waitFor(() => readdirSync(path.join(maildir, 'new')).length === 0, {
            timeoutMs: 20_000,
          });
          const after = await counts(db);
          totals.after += after.messages - base;
          totals.quarantined += after.quarantine;
          await source.stop();
        }
        expect(totals.movedWithoutRow).toBe(0);
        expect(totals.after).toBe(leaves.length * perRun);
        expect(totals.quarantined).toBe(0);
        return `while full: ${totals.stored} stored, ${totals.leftInNew} left in new/, ${totals.movedWithoutRow} moved to cur/ without a row; after space was freed ${totals.after}/${leaves.length * perRun} stored, ${totals.quarantined} put aside`;
      },
    );
  });
});
