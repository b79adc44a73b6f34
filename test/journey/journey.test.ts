import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getSyncState } from '../../src/db/inbox-queries.js';
import { exportContacts } from '../../src/exchange/export.js';
import type { ExportDocument } from '../../src/exchange/export-document.js';
import { createLogger } from '../../src/log.js';
import type { TickReport } from '../../src/scheduler/tick.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { buildMail } from '../inbox/build-mail.js';
import { type ReceivedMail, startSmtp, type TestSmtp } from '../outbox/harness.js';
import { composeKith, type InProcessKith } from './compose.js';

/**
 * The whole informational-interview journey through real servers: Dovecot is
 * the owner's mailbox (kith watches INBOX and Sent), smtp-server is the
 * owner's SMTP provider. Like a provider, the peer files what the account
 * sends in Sent and delivers what is addressed to the owner's mailbox (the
 * owner's address and kith's plus-address) to INBOX, so kith reads its own
 * mail back as it would in production. One controlled clock drives ingest,
 * the send loop (runOnce) and the scheduler (tickNow); every wait is a poll
 * with a deadline.
 */

const OWNER = 'sam@example.org';
const SERVICE = 'sam+kith@example.org';
const ANA = 'ana@acme.example';
const BOB = 'bob@acme.example';
const SECRET = 'journey-test-secret-0123456789abcdef';
const ADVICE = 'Learn SQL window functions before applying';
// How the thank-you says it to the person who gave it.
const ADVICE_SAID = 'Your suggestion to learn SQL window functions before applying';
const SUBJECT = 'Twenty minutes of your advice?';

const tempDir = useTempDir('kith-journey-');
let dovecot: DovecotServer;
let smtp: TestSmtp;
let kith: InProcessKith | undefined;
let user: string;
const logLines: string[] = [];
const deliveries: Promise<unknown>[] = [];

/** The one clock: every part of kith reads it; the test moves it. */
let clock = new Date('2026-11-29T12:00:00.000Z');
const setClock = (iso: string) => {
  clock = new Date(iso);
};

/** The owner's mailbox holds the owner's address and any plus-address of it (kith's). */
const inOwnersMailbox = (address: string) =>
  address.toLowerCase().replace(/\+[^@]*@/, '@') === OWNER;

beforeAll(async () => {
  dovecot = await startDovecot();
  user = dovecot.newUser('sam');
  smtp = await startSmtp(async (mail) => {
    // A provider: the sender's copy in Sent, one copy in INBOX for the owner's own addresses.
    const date = clock;
    const copies: Promise<unknown>[] = [];
    if (inOwnersMailbox(mail.from)) copies.push(dovecot.append(user, 'Sent', mail.raw, { date }));
    if (mail.to.some(inOwnersMailbox))
      copies.push(dovecot.append(user, 'INBOX', mail.raw, { date }));
    deliveries.push(...copies);
    await Promise.all(copies);
    return null;
  });
});

// Registered after useTempDir, so it runs first: kith stops before its data dir goes.
afterEach(async () => {
  await kith?.stop();
  kith = undefined;
});

afterAll(async () => {
  await smtp?.close();
  await dovecot?.close();
});

/** waitFor, with kith's recent log lines in the failure message. */
async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  try {
    return await waitFor(check, { timeoutMs, intervalMs: 30, what });
  } catch (error) {
    throw new Error(`${(error as Error).message}\nkith log:\n${logLines.slice(-25).join('\n')}`, {
      cause: error,
    });
  }
}

/** The owner's mail client puts a message in a folder (delivery, or the Sent copy). */
async function append(mailbox: 'INBOX' | 'Sent', raw: string): Promise<void> {
  await dovecot.append(user, mailbox, raw, { date: clock });
}

/** Until kith has read everything now in INBOX and Sent (its IMAP cursors reached UIDNEXT − 1). */
async function settle(k: InProcessKith): Promise<void> {
  await Promise.all(deliveries.splice(0));
  const client = await dovecot.connect(user);
  const targets: [string, number][] = [];
  try {
    for (const path of ['INBOX', 'Sent']) {
      const status = await client.status(path, { uidNext: true });
      if (!status || status.uidNext === undefined) throw new Error(`STATUS ${path} failed`);
      targets.push([path, status.uidNext - 1]);
    }
  } finally {
    await client.logout();
  }
  for (const [path, lastUid] of targets) {
    await until(
      async () => ((await getSyncState(k.db, path))?.last_uid ?? 0) >= lastUid,
      `kith to read ${path} up to UID ${lastUid}`,
    );
  }
}

