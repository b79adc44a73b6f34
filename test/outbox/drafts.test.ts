import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { findOutboxById } from '../../src/db/outbox-queries.js';
import {
  applyOwnerCommand,
  approveDraft,
  type OwnerCommand,
  skipDraft,
  snoozeDraft,
} from '../../src/outbox/draft-commands.js';
import {
  createContactDraft,
  findOwnerMailByRef,
  markSentByMessageId,
  type OutboxContext,
  queueOwnerMail,
} from '../../src/outbox/drafts.js';
import { makeSignedMessageId, verifySignedMessageId } from '../../src/outbox/message-id.js';
import { useTempDir } from '../helpers/temp-dir.js';
import {
  quietLogger,
  SECRET,
  seedContact,
  seedThreadMessage,
  testConfig,
  testDb,
} from './harness.js';

const tempDir = useTempDir();
const at = '2026-12-02T09:30:00.000Z';
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
});

async function setup(env: Record<string, string> = {}) {
  const dir = tempDir();
  const db = await testDb(dir);
  dbs.push(db);
  const ctx: OutboxContext = { db, config: testConfig(dir, env), logger: quietLogger() };
  const contactId = await seedContact(db);
  return { ctx, db, contactId };
}

async function draftFor(ctx: OutboxContext, contactId: number, kind = 'thank_you') {
  return createContactDraft(ctx, {
    kind,
    contactId,
    subject: 'Thank you',
    text: 'Hi Ana,\n\nThank you for your time.\n\nSam\n',
    at,
  });
}

/** What the inbox does with a parsed reply: verify the Message-ID it answers, then apply. */
async function reply(ctx: OutboxContext, inReplyTo: string, command: OwnerCommand) {
  const ref = verifySignedMessageId(SECRET, inReplyTo);
  if (!ref) return { ok: false, message: 'not a kith message', refused: true };
  return applyOwnerCommand(ctx, ref, command, at);
}

const approve: OwnerCommand = { type: 'approve' };

