import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail, type MailSpec, newMessageId } from './build-mail.js';
import { counts, OWNER, SERVICE, testDb, testIngester } from './ingest-helpers.js';

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup() {
  const db = await testDb(tempDir());
  const made = testIngester(db);
  cleanups.push(async () => {
    await db.destroy();
  });
  const ingest = (spec: MailSpec) =>
    made.ingester.ingest(Buffer.from(buildMail(spec)), {
      label: spec.messageId ?? 'x',
      receivedAt: new Date('2026-12-01T10:00:00Z'),
    });
  return { db, ingest };
}

/** The owner writes Sam Lee at work; returns the outreach's Message-ID. */
async function outreachToSam(
  ingest: (spec: MailSpec) => Promise<unknown>,
  to = 'Sam Lee <sam@corp.example>',
) {
  const id = newMessageId('example.org');
  await ingest({
    from: `Sam Owner <${OWNER}>`,
    to: [to],
    bcc: [SERVICE],
    subject: 'Quick question about data engineering',
    messageId: id,
    text: 'Hi Sam, would you have 20 minutes for a chat? Thanks',
  });
  return id;
}

function replyFrom(from: string, inReplyTo: string, over: Partial<MailSpec> = {}): MailSpec {
  return {
    from,
    to: [OWNER],
    subject: 'Re: Quick question about data engineering',
    inReplyTo,
    references: [inReplyTo],
    messageId: newMessageId('home.example'),
    text: 'Happy to help, writing from my own address.',
    ...over,
  };
}

async function addressesOf(db: Db, address: string) {
  const contact = await db
    .selectFrom('contact_emails')
    .select('contact_id')
    .where('address', '=', address)
    .executeTakeFirst();
  if (!contact) return [];
  return db
    .selectFrom('contact_emails')
    .select(['address', 'is_primary', 'learned_cause'])
    .where('contact_id', '=', contact.contact_id)
    .orderBy('id')
    .execute();
}

describe('ingest: one person, several addresses', () => {
  it('learns the address of a reply in the thread whose name fits, and the next new mail from it finds her', async () => {
    const { db, ingest } = await setup();
    const id = await outreachToSam(ingest);
    const outcome = await ingest(replyFrom('"Sam L." <sam.lee@home.example>', id));
    expect(outcome).toMatchObject({ status: 'stored', classification: 'contact_reply' });
    expect(await addressesOf(db, 'sam@corp.example')).toEqual([
      { address: 'sam@corp.example', is_primary: 1, learned_cause: null },
      {
        address: 'sam.lee@home.example',
        is_primary: 0,
        learned_cause: 'address sam.lee@home.example learned: reply in the thread as "Sam L."',
      },
    ]);
    const history = await db
      .selectFrom('stage_history')
      .select(['from_stage', 'to_stage', 'cause'])
      .orderBy('id')
      .execute();
    expect(history.at(-1)).toEqual({
      from_stage: 'replied',
      to_stage: 'replied',
      cause: 'address sam.lee@home.example learned: reply in the thread as "Sam L."',
    });

    // A new thread from the learned address: the same contact, not a second one.
    const fresh = await ingest({
      from: 'Sam L. <sam.lee@home.example>',
      to: [OWNER],
      subject: 'One more idea',
      messageId: newMessageId('home.example'),
      text: 'I thought of someone you should meet.',
    });
    expect(fresh).toMatchObject({ status: 'stored', classification: 'contact_reply' });
    expect((await counts(db)).contacts).toBe(1);
  });

  it('learns a name written in another order with diacritics folded', async () => {
    const { db, ingest } = await setup();
    const id = await outreachToSam(ingest, 'José Muñoz <jose@corp.example>');
    await ingest(replyFrom('Munoz Jose <jm@home.example>', id));
    expect((await addressesOf(db, 'jose@corp.example')).map((e) => e.address)).toEqual([
      'jose@corp.example',
      'jm@home.example',
    ]);
  });

  it.each([
    ['a mailing list', replyFromList()],
    ['a role address', (id: string) => replyFrom('Sam Lee <no-reply@corp.example>', id)],
    [
      'a forward',
      (id: string) =>
        replyFrom('Sam Lee <sam.lee@home.example>', id, {
          subject: 'Fwd: Quick question about data engineering',
        }),
    ],
    [
      'a forwarded-message block',
      (id: string) =>
        replyFrom('Sam Lee <sam.lee@home.example>', id, {
          text: 'FYI\n\n---------- Forwarded message ---------\nFrom: Sam Lee <sam@corp.example>\n\nHi',
        }),
    ],
    ['a colleague with another name', (id: string) => replyFrom('Kim Park <kim@corp.example>', id)],
  ])('learns nothing from %s', async (_label, make) => {
    const { db, ingest } = await setup();
    const id = await outreachToSam(ingest);
    const before = (await counts(db)).history;
    await ingest(make(id));
    expect((await addressesOf(db, 'sam@corp.example')).map((e) => e.address)).toEqual([
      'sam@corp.example',
    ]);
    // The reply itself moves the stage once; no learning row beside it.
    expect((await counts(db)).history).toBe(before + 1);
  });

  it('never takes an address another contact owns', async () => {
    const { db, ingest } = await setup();
    const id = await outreachToSam(ingest);
    // Another Sam Lee (a namesake at another firm) is already a contact.
    await outreachToSam(ingest, 'Sam Lee <sam@other.example>');
    await ingest(replyFrom('Sam Lee <sam@other.example>', id));
    expect((await addressesOf(db, 'sam@corp.example')).map((e) => e.address)).toEqual([
      'sam@corp.example',
    ]);
    expect((await addressesOf(db, 'sam@other.example')).map((e) => e.address)).toEqual([
      'sam@other.example',
    ]);
  });
});

function replyFromList() {
  return (id: string) =>
    replyFrom('Sam Lee <sam.lee@home.example>', id, {
      headers: { 'List-Id': 'Data people <data.lists.example>' },
    });
}
