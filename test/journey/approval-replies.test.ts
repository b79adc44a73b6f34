import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getSyncState } from '../../src/db/inbox-queries.js';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { createContactDraft } from '../../src/outbox/drafts.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type ReceivedMail, seedContact, startSmtp, type TestSmtp } from '../outbox/harness.js';
import { composeKith, type InProcessKith } from './compose.js';

/**
 * "Nothing reaches a contact that the owner did not approve word for word",
 * through real servers: kith mails approval requests over smtp-server, the
 * provider delivers them to the owner's Dovecot INBOX, the owner answers each
 * in the ways people really answer, kith reads the answers over IMAP, and the
 * next send round shows what reached each contact. Only an unambiguous
 * command sends; the owner's own version comes back to approve first.
 */

const OWNER = 'sam@example.org';
const SERVICE = 'sam+kith@example.org';
const SECRET = 'approval-replies-secret-0123456789abcdef';
const DRAFT =
  'Hi Ana,\n\nThank you for taking the time to talk with me on Thursday. I learned a great deal.\n\nWith thanks,\nSam Rivera\n';

const tempDir = useTempDir('kith-approval-');
let dovecot: DovecotServer;
let smtp: TestSmtp;
let kith: InProcessKith | undefined;
let user: string;
const logLines: string[] = [];
const deliveries: Promise<unknown>[] = [];
let clock = new Date('2026-12-02T08:00:00.000Z');

const inOwnersMailbox = (address: string) =>
  address.toLowerCase().replace(/\+[^@]*@/, '@') === OWNER;

beforeAll(async () => {
  dovecot = await startDovecot();
  user = dovecot.newUser('sam');
  smtp = await startSmtp(async (mail) => {
    const copies: Promise<unknown>[] = [];
    if (inOwnersMailbox(mail.from))
      copies.push(dovecot.append(user, 'Sent', mail.raw, { date: clock }));
    if (mail.to.some(inOwnersMailbox))
      copies.push(dovecot.append(user, 'INBOX', mail.raw, { date: clock }));
    deliveries.push(...copies);
    await Promise.all(copies);
    return null;
  });
});

afterEach(async () => {
  await kith?.stop();
  kith = undefined;
});

afterAll(async () => {
  await smtp?.close();
  await dovecot?.close();
});

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
    await waitFor(async () => ((await getSyncState(k.db, path))?.last_uid ?? 0) >= lastUid, {
      timeoutMs: 20_000,
      intervalMs: 30,
      what: `kith to read ${path} up to UID ${lastUid}\n${logLines.slice(-20).join('\n')}`,
    });
  }
}

async function sendRound(k: InProcessKith, iso: string): Promise<ReceivedMail[]> {
  clock = new Date(iso);
  const before = smtp.received.length;
  // Owner mail has an hourly cap; rounds repeat until nothing more leaves.
  for (;;) {
    const report = await k.sendLoop.runOnce();
    if (report.sent === 0) break;
  }
  return smtp.received.slice(before);
}

async function start(): Promise<InProcessKith> {
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
      OWNER_MAIL_PER_HOUR: '1000',
      IMAP_HOST: login.host,
      IMAP_PORT: String(login.port),
      IMAP_SECURE: 'false',
      IMAP_USER: user,
      IMAP_PASS: login.auth.pass,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_SECURE: 'false',
      SMTP_SAVES_SENT: 'true',
    },
    secret: SECRET,
    now: () => clock,
    logger: createLogger({ secrets: [SECRET], write: (line) => logLines.push(line) }),
  });
  kith = k;
  await waitFor(() => k.watcher.caughtUp().then(() => true), {
    timeoutMs: 15_000,
    what: 'the watcher to catch up',
  });
  return k;
}

/** The text a contact's mail client shows. */
async function textOf(mail: ReceivedMail | undefined): Promise<string> {
  return ((await simpleParser(mail?.raw ?? '')).text ?? '').replace(/\r\n/g, '\n');
}

let replyCounter = 0;