describe('createContactDraft', () => {
  it('makes the draft and the approval request with a signed, mappable Message-ID', async () => {
    const { ctx, contactId } = await setup();
    const { draft, approvalRequest, created } = await draftFor(ctx, contactId);
    expect(created).toBe(true);
    expect(draft.state).toBe('awaiting_approval');
    expect(draft.audience).toBe('contact');
    expect(draft.to_address).toBe('"Ana Souza" <ana@acme.example>');
    expect(draft.message_id).toMatch(/^[0-9a-f-]{36}@example\.org$/);
    expect(approvalRequest).not.toBeNull();
    const request = approvalRequest!;
    expect(request.audience).toBe('owner');
    expect(request.state).toBe('approved');
    expect(request.draft_id).toBe(draft.id);
    expect(request.to_address).toBe('"Sam Rivera" <sam@example.org>');
    expect(verifySignedMessageId(SECRET, request.message_id)).toBe(`d${draft.id}-r${request.id}`);
    expect(request.body_text).toContain('Hi Ana,\n\nThank you for your time.\n\nSam');
    expect(request.subject).toBe('Approve thank-you note to Ana Souza: Thank you');
    expect((await findOwnerMailByRef(ctx.db, `d${draft.id}-r${request.id}`))?.id).toBe(request.id);
  });

  it('fixes the Message-ID at draft time and keeps it through approval', async () => {
    const { ctx, contactId } = await setup();
    const { draft } = await draftFor(ctx, contactId);
    await approveDraft(ctx, draft.id, { at, editedText: 'Hi Ana,\n\nNew text.\n\nSam' });
    expect((await findOutboxById(ctx.db, draft.id))?.message_id).toBe(draft.message_id);
  });

  it('returns the undecided draft instead of making a second one', async () => {
    const { ctx, contactId } = await setup();
    const first = await draftFor(ctx, contactId);
    const second = await draftFor(ctx, contactId);
    expect(second.created).toBe(false);
    expect(second.draft.id).toBe(first.draft.id);
    const rows = await ctx.db.selectFrom('outbox').select('id').execute();
    expect(rows).toHaveLength(2); // one draft, one approval request
  });

  it('threads into the contact’s conversation from the messages table', async () => {
    const { ctx, contactId } = await setup();
    await seedThreadMessage(ctx.db, contactId, {
      messageId: 'first@acme.example',
      date: '2026-11-10T10:00:00.000Z',
    });
    await seedThreadMessage(ctx.db, contactId, {
      messageId: 'second@acme.example',
      references: '<first@acme.example>',
      date: '2026-11-11T10:00:00.000Z',
    });
    const { draft } = await draftFor(ctx, contactId);
    expect(draft.in_reply_to).toBe('second@acme.example');
    expect(draft.references).toBe('first@acme.example second@acme.example');
    const outreach = await draftFor(ctx, contactId, 'outreach');
    expect(outreach.draft.in_reply_to).toBeNull();
  });

  it('without an owner address the draft waits as drafted (web UI approval)', async () => {
    const { ctx, contactId } = await setup({ KITH_OWNER_EMAIL: '' });
    const { draft, approvalRequest } = await draftFor(ctx, contactId);
    expect(draft.state).toBe('drafted');
    expect(approvalRequest).toBeNull();
  });

  it('mails no approval request when the owner decides right away (askOwner: false)', async () => {
    const { ctx, db, contactId } = await setup();
    const { draft, approvalRequest } = await createContactDraft(ctx, {
      kind: 'outreach',
      contactId,
      subject: 'Advice on data roles',
      text: 'Hi Ana,\n\nCould I ask you for 20 minutes of advice?\n\nSam\n',
      at,
      askOwner: false,
    });
    expect(draft.state).toBe('drafted');
    expect(approvalRequest).toBeNull();
    const ownerMail = await db
      .selectFrom('outbox')
      .select('id')
      .where('audience', '=', 'owner')
      .execute();
    expect(ownerMail).toEqual([]);
    expect((await approveDraft(ctx, draft.id, { at })).ok).toBe(true);
    expect((await findOutboxById(db, draft.id))?.state).toBe('approved');
  });

  it('refuses a contact without a working address', async () => {
    const { ctx, contactId } = await setup();
    await ctx.db
      .updateTable('contact_emails')
      .set({ dead_at: at, dead_reason: 'bounce' })
      .where('contact_id', '=', contactId)
      .execute();
    await expect(draftFor(ctx, contactId)).rejects.toThrow(/no working address/);
  });
});

