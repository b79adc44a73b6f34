import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import {
  createContactDraft,
  markSentByMessageId,
  type OutboxContext,
} from '../../src/outbox/drafts.js';
import { PENDING_KEYWORD } from '../../src/outbox/imap-folders.js';
import { createSendLoop, type SendLoop } from '../../src/outbox/send-loop.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { useTempDir } from '../helpers/temp-dir.js';
import {
  quietLogger,
  seedContact,
  smtpEnv,
  startSmtp,
  type TestSmtp,
  testConfig,
  testDb,
} from './harness.js';

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let dovecot: DovecotServer;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.close();
});

interface StoredMail {
  readonly uid: number;
  readonly messageId: string | undefined;
  readonly flags: Set<string>;
  readonly source: Buffer;
}

async function folder(user: string, mailbox: string): Promise<StoredMail[]> {
  const client = await dovecot.connect(user);
  try {
    const box = await client.mailboxOpen(mailbox);
    if (box.exists === 0) return [];
    const messages = await client.fetchAll('1:*', {
      uid: true,
      envelope: true,
      flags: true,
      source: true,
    });
    return messages.map((m) => ({
      uid: m.uid,
      messageId: m.envelope?.messageId,
      flags: m.flags ?? new Set<string>(),
      source: m.source ?? Buffer.alloc(0),
    }));
  } finally {
    await client.logout();
  }
}

async function setup(env: Record<string, string> = {}) {
  const smtp: TestSmtp = await startSmtp();
  cleanups.push(() => smtp.close());
  const user = dovecot.newUser('drafts');
  const dir = tempDir();
  const db = await testDb(dir);
  const config = testConfig(dir, {
    ...smtpEnv(smtp.port),
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: user,
    IMAP_PASS: dovecot.password,
    ...env,
  });
  const logger = quietLogger();
  const ctx: OutboxContext = { db, config, logger };
  const loop: SendLoop = createSendLoop({ db, config, logger, manual: true });
  await loop.start();
  cleanups.push(async () => {
    await loop.stop();
    await db.destroy();
  });
  const contactId = await seedContact(db);
  const { draft } = await createContactDraft(ctx, {
    kind: 'thank_you',
    contactId,
    subject: 'Thank you',
    text: 'Hi Ana,\n\nThank you.\n\nSam\n',
    at: new Date(),
  });
  return { smtp, user, ctx, loop, draft };
}

const toAna = (smtp: TestSmtp) => smtp.received.filter((m) => m.to.includes('ana@acme.example'));

describe('IMAP Drafts and Sent', () => {
  it('puts the draft into \\Drafts with the \\Draft flag, once, and removes it when sent', async () => {
    const { smtp, user, ctx, loop, draft } = await setup({ SMTP_SAVES_SENT: 'false' });
    await loop.runOnce();
    await loop.runOnce();
    const drafts = await folder(user, 'Drafts');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.messageId).toBe(`<${draft.message_id}>`);
    expect(drafts[0]?.flags.has('\\Draft')).toBe(true);
    // The copy carries the Bcc, so sending it from the mail client still reaches kith.
    expect(drafts[0]?.source.toString()).toMatch(/^Bcc: sam\+kith@example\.org\r$/m);
    expect(toAna(smtp)).toHaveLength(0);
    // The draft's row records its copy, so a restarted kith does not append another.
    expect((await findOutboxById(ctx.db, draft.id))?.drafts_copy_at).not.toBeNull();

    await approveDraft(ctx, draft.id, { at: new Date() });
    await loop.runOnce();
    expect(await folder(user, 'Drafts')).toHaveLength(0);
    expect((await findOutboxById(ctx.db, draft.id))?.drafts_copy_at).toBeNull();
    expect(toAna(smtp)).toHaveLength(1);
    // The provider does not file SMTP mail: kith APPENDed it to Sent, flag cleared.
    const sent = await folder(user, 'Sent');
    expect(sent.map((m) => m.messageId)).toEqual([`<${draft.message_id}>`]);
    expect(sent[0]?.flags.has('\\Seen')).toBe(true);
    expect(sent[0]?.flags.has(PENDING_KEYWORD)).toBe(false);
    expect((await findOutboxById(ctx.db, draft.id))?.state).toBe('sent');
  });

  it('does not APPEND to Sent when the provider files sent mail itself', async () => {
    const { smtp, user, ctx, loop, draft } = await setup({ SMTP_SAVES_SENT: 'true' });
    await approveDraft(ctx, draft.id, { at: new Date() });
    await loop.runOnce();
    expect(toAna(smtp)).toHaveLength(1);
    expect(await folder(user, 'Sent')).toHaveLength(0);
  });

  it('a draft the owner sent from Drafts is marked sent and never sent by kith', async () => {
    const { smtp, user, ctx, loop, draft } = await setup();
    await loop.runOnce();
    const [copy] = await folder(user, 'Drafts');
    expect(copy).toBeDefined();
    // The owner's client sends it and files it in Sent with the same Message-ID…
    await dovecot.append(user, 'Sent', copy!.source, { flags: ['\\Seen'] });
    // …ingest sees it there and tells the outbox.
    expect(await markSentByMessageId(ctx, copy!.messageId!, new Date())).toBe(true);
    const late = await approveDraft(ctx, draft.id, { at: new Date() });
    expect(late.ok).toBe(false);
    await loop.runOnce();
    expect(toAna(smtp)).toHaveLength(0);
    expect((await findOutboxById(ctx.db, draft.id))?.state).toBe('sent');
    // kith's own Drafts copy is cleaned up too.
    expect(await folder(user, 'Drafts')).toHaveLength(0);
  });

  it('an IMAP outage holds up no sending; the Drafts copy is cleaned up once it is back', async () => {
    const { smtp, user, ctx, loop, draft } = await setup({ SMTP_SAVES_SENT: 'true' });
    await loop.runOnce();
    expect(await folder(user, 'Drafts')).toHaveLength(1);
    await dovecot.stop();
    try {
      await approveDraft(ctx, draft.id, { at: new Date() });
      const report = await loop.runOnce();
      expect(report.sent).toBe(1);
      expect(toAna(smtp)).toHaveLength(1);
      expect(loop.status().state).toBe('degraded');
    } finally {
      await dovecot.start();
    }
    await loop.runOnce();
    expect(loop.status().state).toBe('ok');
    expect(await folder(user, 'Drafts')).toHaveLength(0);
    expect(toAna(smtp)).toHaveLength(1);
  });

  it('a refused login is not retried every round, and the loop stays degraded meanwhile', async () => {
    const { user, loop } = await setup({ IMAP_PASS: 'not-the-password' });
    const refusals = () =>
      dovecot
        .log()
        .split('\n')
        .filter((l) => l.includes(`user=<${user}>`) && /auth failed/i.test(l)).length;
    await loop.runOnce();
    await loop.runOnce();
    await loop.runOnce();
    expect(loop.status().state).toBe('degraded');
    expect(loop.status().detail).toMatchObject({
      lastError: expect.stringMatching(/refused the login/),
    });
    expect(JSON.stringify(loop.status())).not.toContain('not-the-password');
    expect(refusals()).toBe(1);
  });
});
