import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import type { Ingester } from '../../src/inbox/ingest.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail, newMessageId } from './build-mail.js';
import { OWNER, SERVICE, testDb, testIngester } from './ingest-helpers.js';

/**
 * NUL bytes and control characters in a known contact's reply: where they
 * only push the headers apart, the reply is matched and stored; where they
 * hide who sent it, it is put aside with a reason instead of being dropped.
 */

const tempDir = useTempDir();
const open: { db: Db; ingester: Ingester }[] = [];
afterEach(async () => {
  for (const { db } of open.splice(0)) {
    await db.destroy();
  }
});

const CONTACT = 'ana@acme.example';

async function withOutreach(): Promise<{ ingester: Ingester; outreachId: string; db: Db }> {
  const db = await testDb(tempDir());
  const { ingester } = testIngester(db);
  open.push({ db, ingester });
  const outreachId = newMessageId('example.org');
  const first = await ingester.ingest(
    Buffer.from(buildMail({ from: OWNER, to: [CONTACT], bcc: [SERVICE], messageId: outreachId })),
    { label: 'outreach', receivedAt: new Date() },
  );
  expect(first.status).toBe('stored');
  return { ingester, outreachId, db };
}

/** `raw` with `junk` inserted right after the first occurrence of `after`. */
function insertAfter(raw: string, after: string, junk: string): Buffer {
  const at = raw.indexOf(after) + after.length;
  return Buffer.from(raw.slice(0, at) + junk + raw.slice(at), 'latin1');
}

describe('junk bytes in the headers of a reply', () => {
  it('a NUL inside the sender address: matched to the contact and stored', async () => {
    const { ingester } = await withOutreach();
    const raw = buildMail({ from: `Ana <${CONTACT}>`, to: [OWNER], subject: 'Re: Hello' });
    const outcome = await ingester.ingest(insertAfter(raw, '<ana@', '\0\x01'), {
      label: 'nul-in-from',
      receivedAt: new Date(),
    });
    expect(outcome.status).toBe('stored');
    expect(outcome.status === 'stored' && outcome.contacts.map((c) => c.address)).toEqual([
      CONTACT,
    ]);
  });

  it('a NUL after a bare CR before In-Reply-To: the thread is found', async () => {
    const { ingester, outreachId } = await withOutreach();
    const raw = buildMail({
      from: 'Ana From Home <ana.home@personal.example>',
      to: [OWNER],
      subject: 'Re: Hello',
      inReplyTo: outreachId,
    }).replace(/\r\nIn-Reply-To:/, '\r\0In-Reply-To:');
    const outcome = await ingester.ingest(Buffer.from(raw, 'latin1'), {
      label: 'nul-before-in-reply-to',
      receivedAt: new Date(),
    });
    expect(outcome.status).toBe('stored');
  });

  it('a NUL in the Message-ID keeps it apart from other mail', async () => {
    const { ingester } = await withOutreach();
    const id = 'reply-12@acme.example';
    const clean = buildMail({ from: CONTACT, to: [OWNER], subject: 'Re: Hello', messageId: id });
    expect(
      (await ingester.ingest(Buffer.from(clean), { label: 'a', receivedAt: new Date() })).status,
    ).toBe('stored');
    // Another reply whose id had a character overwritten by a NUL: "reply-1\02" must not become "reply-12".
    const other = buildMail({
      from: CONTACT,
      to: [OWNER],
      subject: 'Re: Hello again',
      messageId: 'reply-1\x002@acme.example',
    });
    const outcome = await ingester.ingest(Buffer.from(other, 'latin1'), {
      label: 'b',
      receivedAt: new Date(),
    });
    expect(outcome.status).toBe('stored');
    expect(outcome.status === 'stored' && outcome.messageId).toBe('reply-1_2@acme.example');
  });

  it('junk that hid the sender: put aside with a reason, not dropped as unrelated', async () => {
    const { ingester, db } = await withOutreach();
    const raw = buildMail({ from: CONTACT, to: [OWNER], subject: 'Re: Hello' }).replace(
      'From: ana@',
      'Fr\0m: ana@',
    );
    const outcome = await ingester.ingest(Buffer.from(raw, 'latin1'), {
      label: 'from-destroyed',
      receivedAt: new Date(),
    });
    expect(outcome.status).toBe('quarantined');
    const rows = await db.selectFrom('quarantine').select(['reason', 'subject']).execute();
    expect(rows).toEqual([
      {
        reason: expect.stringMatching(/^damaged headers: 1 NUL or control byte/),
        subject: 'Re: Hello',
      },
    ]);
  });

  it('mail from a stranger without junk is still unrelated', async () => {
    const { ingester } = await withOutreach();
    const raw = buildMail({ from: 'someone@else.example', to: [OWNER], subject: 'Hi' });
    const outcome = await ingester.ingest(Buffer.from(raw), { label: 'x', receivedAt: new Date() });
    expect(outcome.status).toBe('unrelated');
  });
});
