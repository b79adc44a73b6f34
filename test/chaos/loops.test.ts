import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { createLogger } from '../../src/log.js';
import {
  approveDraft,
  createContactDraft,
  type OutboxContext,
  queueOwnerMail,
} from '../../src/outbox/drafts.js';
import { createDraftCommandHandler } from '../../src/outbox/inbox-port.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import { useTempDir } from '../helpers/temp-dir.js';
import {
  OWNER,
  SECRET,
  SERVICE,
  seedContact,
  smtpEnv,
  startSmtp,
  type TestSmtp,
  testConfig,
  testDb,
} from '../outbox/harness.js';
import { held } from './results.js';

/** Item 6: automated mail answering kith's own mail is never answered; owner mail is capped. */

const SUITE = '6 loops';
const tempDir = useTempDir('kith-chaos-loops-');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(env: Record<string, string> = {}) {
  const smtp = await startSmtp();
  cleanups.push(() => smtp.close());
  const dir = tempDir();
  const db = await testDb(dir);
  const clock = { now: new Date('2026-12-02T09:30:00.000Z') };
  const config = testConfig(dir, { ...smtpEnv(smtp.port), ...env });
  const logger = createLogger({ secrets: [SECRET], write: () => undefined });
  const ctx: OutboxContext = { db, config, logger, now: () => clock.now };
  const loop = createSendLoop({ db, config, logger, now: () => clock.now, manual: true });
  await loop.start();
  const ingester = createIngester({
    db,
    config,
    logger,
    now: () => clock.now,
    drafts: createDraftCommandHandler({ config, logger }),
    parseWorkers: 0,
  });
  cleanups.push(async () => {
    await ingester.close();
    await loop.stop();
    await db.destroy();
  });
  return { smtp, db, ctx, loop, ingester, clock };
}

async function outboxCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const sentTo = (smtp: TestSmtp, address: string) =>
  smtp.received.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase())).length;

