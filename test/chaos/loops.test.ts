import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import { createContactDraft, type OutboxContext, queueOwnerMail } from '../../src/outbox/drafts.js';
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
    ...outboxPorts(config, logger),
  });
  cleanups.push(async () => {
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

  it("the owner's auto-responder, without auto-reply headers, never sends a draft nor loops", async () => {
    const s = await setup();
    // Answers as a plain mail from the owner's address: no Auto-Submitted, no X-Autoreply.
    const responders: [string, (request: string) => string][] = [
      [
        'out of office (English)',
        () =>
          'I am out of the office until 14 December with limited access to email. For urgent matters please contact jo@example.org.',
      ],
      [
        'changed jobs',
        () =>
          'I have changed jobs and no longer read this address. Please write to me at sam@newco.example from now on. Thank you!',
      ],
      [
        'Abwesenheit (German)',
        () =>
          'Vielen Dank für Ihre Nachricht. Ich bin bis zum 14. Dezember nicht im Büro und lese meine E-Mails nur unregelmäßig.',
      ],
      [
        'absence (French)',
        () =>
          "Merci pour votre message. Je suis absent jusqu'au 14 décembre avec un accès limité à mes e-mails.",
      ],
      [
        'copies the mail it answers, unmarked',
        (request) => `Thank you for your message, I will answer soon.\n\n${request}`,
      ],
    ];
    let n = 0;
    for (const [name, answer] of responders) {
      n += 1;
      const address = `person${n}@acme.example`;
      const contactId = await seedContact(s.db, { name: 'Ana Souza', email: address });
      const made = await createContactDraft(s.ctx, {
        kind: 'thank_you',
        contactId,
        subject: 'Thank you',
        text: 'Hi Ana,\n\nThank you for taking the time to talk with me on Thursday.\n\nSam\n',
        at: s.clock.now,
      });
      await s.loop.runOnce();
      const ownerBefore = sentTo(s.smtp, OWNER);
      // The responder answers the approval request, then whatever kith mails back, three times over.
      let answering = made.approvalRequest as { message_id: string; body_text: string };
      for (let round = 0; round < 3 && answering; round++) {
        n += 1;
        const raw = [
          `From: Sam <${OWNER}>`,
          `To: kith <${SERVICE}>`,
          'Subject: Re: your mail',
          `Message-ID: <responder-${n}@example.org>`,
          `In-Reply-To: <${answering.message_id}>`,
          `References: <${answering.message_id}>`,
          'Date: Wed, 02 Dec 2026 10:31:00 +0100',
          'Content-Type: text/plain; charset=utf-8',
          '',
          answer(answering.body_text),
          '',
        ].join('\r\n');
        await s.ingester.ingest(Buffer.from(raw), { label: name, receivedAt: s.clock.now });
        s.clock.now = new Date(s.clock.now.getTime() + 3_600_000);
        await s.loop.runOnce();
        const newest = await s.db
          .selectFrom('outbox')
          .select(['id', 'message_id', 'body_text', 'created_at'])
          .where('audience', '=', 'owner')
          .orderBy('id', 'desc')
          .executeTakeFirst();
        answering =
          newest && newest.message_id !== answering.message_id
            ? newest
            : (undefined as unknown as typeof answering);
      }
      const draft = await s.db
        .selectFrom('outbox')
        .select(['state', 'body_text'])
        .where('id', '=', made.draft.id)
        .executeTakeFirstOrThrow();
      const toOwner = sentTo(s.smtp, OWNER) - ownerBefore;
      await held(
        {
          suite: SUITE,
          tried: `owner's auto-responder with no auto-reply headers answering an approval request: ${name}`,
          times: 3,
        },
        () => {
          expect(sentTo(s.smtp, address)).toBe(0);
          expect(draft.state).toBe('awaiting_approval');
          expect(draft.body_text).toContain('Thank you for taking the time');
          // At most one answer from kith, which the responder's answer to it does not renew.
          expect(toOwner).toBeLessThanOrEqual(1);
          return `0 mails to the contact, draft still waiting with its own text; ${toOwner} notice${toOwner === 1 ? '' : 's'} to the owner over 3 answers`;
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
