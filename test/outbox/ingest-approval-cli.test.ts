import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createContactDraft } from '../../src/outbox/drafts.js';
import { createSenderLease } from '../../src/outbox/lease.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import {
  OWNER,
  quietLogger,
  SECRET,
  SERVICE,
  seedContact,
  smtpEnv,
  startSmtp,
  type TestSmtp,
  testConfig,
  testDb,
} from './harness.js';

/**
 * `kith ingest` of the owner's "approve" is the same kith as `serve`: the
 * real CLI, a real SMTP peer, and the draft reaches the contact word for
 * word, once; with a running kith holding the send lease, it is left to that one.
 */

const tempDir = useTempDir();
const servers: TestSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const DRAFT_TEXT = 'Hi Ana,\n\nThank you for your time yesterday.\n\nSam';
const CONTACT = 'ana@acme.example';

/** A data dir with a thank-you draft awaiting approval, and the owner's "approve" reply as a file. */
async function setup() {
  const dir = tempDir();
  const smtp = await startSmtp();
  servers.push(smtp);
  const env = {
    KITH_DATA_DIR: dir,
    KITH_OWNER_EMAIL: OWNER,
    KITH_OWNER_NAME: 'Sam Rivera',
    KITH_SERVICE_ADDRESS: SERVICE,
    KITH_SECRET: SECRET,
    KITH_TIMEZONE: 'Europe/Berlin',
    ...smtpEnv(smtp.port),
  };
  const config = testConfig(dir, smtpEnv(smtp.port));
  const db = await testDb(dir);
  const now = Date.now();
  const contactId = await seedContact(db, { email: CONTACT });
  const made = await createContactDraft(
    { db, config, logger: quietLogger() },
    {
      kind: 'thank_you',
      contactId,
      subject: 'Thank you',
      text: DRAFT_TEXT,
      at: new Date(now - 3_600_000).toISOString(),
    },
  );
  const request = made.approvalRequest;
  if (!request) throw new Error('no approval request was made');
  const requestId = request.message_id;
  // The owner is answering it, so it went out long ago.
  await db.updateTable('outbox').set({ state: 'sent' }).where('id', '=', request.id).execute();
  const file = path.join(dir, 'approve.eml');
  writeFileSync(
    file,
    [
      `From: Sam Rivera <${OWNER}>`,
      `To: kith <${SERVICE}>`,
      'Subject: Re: Approve thank-you note to Ana Souza: Thank you',
      `Message-ID: <owner-approve-${now}@example.org>`,
      `In-Reply-To: <${requestId}>`,
      `References: <${requestId}>`,
      `Date: ${new Date(now - 60_000).toUTCString().replace('GMT', '+0000')}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'approve',
      '',
    ].join('\r\n'),
  );
  return { dir, smtp, env, db, file, draftId: made.draft.id };
}

const toContact = (smtp: TestSmtp) => smtp.received.filter((m) => m.to.includes(CONTACT));

describe('kith ingest of an approval', () => {
  it('sends the approved draft over SMTP, word for word, and only once', async () => {
    const { dir, smtp, env, db, file, draftId } = await setup();
    await db.destroy();

    const first = await runCli(['ingest', file], { cwd: dir, env, timeoutMs: 60_000 });
    expect(first.stderr).not.toContain(SECRET);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/approve\.eml: /);
    expect(first.stdout).toContain(`sent: thank you to Ana Souza <${CONTACT}> “Thank you”`);
    // The one mail due was the approved draft (the owner's confirmation is a line here, not a mail).
    expect(first.stdout.match(/^sent: /gm)).toHaveLength(1);
    const sent = toContact(smtp);
    expect(sent).toHaveLength(1);
    const parsed = await simpleParser(sent[0]?.raw ?? '');
    expect(parsed.text?.trim()).toBe(DRAFT_TEXT);

    const again = await runCli(['ingest', file], { cwd: dir, env, timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/approve\.eml: already seen/);
    expect(again.stdout).not.toContain('sent:');
    expect(toContact(smtp)).toHaveLength(1);

    const check = await testDb(dir);
    const row = await check
      .selectFrom('outbox')
      .select('state')
      .where('id', '=', draftId)
      .executeTakeFirstOrThrow();
    await check.destroy();
    expect(row.state).toBe('sent');
  }, 180_000);

  it('leaves the sending to a running kith that holds the send lease', async () => {
    const { dir, smtp, env, db, file, draftId } = await setup();
    // This test process stands for the running `kith serve`: alive, heartbeat fresh.
    const lease = createSenderLease(db, { dataDir: dir });
    await lease.acquire();
    try {
      const result = await runCli(['ingest', file], { cwd: dir, env, timeoutMs: 60_000 });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('the running kith sends them within seconds');
      expect(result.stdout).not.toContain('sent:');
      expect(toContact(smtp)).toHaveLength(0);
      const row = await db
        .selectFrom('outbox')
        .select('state')
        .where('id', '=', draftId)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('approved');
    } finally {
      await lease.release();
      await db.destroy();
    }
  }, 120_000);
});