/** The owner's answer to `request`, quoting it as mail clients do (marked, or not at all). */
function ownerAnswer(request: OutboxRow, body: string, quote: 'marked' | 'unmarked'): string {
  replyCounter += 1;
  const quoted =
    quote === 'marked'
      ? [
          `On Wed, 2 Dec 2026 at 09:00, Sam Rivera <${OWNER}> wrote:`,
          ...request.body_text.split('\n').map((l) => `> ${l}`),
        ]
      : ['', '________________________________', ...request.body_text.split('\n')];
  return [
    `From: Sam Rivera <${OWNER}>`,
    `To: Sam Rivera <${OWNER}>`,
    `Subject: Re: ${request.subject}`,
    `Message-ID: <answer-${replyCounter}@example.org>`,
    `In-Reply-To: <${request.message_id}>`,
    `References: <${request.message_id}>`,
    'Date: Wed, 02 Dec 2026 10:30:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
    ...quoted,
    '',
  ].join('\r\n');
}

// waits: nothing sent, the owner is told what kith understood; quiet: an
// automatic answer, so nothing sent and nothing answered (no mail loops).
type Expect = 'sent' | 'skipped' | 'snoozed' | 'waits' | 'quiet' | 'revision';

// What owners really answer to "approve this draft?", and what kith must do with it.
const ANSWERS: readonly [string, Expect][] = [
  ['approve', 'sent'],
  ['Yes', 'sent'],
  ['Send it.', 'sent'],
  ['OK', 'sent'],
  ['Approve\n\nThanks!', 'sent'],
  ['oui', 'sent'],
  ['Ja', 'sent'],
  ['genehmigt', 'sent'],
  ['sí', 'sent'],
  ['enviar', 'sent'],
  ['skip', 'skipped'],
  ['No.', 'skipped'],
  ['nein', 'skipped'],
  ['non', 'skipped'],
  ['no enviar', 'skipped'],
  ['snooze 3d', 'snoozed'],
  ['reporter 3 jours', 'snoozed'],
  ['Approve, thanks! Looks great to me.', 'waits'],
  ['Yes please send it, looks good.', 'waits'],
  ['Wait, don’t send this yet, I need to check something first.', 'waits'],
  ["Please don't send this one, I already wrote to her myself.", 'waits'],
  ['Who is this person again? Remind me how we met?', 'waits'],
  ['Thanks, I’ll look tonight', 'waits'],
  ['Looks good but change Thursday to Friday', 'waits'],
  ['yes\nbut change Thursday to Friday please', 'waits'],
  ['approve\n\nActually, fix the typo in her name first.', 'waits'],
  ['Thank you!', 'waits'],
  ['Great, thanks kith', 'waits'],
  ['Can you make it shorter?', 'waits'],
  ['Looks fine I guess. Will decide tomorrow.', 'waits'],
  [
    'For my coach: what do you think of this?\n\n---------- Forwarded message ---------\nFrom: kith <sam+kith@example.org>\nSubject: Approve thank-you note',
    'waits',
  ],
  [
    'I am out of the office until 14 December with limited access to email. For urgent matters please contact jo@example.org.',
    'quiet',
  ],
  [
    "Je suis absent du bureau jusqu'au 14 décembre. Pour toute urgence, contactez jo@example.org.",
    'quiet',
  ],
  [
    'Ich bin bis zum 14. Dezember nicht im Büro und habe nur eingeschränkten Zugriff auf E-Mails.',
    'quiet',
  ],
  [
    'Estoy fuera de la oficina hasta el 14 de diciembre con acceso limitado al correo electrónico.',
    'quiet',
  ],
  [
    'I have changed jobs. Please write to me at sam@newco.example from now on. Thank you for your message.',
    'waits',
  ],
  ['Oui mais change la date', 'waits'],
  ['Ja, aber bitte den Namen korrigieren.', 'waits'],
  ['Sí, pero cambia el día a jueves.', 'waits'],
  ['👍 but tweak the second paragraph', 'waits'],
  ['send it tomorrow morning instead', 'waits'],
  ['no idea who this is', 'waits'],
  ['lol', 'waits'],
  [
    'Hi Ana,\n\nThank you so much for Thursday — your tip about the planning team was exactly what I needed.\n\nBest,\nSam',
    'revision',
  ],
];