/** One scheduler tick at `iso`; the jobs it did as `kind result`, weekly digests left out. */
async function tickAt(k: InProcessKith, iso: string): Promise<string[]> {
  setClock(iso);
  const report: TickReport = await k.scheduler.tickNow();
  return report.outcomes
    .filter((o) => o.job.kind !== 'weekly_digest')
    .map((o) => `${o.job.kind} ${o.result}`);
}

/** One send-loop round at `iso`; returns the mail smtp-server accepted during it. */
async function sendAt(k: InProcessKith, iso: string): Promise<ReceivedMail[]> {
  setClock(iso);
  const before = smtp.received.length;
  const report = await k.sendLoop.runOnce();
  expect(report.failed, 'no send failed').toBe(0);
  return smtp.received.slice(before);
}

const bare = (header: string | undefined) => header?.trim().replace(/^<|>$/g, '') ?? '';
const idsIn = (header: string | undefined) => (header ?? '').split(/\s+/).filter(Boolean).map(bare);

async function textOf(mail: ReceivedMail): Promise<string> {
  return (await simpleParser(mail.raw)).text ?? '';
}

/** A reply quotes the mail it answers, as mail clients do. */
function quote(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

async function stageOf(k: InProcessKith, address: string) {
  return k.db
    .selectFrom('contacts')
    .innerJoin('contact_emails', 'contact_emails.contact_id', 'contacts.id')
    .select(['contacts.id', 'contacts.stage', 'contacts.referred_by_id', 'contacts.source'])
    .where('contact_emails.address', '=', address)
    .executeTakeFirst();
}

describe('the informational-interview journey, through Dovecot and smtp-server', () => {
  it('goes from a BCC’d outreach to a threaded thank-you and a keep-in-touch draft 90 days on', async () => {
    const dir = tempDir();
    const login = dovecot.login(user);
    const k = await composeKith({
      env: {
        KITH_DATA_DIR: dir,
        KITH_OWNER_EMAIL: OWNER,
        KITH_OWNER_NAME: 'Sam Rivera',
        KITH_SERVICE_ADDRESS: SERVICE,
        KITH_TIMEZONE: 'Europe/Berlin',
        KITH_SECRET: SECRET,
        IMAP_HOST: login.host,
        IMAP_PORT: String(login.port),
        IMAP_SECURE: 'false',
        IMAP_USER: user,
        IMAP_PASS: login.auth.pass,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        // The peer files what it sends in Sent, like Gmail: kith must not APPEND a second copy.
        SMTP_SAVES_SENT: 'true',
      },
      secret: SECRET,
      now: () => clock,
      logger: createLogger({ secrets: [SECRET], write: (line) => logLines.push(line) }),
    });
    kith = k;
    await until(() => k.watcher.caughtUp().then(() => true), 'the watcher to catch up');
    // kith has been running before the journey starts: its ticks found nothing to do.
    expect(await tickAt(k, '2026-11-29T12:00:00.000Z')).toEqual([]);

    // 1. Monday 30 Nov, 09:00 Berlin: the owner writes to Ana with kith in Bcc. The copy
    //    that reached kith's address lands in INBOX, the owner's copy in Sent: one event.
    setClock('2026-11-30T08:00:05.000Z');
    const outreachId = 'outreach-1@mail.example.org';
    const outreach = {
      from: `Sam Rivera <${OWNER}>`,
      to: [`Ana Souza <${ANA}>`],
      subject: SUBJECT,
      messageId: outreachId,
      date: 'Mon, 30 Nov 2026 09:00:00 +0100',
      text: 'Hi Ana,\n\nI am moving into analytics and admire your path. Would you have twenty minutes for a call?\n\nSam',
    };
    await append('Sent', buildMail({ ...outreach, bcc: [SERVICE] }));
    await append('INBOX', buildMail(outreach));
    await settle(k);
    const anaAtStart = await stageOf(k, ANA);
    expect(anaAtStart?.stage).toBe('contacted');
    const ana = anaAtStart?.id as number;
    const outreachRows = await k.db
      .selectFrom('messages')
      .select('message_id')
      .where('contact_id', '=', ana)
      .execute();
    expect(outreachRows.map((r) => r.message_id)).toEqual([outreachId]);

    // 2. Tuesday 1 Dec, 10:00: Ana proposes a time.
    setClock('2026-12-01T09:00:05.000Z');
    const replyId = 'ana-reply-1@acme.example';
    await append(
      'INBOX',
      buildMail({
        from: `Ana Souza <${ANA}>`,
        to: [`Sam Rivera <${OWNER}>`],
        subject: `Re: ${SUBJECT}`,
        messageId: replyId,
        inReplyTo: outreachId,
        references: [outreachId],
        date: 'Tue, 01 Dec 2026 10:00:00 +0100',
        text: `Hi Sam,\n\nHappy to help. Does Thursday at 2pm work?\n\nAna\n\nOn Mon, 30 Nov 2026 at 09:00, Sam Rivera <${OWNER}> wrote:\n${quote(outreach.text)}`,
      }),
    );
    await settle(k);
    expect((await stageOf(k, ANA))?.stage).toBe('replied');
    // Thursday 3 December, 14:00 in Berlin (UTC+1).
    const THURSDAY_2PM = '2026-12-03T13:00:00.000Z';
    const proposed = await k.db.selectFrom('meetings').selectAll().execute();
    expect(proposed.map((m) => [m.starts_at, m.status])).toEqual([[THURSDAY_2PM, 'proposed']]);

    // 3. The owner confirms in the thread (seen in Sent only).
    setClock('2026-12-01T10:30:05.000Z');
    const confirmId = 'confirm-1@mail.example.org';
    await append(
      'Sent',
      buildMail({
        from: `Sam Rivera <${OWNER}>`,
        to: [`Ana Souza <${ANA}>`],
        subject: `Re: ${SUBJECT}`,
        messageId: confirmId,
        inReplyTo: replyId,
        references: [outreachId, replyId],
        date: 'Tue, 01 Dec 2026 11:30:00 +0100',
        text: `Thursday 2pm works great. I will call you on Meet.\n\nSam\n\nOn Tue, 1 Dec 2026 at 10:00, Ana Souza <${ANA}> wrote:\n> Happy to help. Does Thursday at 2pm work?`,
      }),
    );
    await settle(k);
    expect((await stageOf(k, ANA))?.stage).toBe('scheduled');
    const confirmed = await k.db.selectFrom('meetings').selectAll().execute();
    expect(confirmed.map((m) => [m.starts_at, m.status])).toEqual([[THURSDAY_2PM, 'confirmed']]);
    const meetingEnd = confirmed[0]?.ends_at as string;
    expect(meetingEnd).toBe('2026-12-03T13:30:00.000Z');
    expect(await tickAt(k, '2026-12-01T10:31:00.000Z')).toEqual([]);

    // 4. The prep brief: not at 16:59 Berlin the day before, at 17:00; smtp-server gets it then.
    expect(await tickAt(k, '2026-12-02T15:59:00.000Z')).toEqual([]);
    expect(await tickAt(k, '2026-12-02T16:00:00.000Z')).toEqual(['prep_brief done']);
    const briefRound = await sendAt(k, '2026-12-02T16:00:20.000Z');
    const brief = briefRound.find((m) => m.header('subject')?.startsWith('Tomorrow: Ana Souza'));
    expect(brief, 'the prep brief reached smtp-server').toBeDefined();
    expect(brief?.to).toEqual([OWNER]);
    expect(brief?.header('auto-submitted')).toBe('auto-generated');
    expect(Date.parse(brief?.header('date') ?? '')).toBe(Date.parse('2026-12-02T16:00:20Z'));
    const briefText = await textOf(brief as ReceivedMail);
    expect(briefText).toContain('Thu 3 Dec, 14:00 your time');
    expect(briefText).toContain('Does Thursday at 2pm work?');
    await settle(k);

    // 5. The meeting passes: one hour after its end Ana is met and the owner is asked.
    expect(await tickAt(k, '2026-12-03T14:29:00.000Z')).toEqual([]);
    expect(await tickAt(k, '2026-12-03T14:30:00.000Z')).toEqual(['meeting_over done']);
    expect((await stageOf(k, ANA))?.stage).toBe('met');
    const promptRound = await sendAt(k, '2026-12-03T14:30:20.000Z');
    const prompt = promptRound.find((m) => m.header('subject') === 'How did it go with Ana Souza?');
    expect(prompt, 'the post-meeting prompt reached smtp-server').toBeDefined();
    expect(prompt?.to).toEqual([OWNER]);
    const promptId = bare(prompt?.header('message-id'));
    expect(promptId).toMatch(/^kith\./);
    const promptText = await textOf(prompt as ReceivedMail);
    await settle(k);

    // 6. The owner answers the prompt: notes, an advice line, a referral line. The quoted
    //    prompt below (with its own example lines) must not count.
    setClock('2026-12-03T17:00:05.000Z');
    const notesReply = buildMail({
      from: `Sam Rivera <${OWNER}>`,
      to: [`kith <${SERVICE}>`],
      subject: 'Re: How did it go with Ana Souza?',
      messageId: 'notes-1@mail.example.org',
      inReplyTo: promptId,
      references: [promptId],
      date: 'Thu, 03 Dec 2026 18:00:00 +0100',
      text: [
        'She moved from consulting into product analytics through an internal project.',
        `advice: ${ADVICE}`,
        `referral: Bob Lee <${BOB}>`,
        '',
        'Sam',
        '',
        `On Thu, 3 Dec 2026 at 15:30, kith <${SERVICE}> wrote:`,
        quote(promptText),
      ].join('\n'),
    });
    await append('INBOX', notesReply);
    await append('Sent', notesReply);
    await settle(k);
    const advice = await k.db.selectFrom('advice').select(['contact_id', 'body']).execute();
    expect(advice).toEqual([{ contact_id: ana, body: ADVICE }]);
    const notes = await k.db.selectFrom('notes').select(['contact_id', 'body']).execute();
    expect(notes).toEqual([
      {
        contact_id: ana,
        body: 'She moved from consulting into product analytics through an internal project.',
      },
    ]);
    const bob = await stageOf(k, BOB);
    expect(bob).toMatchObject({ stage: 'prospect', referred_by_id: ana, source: 'referral' });

    // 7. The thank-you draft: the meeting ended Thursday 14:30 Berlin, so the first 09:00
    //    at least 24 h later is Saturday's (Friday 09:00 is too soon).
    expect(await tickAt(k, '2026-12-04T08:00:00.000Z')).toEqual([]);
    expect(await tickAt(k, '2026-12-05T07:59:00.000Z')).toEqual([]);
    expect(await tickAt(k, '2026-12-05T08:00:00.000Z')).toEqual(['thank_you done']);
    const requestRound = await sendAt(k, '2026-12-05T08:00:20.000Z');
    const request = requestRound.find((m) => m.header('subject')?.startsWith('Approve '));
    expect(request, 'the approval request reached smtp-server').toBeDefined();
    expect(request?.header('subject')).toContain('Ana Souza');
    expect(request?.to).toEqual([OWNER]);
    const requestText = await textOf(request as ReceivedMail);
    expect(requestText).toContain(ADVICE_SAID);
    expect(requestText).toContain('Bob Lee');
    const requestId = bare(request?.header('message-id'));
    await settle(k);

    // 8. The owner approves by replying to the request as smtp-server received it.
    setClock('2026-12-05T09:15:05.000Z');
    const approval = buildMail({
      from: `Sam Rivera <${OWNER}>`,
      to: [`kith <${SERVICE}>`],
      subject: `Re: ${request?.header('subject')}`,
      messageId: 'approve-1@mail.example.org',
      inReplyTo: requestId,
      references: [requestId],
      date: 'Sat, 05 Dec 2026 10:15:00 +0100',
      text: `approve\n\nOn Sat, 5 Dec 2026 at 09:00, kith <${SERVICE}> wrote:\n${quote(requestText)}`,
    });
    await append('INBOX', approval);
    await append('Sent', approval);
    await settle(k);
    const draft = await k.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'thank_you')
      .executeTakeFirstOrThrow();
    expect(draft.state).toBe('approved');
    expect(draft.body_text).toContain(ADVICE_SAID);

    // 9. The thank-you leaves: from the owner, to Ana, in her thread, kith's address as Bcc
    //    envelope recipient only.
    const sentRound = await sendAt(k, '2026-12-05T09:15:30.000Z');
    const thanks = sentRound.find((m) => m.to.includes(ANA));
    expect(thanks, 'the thank-you reached smtp-server').toBeDefined();
    const t = thanks as ReceivedMail;
    expect(t.from).toBe(OWNER);
    expect([...t.to].sort()).toEqual([ANA, SERVICE]);
    expect(t.header('from')).toBe(`Sam Rivera <${OWNER}>`);
    expect(t.header('to')).toContain(ANA);
    expect(t.header('bcc')).toBeUndefined();
    expect(t.header('auto-submitted')).toBeUndefined();
    expect(t.header('subject')).toBe('Thank you, Ana');
    // Threaded on Ana's conversation: the owner's confirmation is its newest mail.
    expect(bare(t.header('in-reply-to'))).toBe(confirmId);
    expect(idsIn(t.header('references'))).toEqual([outreachId, replyId, confirmId]);
    const thanksText = await textOf(t);
    expect(thanksText).toContain(ADVICE_SAID);
    expect(thanksText).toContain('introducing me to Bob Lee');
    expect(thanksText).not.toContain('[');
    await settle(k);
    await tickAt(k, '2026-12-05T09:16:00.000Z');
    expect((await stageOf(k, ANA))?.stage).toBe('thanked');
    expect(
      await k.db.selectFrom('outbox').select('state').where('id', '=', draft.id).executeTakeFirst(),
    ).toEqual({ state: 'sent' });

    // 10. 90 days after the last exchange (Saturday 5 December), a keep-in-touch draft.
    expect(await tickAt(k, '2027-03-04T12:00:00.000Z')).toEqual([]);
    expect(await tickAt(k, '2027-03-05T12:00:00.000Z')).toEqual(['keep_in_touch done']);
    const keepInTouch = await k.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'keep_in_touch')
      .execute();
    expect(keepInTouch.map((r) => [r.contact_id, r.state])).toEqual([[ana, 'awaiting_approval']]);
    expect(keepInTouch[0]?.to_address).toContain(ANA);
    expect(keepInTouch[0]?.body_text).toContain('learn SQL window functions before applying');
    // It continues Ana's conversation: the thank-you kith sent is now its newest mail.
    expect(keepInTouch[0]?.in_reply_to).toBe(bare(t.header('message-id')));
    const kitRound = await sendAt(k, '2027-03-05T12:00:20.000Z');
    expect(
      kitRound.some(
        // It still has the owner's news to fill in, so it asks for that, not for "approve".
        (m) => /^Fill in /.test(m.header('subject') ?? '') && m.header('subject')?.includes('Ana'),
      ),
      'the keep-in-touch approval request reached smtp-server',
    ).toBe(true);
    await settle(k);

    // 11. Every stage change, with its cause, in the export.
    const doc = JSON.parse(await exportContacts(k.db, 'json')) as ExportDocument;
    const anaOut = doc.contacts.find((c) => c.id === ana);
    const moves = (anaOut?.history ?? []).map((h) => `${h.from ?? '-'} → ${h.to}: ${h.cause}`);
    const expected: [string, RegExp][] = [
      ['prospect → contacted', /outreach "Twenty minutes of your advice\?"/],
      ['contacted → replied', /reply "Re: Twenty minutes of your advice\?"/],
      ['replied → scheduled', /time accepted: "Thursday 2pm works great\./],
      ['scheduled → met', /meeting \d+ is over/],
      ['met → thanked', /thank-you|was sent/],
    ];
    const found = expected.map(([move, cause]) =>
      moves.findIndex((m) => m.startsWith(`${move}: `) && cause.test(m)),
    );
    expect(
      found.every((i) => i >= 0),
      `every move with its cause in:\n${moves.join('\n')}`,
    ).toBe(true);
    expect([...found].sort((a, b) => a - b)).toEqual(found);
    // Created, then exactly these five moves: the two copies of the outreach were one event.
    expect(moves).toHaveLength(6);
    expect(moves[0]).toBe('- → prospect: created (outreach)');
    expect(anaOut?.stage).toBe('thanked');
    expect(anaOut?.advice.map((a) => a.text)).toEqual([ADVICE]);
    const bobOut = doc.contacts.find((c) => c.emails.some((e) => e.address === BOB));
    expect(bobOut).toMatchObject({
      name: 'Bob Lee',
      stage: 'prospect',
      source: 'referral',
      referredBy: ana,
    });
    expect(anaOut?.meetings.map((m) => [m.start, m.status])).toEqual([[THURSDAY_2PM, 'done']]);
  }, 120_000);
});