let counter = 0;
function automated(
  kind: string,
  from: string,
  answers: string,
): { name: string; from: string; raw: Buffer } {
  counter += 1;
  const base = [
    `From: ${from}`,
    `Message-ID: <auto-${counter}@auto.example>`,
    `In-Reply-To: <${answers}>`,
    `References: <${answers}>`,
    'Date: Wed, 02 Dec 2026 10:31:00 +0100',
  ];
  const text = ['Content-Type: text/plain; charset=utf-8', ''];
  const variants: Record<string, string[]> = {
    'auto-submitted': [
      `To: ${OWNER}`,
      'Subject: Automatic reply: Thank you',
      'Auto-Submitted: auto-replied',
      ...text,
      'I am out of the office until 14 December. approve',
    ],
    'x-autoreply': [
      `To: ${OWNER}`,
      'Subject: Out of Office: Thank you',
      'X-Autoreply: yes',
      'X-Autorespond: yes',
      ...text,
      'I am away with limited access to email.',
    ],
    'precedence-auto_reply': [
      `To: ${OWNER}`,
      'Subject: Re: Thank you',
      'Precedence: auto_reply',
      ...text,
      'Thanks for your message, I will reply when I am back.',
    ],
    'exchange-ooo': [
      `To: ${OWNER}`,
      'Subject: Automatic reply: Thank you',
      'X-Auto-Response-Suppress: All',
      'X-MS-Exchange-Inbox-Rules-Loop: ana@acme.example',
      ...text,
      'Out of office.',
    ],
    bounce: [
      `To: ${OWNER}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Auto-Submitted: auto-replied',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.acme.example',
      '',
      'Final-Recipient: rfc822; ana@acme.example',
      'Action: failed',
      'Status: 5.1.1',
      '--b--',
    ],
    'owner-vacation': [
      `To: kith <${SERVICE}>`,
      'Subject: Auto: Approve thank-you note',
      'Auto-Submitted: auto-replied',
      ...text,
      'I am on holiday. skip',
    ],
  };
  return {
    name: kind,
    from: /<([^>]+)>/.exec(from)?.[1] ?? from,
    raw: Buffer.from([...base, ...(variants[kind] as string[]), ''].join('\r\n')),
  };
}

describe('loops', () => {
  it('auto-replies and bounces to kith’s own mail are never answered', async () => {
    const s = await setup();
    const contactId = await seedContact(s.db);
    // kith's own mail out there: a sent thank-you to Ana and an approval request to the owner.
    const sent = await createContactDraft(s.ctx, {
      kind: 'thank_you',
      contactId,
      subject: 'Thank you',
      text: 'Hi Ana,\n\nThank you.\n\nSam\n',
      at: s.clock.now,
    });
    await approveDraft(s.ctx, sent.draft.id, { at: s.clock.now });
    const pending = await createContactDraft(s.ctx, {
      kind: 'keep_in_touch',
      contactId,
      subject: 'News',
      text: 'Hi Ana,\n\nNews.\n\nSam\n',
      at: s.clock.now,
    });
    await s.loop.runOnce();
    await s.loop.runOnce();
    const thankYouId = sent.draft.message_id;
    const requestId = pending.approvalRequest?.message_id as string;
    const mails = [
      automated('auto-submitted', 'Ana <ana@acme.example>', thankYouId),
      automated('x-autoreply', 'Ana <ana@acme.example>', thankYouId),
      automated('precedence-auto_reply', 'Ana <ana@acme.example>', thankYouId),
      automated('exchange-ooo', 'Ana <ana@acme.example>', thankYouId),
      automated('bounce', 'Mail Delivery System <MAILER-DAEMON@mx.acme.example>', thankYouId),
      automated('owner-vacation', `Sam <${OWNER}>`, requestId),
    ];
    for (const mail of mails) {
      const beforeRows = await outboxCount(s.db);
      const beforeSent = sentTo(s.smtp, mail.from);
      const stateBefore = await s.db.selectFrom('outbox').select(['id', 'state']).execute();
      const outcome = await s.ingester.ingest(mail.raw, {
        label: mail.name,
        receivedAt: s.clock.now,
      });
      // Several send rounds over the next hours: whatever got queued would go out.
      for (let i = 0; i < 3; i++) {
        s.clock.now = new Date(s.clock.now.getTime() + 3_600_000);
        await s.loop.runOnce();
      }
      const newRows = (await outboxCount(s.db)) - beforeRows;
      const answered = sentTo(s.smtp, mail.from) - beforeSent;
      const stateAfter = await s.db
        .selectFrom('outbox')
        .select(['id', 'state'])
        .where(
          'id',
          'in',
          stateBefore.map((r) => r.id),
        )
        .execute();
      await held(
        {
          suite: SUITE,
          tried: `${mail.name} answering kith's own mail (${mail.from})`,
          times: 1,
        },
        () => {
          expect(answered).toBe(0);
          if (mail.name === 'owner-vacation') {
            // No notice back to the owner's autoresponder, and no command run.
            expect(newRows).toBe(0);
            expect(stateAfter.filter((r) => r.state === 'skipped')).toHaveLength(0);
          } else {
            expect(newRows).toBe(0);
          }
          return `0 mails to the sender, ${newRows} new outbox rows; outcome ${outcome.status}${outcome.status === 'stored' ? ` (${outcome.kind})` : ''}`;
        },
      );
    }
  });

  it('never more than OWNER_MAIL_PER_HOUR mails to the owner, even with 100 queued', async () => {
    const cap = 30; // the default
    const s = await setup();
    for (let i = 0; i < 100; i++) {
      await queueOwnerMail(s.ctx, {
        kind: 'notice',
        subject: `flood ${i}`,
        text: 'A bug planned far too many of these.',
        at: s.clock.now,
      });
    }
    // A round every 5 minutes for 4 hours; the cap holds in every 60-minute window.
    const perRound: number[] = [];
    for (let round = 0; round < 48; round++) {
      const before = sentTo(s.smtp, OWNER);
      await s.loop.runOnce();
      perRound.push(sentTo(s.smtp, OWNER) - before);
      s.clock.now = new Date(s.clock.now.getTime() + 5 * 60_000);
    }
    const windows = perRound.map((_, i) => perRound.slice(i, i + 12).reduce((a, b) => a + b, 0));
    const perHour = [0, 12, 24, 36].map((i) => windows[i] as number);
    const waiting = await s.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '!=', 'sent')
      .executeTakeFirstOrThrow();
    await held(
      {
        suite: SUITE,
        tried: `100 owner mails queued at once, send loop run every 5 min for 4 h (OWNER_MAIL_PER_HOUR=${cap})`,
        times: 100,
      },
      () => {
        expect(Math.max(...windows)).toBeLessThanOrEqual(cap);
        const total = perRound.reduce((a, b) => a + b, 0);
        expect(total + Number(waiting.n)).toBe(100);
        return `sent per hour ${perHour.join(', ')} (max in any 60-min window ${Math.max(...windows)} ≤ ${cap}); ${Number(waiting.n)} still waiting, none dropped`;
      },
    );
  });
});
