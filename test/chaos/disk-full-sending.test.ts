import { afterEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/kysely.js';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import { createContactDraft, type OutboxContext } from '../../src/outbox/drafts.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/small-disk.js';
import {
  OWNER,
  quietLogger,
  seedContact,
  smtpEnv,
  startSmtp,
  testConfig,
  testDb,
} from '../outbox/harness.js';
import { held } from './results.js';

/**
 * Issue 18, item 6: the data dir (database, outbox) on a real tmpfs that is
 * full while approved mail waits to be sent. Nothing may be marked sent
 * that the server did not get, nothing may go out twice, and once space is
 * back every mail is sent or the owner is told it was not.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const probe = mountSmallDisk(1);
probe?.unmount();

describe.skipIf(probe === null)('disk full during sending (tmpfs)', () => {
  it('nothing marked sent that was not sent, nothing sent twice, all out once space is back', async () => {
    const leaves = [0, 16, 64, 256];
    const perRun = 8;
    const totals = {
      sentWhileFull: 0,
      deliveredWhileFull: 0,
      failedDelivered: 0,
      roundErrors: 0,
      markedNotDelivered: 0,
      deliveredTwice: 0,
      sentAfter: 0,
      failedOwnerTold: 0,
      open: 0,
    };
    await held(
      {
        suite: '6 disk full during sending',
        tried: `${leaves.length} runs × ${perRun} approved mails to contacts, data dir on an 8 MB tmpfs filled to ${leaves.join('/')} KB free, send rounds while full, then space freed`,
        times: leaves.length * perRun,
      },
      async () => {
        for (const leave of leaves) {
          const disk = mountSmallDisk(8) as SmallDisk;
          cleanups.push(() => disk.unmount());
          const smtp = await startSmtp();
          cleanups.push(() => smtp.close());
          const db = await testDb(disk.dir);
          const clock = { now: new Date('2026-12-02T09:30:00.000Z') };
          const config = testConfig(disk.dir, smtpEnv(smtp.port));
          const logger = quietLogger();
          const ctx: OutboxContext = { db, config, logger, now: () => clock.now };
          const loop = createSendLoop({ db, config, logger, now: () => clock.now, manual: true });
          await loop.start();
          cleanups.push(async () => {
            await loop.stop().catch(() => undefined);
            await db.destroy();
          });
          const drafts: { id: number; address: string }[] = [];
          for (let i = 0; i < perRun; i++) {
            const address = `c${i}@acme.example`;
            const contactId = await seedContact(db, { name: `Contact ${i}`, email: address });
            const { draft } = await createContactDraft(ctx, {
              kind: 'thank_you',
              contactId,
              subject: `Thank you ${i}`,
              text: `Hi,\n\nThank you for the advice. ${'More words. '.repeat(100)}\n\nSam\n`,
              at: clock.now,
            });
            await approveDraft(ctx, draft.id, { at: clock.now });
            drafts.push({ id: draft.id, address });
          }
          await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
          disk.fill(leave);
          const deliveries = (address: string) =>
            smtp.received.filter((m) => m.to.includes(address)).length;
          for (let round = 0; round < 4; round++) {
            await loop.runOnce().catch(() => {
              totals.roundErrors += 1;
            });
            clock.now = new Date(clock.now.getTime() + 60_000);
          }
          totals.deliveredWhileFull += drafts.filter((d) => deliveries(d.address) > 0).length;
          for (const d of drafts) {
            // Reads work on a full disk.
            const row = await findOutboxById(db, d.id);
            if (row?.state === 'sent') {
              totals.sentWhileFull += 1;
              if (deliveries(d.address) !== 1) totals.markedNotDelivered += 1;
            }
          }
          disk.free();
          for (let round = 0; round < 20; round++) {
            await loop.runOnce().catch(() => undefined);
            clock.now = new Date(clock.now.getTime() + 10 * 60_000);
            const states = await Promise.all(drafts.map((d) => findOutboxById(db, d.id)));
            if (states.every((r) => r?.state === 'sent' || r?.state === 'failed')) break;
          }
          for (const d of drafts) {
            const row = await findOutboxById(db, d.id);
            const n = deliveries(d.address);
            if (n > 1) totals.deliveredTwice += 1;
            if (row?.state === 'sent') {
              totals.sentAfter += 1;
              if (n !== 1) totals.markedNotDelivered += 1;
            } else if (row?.state === 'failed') {
              const told = smtp.received.some(
                (m) => m.to.includes(OWNER) && m.raw.includes(`Thank you ${drafts.indexOf(d)}`),
              );
              if (told) totals.failedOwnerTold += 1;
              if (n > 0) totals.failedDelivered += 1;
              else totals.open += 1;
            } else {
              totals.open += 1;
            }
          }
        }
        expect(totals.markedNotDelivered).toBe(0);
        expect(totals.deliveredTwice).toBe(0);
        expect(totals.open).toBe(0);
        return `while full: ${totals.deliveredWhileFull} delivered, ${totals.sentWhileFull} recorded sent, ${totals.roundErrors} rounds threw, ${totals.markedNotDelivered} marked sent without delivery; after space was freed: ${totals.sentAfter}/${leaves.length * perRun} sent once, ${totals.failedOwnerTold} marked not sent with the owner told (${totals.failedDelivered} of them had been delivered before the record failed), ${totals.deliveredTwice} delivered twice, ${totals.open} left open`;
      },
    );
  });
});