describe('answers to an approval request, through Dovecot and smtp-server', () => {
  it('send only on an unambiguous command; an own version comes back to approve first', async () => {
    const k = await start();
    const ctx = {
      db: k.db,
      config: k.config,
      logger: createLogger({ secrets: [], write: () => {} }),
    };
    const cases: {
      answer: string;
      expected: Expect;
      quote: 'marked' | 'unmarked';
      contact: string;
      draftId: number;
    }[] = [];
    for (const [index, [answer, expected]] of ANSWERS.entries()) {
      for (const quote of ['marked', 'unmarked'] as const) {
        const contact = `person${index}-${quote}@acme.example`;
        const contactId = await seedContact(k.db, { name: 'Ana Souza', email: contact });
        const made = await createContactDraft(ctx, {
          kind: 'thank_you',
          contactId,
          subject: 'Thank you',
          text: DRAFT,
          at: clock,
        });
        cases.push({ answer, expected, quote, contact, draftId: made.draft.id });
      }
    }
    // The approval requests reach the owner's INBOX.
    const asked = await sendRound(k, '2026-12-02T08:01:00.000Z');
    expect(asked.filter((m) => m.to.includes(OWNER))).toHaveLength(cases.length);
    await settle(k);

    clock = new Date('2026-12-02T09:30:00.000Z');
    for (const c of cases) {
      const request = await k.db
        .selectFrom('outbox')
        .selectAll()
        .where('draft_id', '=', c.draftId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      await dovecot.append(user, 'INBOX', ownerAnswer(request, c.answer, c.quote), { date: clock });
    }
    await settle(k);
    const out = await sendRound(k, '2026-12-02T09:31:00.000Z');

    const problems: string[] = [];
    for (const c of cases) {
      const toContact = out.filter((m) => m.to.includes(c.contact));
      const draft = await findOutboxById(k.db, c.draftId);
      const label = `${JSON.stringify(c.answer)} (${c.quote} quote)`;
      if (c.expected === 'sent') {
        if (toContact.length !== 1)
          problems.push(`${label}: expected one mail, got ${toContact.length}`);
        else if ((await textOf(toContact[0])) !== DRAFT)
          problems.push(`${label}: sent something other than the draft`);
        continue;
      }
      if (toContact.length > 0) problems.push(`${label}: reached the contact`);
      const state = draft?.state;
      const want = ['waits', 'quiet', 'revision'].includes(c.expected)
        ? 'awaiting_approval'
        : c.expected;
      if (state !== want) problems.push(`${label}: draft is ${state}, expected ${want}`);
      if ((c.expected === 'waits' || c.expected === 'quiet') && draft?.body_text !== DRAFT)
        problems.push(`${label}: the draft text changed to ${JSON.stringify(draft?.body_text)}`);
      const notices = await k.db
        .selectFrom('outbox')
        .select('body_text')
        .where('kind', '=', 'notice')
        .where('contact_id', '=', draft?.contact_id ?? -1)
        .execute();
      if (c.expected === 'waits' && !notices.some((n) => /changed nothing/.test(n.body_text)))
        problems.push(`${label}: the owner was not told that nothing changed`);
      if (c.expected === 'quiet' && notices.length > 0)
        problems.push(`${label}: kith answered an automatic reply`);
    }
    expect(problems).toEqual([]);

    // Each own version came back, word for word, and only its approval sends it.
    const revisions = cases.filter((c) => c.expected === 'revision');
    for (const c of revisions) {
      const request = await k.db
        .selectFrom('outbox')
        .selectAll()
        .where('draft_id', '=', c.draftId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(request.body_text).toContain('word for word');
      expect(request.approval_text).toMatch(/^Hi Ana,\n\nThank you so much for Thursday/);
      expect(request.approval_text).not.toMatch(/kith|>|approve/i);
      await dovecot.append(user, 'INBOX', ownerAnswer(request, 'approve', c.quote), {
        date: clock,
      });
    }
    await settle(k);
    const approved = await sendRound(k, '2026-12-02T09:45:00.000Z');
    for (const c of revisions) {
      const mails = approved.filter((m) => m.to.includes(c.contact));
      expect(mails).toHaveLength(1);
      expect(await textOf(mails[0])).toBe(
        'Hi Ana,\n\nThank you so much for Thursday — your tip about the planning team was exactly what I needed.\n\nBest,\nSam\n',
      );
    }
  }, 120_000);
});