describe('applyOwnerCommand', () => {
  it('approve sends the draft unchanged', async () => {
    const { ctx, contactId } = await setup();
    const { draft, approvalRequest } = await draftFor(ctx, contactId);
    const result = await reply(ctx, approvalRequest!.message_id, approve);
    expect(result.ok).toBe(true);
    const row = await findOutboxById(ctx.db, draft.id);
    expect(row?.state).toBe('approved');
    expect(row?.body_text).toBe(draft.body_text);
  });

  it('an edited reply is never sent as it is: it comes back to approve word for word', async () => {
    const { ctx, contactId } = await setup();
    const { draft, approvalRequest } = await draftFor(ctx, contactId);
    const mine =
      'Dear Ana,\n\nThank you — the tip about the planning team was exactly what I needed.\n\nWarmly,\nSam';
    const result = await reply(ctx, `<${approvalRequest!.message_id}>`, {
      type: 'revise',
      text: `${mine}\n`,
    });
    expect(result).toMatchObject({ ok: true, message: expect.stringMatching(/Nothing sent yet/) });
    const row = await findOutboxById(ctx.db, draft.id);
    expect(row?.state).toBe('awaiting_approval');
    expect(row?.body_text).toBe(`${mine}\n`);
    const requests = await ctx.db
      .selectFrom('outbox')
      .selectAll()
      .where('draft_id', '=', draft.id)
      .orderBy('id')
      .execute();
    expect(requests).toHaveLength(2);
    const revision = requests[1]!;
    expect(revision.approval_text).toBe(`${mine}\n`);
    expect(revision.body_text).toContain('word for word');
    expect(revision.body_text).toContain(mine);

    // "approve" to the first request approved the first text: it no longer stands.
    const stale = await reply(ctx, approvalRequest!.message_id, approve);
    expect(stale).toMatchObject({ ok: false, message: expect.stringMatching(/changed after/) });
    expect((await findOutboxById(ctx.db, draft.id))?.state).toBe('awaiting_approval');

    const approved = await reply(ctx, revision.message_id, approve);
    expect(approved.ok).toBe(true);
    const sent = await findOutboxById(ctx.db, draft.id);
    expect(sent?.state).toBe('approved');
    expect(sent?.body_text).toBe(`${mine}\n`);
  });

  it('a text with a [place] left cannot be approved by mail or by the web', async () => {
    const { ctx, contactId } = await setup();
    const made = await createContactDraft(ctx, {
      kind: 'keep_in_touch',
      contactId,
      subject: 'News',
      text: 'Hi Ana,\n\n[One or two lines of news.]\n\nSam\n',
      at,
    });
    const byMail = await reply(ctx, made.approvalRequest!.message_id, approve);
    expect(byMail).toMatchObject({
      ok: false,
      message: expect.stringMatching(/1 place to fill in: \[One or two lines of news\.\]/),
    });
    const byWeb = await approveDraft(ctx, made.draft.id, {
      at,
      editedText: 'Hi Ana,\n\nI start at [Company] in May.\n\nSam',
    });
    expect(byWeb).toMatchObject({ ok: false, message: expect.stringMatching(/\[Company\]/) });
    expect((await findOutboxById(ctx.db, made.draft.id))?.state).toBe('awaiting_approval');
    const filled = await approveDraft(ctx, made.draft.id, {
      at,
      editedText: 'Hi Ana,\n\nI start at Globex in May.\n\nSam',
    });
    expect(filled.ok).toBe(true);
  });

  it('skip drops it; snooze puts it aside until the given time', async () => {
    const { ctx, contactId } = await setup();
    const one = await draftFor(ctx, contactId, 'thank_you');
    expect((await reply(ctx, one.approvalRequest!.message_id, { type: 'skip' })).ok).toBe(true);
    expect((await findOutboxById(ctx.db, one.draft.id))?.state).toBe('skipped');

    const two = await draftFor(ctx, contactId, 'keep_in_touch');
    const until = '2026-12-05T09:30:00.000Z';
    expect((await reply(ctx, two.approvalRequest!.message_id, { type: 'snooze', until })).ok).toBe(
      true,
    );
    const snoozed = await findOutboxById(ctx.db, two.draft.id);
    expect(snoozed?.state).toBe('snoozed');
    expect(snoozed?.send_after).toBe('2026-12-05T09:30:00.000Z');
  });

  it('refuses a forged Message-ID (signed with another secret)', async () => {
    const { ctx, contactId } = await setup();
    const { draft, approvalRequest } = await draftFor(ctx, contactId);
    const forged = makeSignedMessageId(
      'some-other-secret-0123456789abcdefghij',
      `d${draft.id}-r${approvalRequest!.id}`,
      'example.org',
    );
    const result = await reply(ctx, forged, approve);
    expect(result).toMatchObject({ ok: false, refused: true });
    expect((await findOutboxById(ctx.db, draft.id))?.state).toBe('awaiting_approval');
  });

  it('refuses a tampered Message-ID (reference changed, tag kept)', async () => {
    const { ctx, contactId } = await setup();
    const first = await draftFor(ctx, contactId, 'thank_you');
    const second = await draftFor(ctx, contactId, 'keep_in_touch');
    const tampered = first.approvalRequest!.message_id.replace(
      `d${first.draft.id}-`,
      `d${second.draft.id}-`,
    );
    expect(tampered).not.toBe(first.approvalRequest!.message_id);
    const result = await reply(ctx, tampered, approve);
    expect(result).toMatchObject({ ok: false, refused: true });
    expect((await findOutboxById(ctx.db, second.draft.id))?.state).toBe('awaiting_approval');
  });

  it('refuses a command for another draft than the one the reference is for', async () => {
    const { ctx, contactId } = await setup();
    const first = await draftFor(ctx, contactId, 'thank_you');
    const second = await draftFor(ctx, contactId, 'keep_in_touch');
    const result = await reply(ctx, first.approvalRequest!.message_id, {
      type: 'approve',
      draftId: second.draft.id,
    });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/names draft #\d+, but it answers the request about draft/);
    expect((await findOutboxById(ctx.db, second.draft.id))?.state).toBe('awaiting_approval');
    expect((await findOutboxById(ctx.db, first.draft.id))?.state).toBe('awaiting_approval');
  });

  it('refuses a reference that is not an approval request (a prep brief)', async () => {
    const { ctx, contactId } = await setup();
    const { draft } = await draftFor(ctx, contactId);
    const brief = await queueOwnerMail(ctx, {
      kind: 'prep_brief',
      contactId,
      subject: 'Tomorrow',
      text: 'Brief',
      at,
    });
    expect(verifySignedMessageId(SECRET, brief.message_id)).toBe(`o${brief.id}`);
    const result = await reply(ctx, brief.message_id, approve);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/does not answer an approval request/);
    expect((await findOutboxById(ctx.db, draft.id))?.state).toBe('awaiting_approval');
  });

  it('an approval of an already-sent draft changes nothing and says so in one line', async () => {
    const { ctx, contactId } = await setup();
    const { draft, approvalRequest } = await draftFor(ctx, contactId);
    await approveDraft(ctx, draft.id, { at });
    await ctx.db
      .updateTable('outbox')
      .set({ state: 'sent', sent_at: '2026-12-02T10:00:00.000Z' })
      .where('id', '=', draft.id)
      .execute();
    const before = await findOutboxById(ctx.db, draft.id);
    const result = await reply(ctx, approvalRequest!.message_id, approve);
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      'Your thank-you note to Ana Souza <ana@acme.example> was already sent on Wed 2 Dec, 11:00; nothing changed.',
    );
    expect(result.message).not.toContain('\n');
    expect(await findOutboxById(ctx.db, draft.id)).toEqual(before);
  });

  it('an approval of a skipped draft changes nothing', async () => {
    const { ctx, contactId } = await setup();
    const { draft, approvalRequest } = await draftFor(ctx, contactId);
    await skipDraft(ctx, draft.id, { at });
    const result = await reply(ctx, approvalRequest!.message_id, approve);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/was skipped/) });
    expect((await findOutboxById(ctx.db, draft.id))?.state).toBe('skipped');
  });

  it('an unclear reply changes nothing', async () => {
    const { ctx, contactId } = await setup();
    const { draft, approvalRequest } = await draftFor(ctx, contactId);
    const result = await reply(ctx, approvalRequest!.message_id, {
      type: 'unclear',
      reason: '"hmm" is neither approve, skip nor snooze',
    });
    expect(result.ok).toBe(false);
    expect((await findOutboxById(ctx.db, draft.id))?.state).toBe('awaiting_approval');
  });

  it('a snooze must end in the future', async () => {
    const { ctx, contactId } = await setup();
    const { draft } = await draftFor(ctx, contactId);
    const result = await snoozeDraft(ctx, draft.id, { until: '2026-12-01T00:00:00Z', at });
    expect(result.ok).toBe(false);
  });
});

describe('markSentByMessageId', () => {
  it('marks a draft the owner sent from Drafts as sent, once', async () => {
    const { ctx, contactId } = await setup();
    const { draft } = await draftFor(ctx, contactId);
    expect(await markSentByMessageId(ctx, `<${draft.message_id}>`, at)).toBe(true);
    const row = await findOutboxById(ctx.db, draft.id);
    expect(row).toMatchObject({ state: 'sent', sent_at: at });
    expect(await markSentByMessageId(ctx, draft.message_id, at)).toBe(false);
    expect(await markSentByMessageId(ctx, 'unknown@example.org', at)).toBe(false);
    const late = await approveDraft(ctx, draft.id, { at });
    expect(late).toMatchObject({ ok: false, message: expect.stringMatching(/already sent/) });
  });
});
