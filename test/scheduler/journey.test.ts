import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { advancePlannedUntil } from '../../src/db/scheduler-queries.js';
import { approveDraft } from '../../src/outbox/draft-commands.js';
import { outboxFolder } from '../../src/outbox/file-transport.js';
import { createSendLoop } from '../../src/outbox/send-loop.js';
import { runTick, type TickReport } from '../../src/scheduler/tick.js';
import {
  addContact,
  addMeeting,
  addMessage,
  jobRows,
  move,
  outboxRows,
  quietLogger,
  stageOf,
  useWorld,
  type World,
} from './world.js';

const world = useWorld();

/** What a tick did, as `kind result` lines (the weekly digest left out unless asked for). */
const did = (report: TickReport, withDigest = false) =>
  report.outcomes
    .filter((o) => withDigest || o.job.kind !== 'weekly_digest')
    .map((o) => `${o.job.kind} ${o.result}`);

/** The .eml files the file transport wrote, as text. */
function emlFiles(w: World): string[] {
  const folder = outboxFolder(w.dir);
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.eml'));
  } catch {
    return [];
  }
  return names.map((n) => unfoldQuotedPrintable(readFileSync(path.join(folder, n), 'utf8')));
}

/** Bodies are quoted-printable: undo soft line breaks and =XX escapes so text can be searched. */
function unfoldQuotedPrintable(raw: string): string {
  return Buffer.from(
    raw
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      ),
    'latin1',
  ).toString('utf8');
}

async function sendRound(w: World, at: string) {
  const loop = createSendLoop({
    db: w.db,
    config: w.config,
    logger: quietLogger,
    now: () => new Date(at),
    manual: true,
  });
  await loop.start();
  try {
    return await loop.runOnce();
  } finally {
    await loop.stop();
  }
}

const tick = (w: World, at: string) => runTick(w.deps, new Date(at));

// The owner lives in Berlin. Ana's meeting: Tuesday 24 Nov 2026, 14:00–14:30 CET.
const START = '2026-11-24T13:00:00.000Z';
const END = '2026-11-24T13:30:00.000Z';

describe('the journey from a confirmed meeting to keeping in touch', () => {
  it('briefs, prompts, drafts the thank-you at 09:00 two days on, reminds once, and keeps in touch', async () => {
    const w = await world();
    const ana = await addContact(w.db, {
      name: 'Ana Souza',
      email: 'ana@acme.example',
      company: 'Acme',
      at: '2026-11-16T10:00:00.000Z',
    });
    await addMessage(w.db, {
      contactId: ana,
      direction: 'out',
      kind: 'outreach',
      date: '2026-11-16T10:00:00.000Z',
      subject: 'Twenty minutes of your advice?',
    });
    await move(w.db, ana, 'contacted', '2026-11-16T10:00:00.000Z');
    await addMessage(w.db, {
      contactId: ana,
      direction: 'in',
      kind: 'reply',
      date: '2026-11-18T09:00:00.000Z',
    });
    await move(w.db, ana, 'scheduled', '2026-11-18T12:00:00.000Z');
    const meeting = await addMeeting(w.db, {
      contactId: ana,
      startsAt: START,
      endsAt: END,
      created: '2026-11-18T12:00:00.000Z',
      timeZone: 'America/New_York',
    });
    // kith has been running all along.
    await advancePlannedUntil(w.db, '2026-11-18T12:00:00.000Z', '2026-11-18T12:00:00.000Z');

    // Prep brief: not at 16:59 Berlin the day before, at 17:00.
    expect(did(await tick(w, '2026-11-23T15:59:00.000Z'))).toEqual([]);
    expect(did(await tick(w, '2026-11-23T16:00:00.000Z'))).toEqual(['prep_brief done']);
    await sendRound(w, '2026-11-23T16:00:30.000Z');
    const brief = emlFiles(w).find((m) => m.includes('Subject: Tomorrow: Ana Souza'));
    expect(brief).toBeDefined();
    expect(brief).toContain('Auto-Submitted: auto-generated');
    expect(brief).toContain('To: Sam Rivera <sam@example.org>');
    expect(brief).toContain("Tue 24 Nov, 14:00 your time (08:00 in New York, Ana's time)");

    // Meeting over: one hour after its end the contact is met and the owner is asked.
    expect(did(await tick(w, '2026-11-24T14:29:00.000Z'))).toEqual([]);
    expect(did(await tick(w, '2026-11-24T14:30:00.000Z'))).toEqual(['meeting_over done']);
    expect(await stageOf(w.db, ana)).toBe('met');
    const done = await w.db
      .selectFrom('meetings')
      .select('status')
      .where('id', '=', meeting)
      .executeTakeFirstOrThrow();
    expect(done.status).toBe('done');
    await sendRound(w, '2026-11-24T14:30:30.000Z');
    expect(emlFiles(w).some((m) => m.includes('Subject: How did it go with Ana Souza?'))).toBe(
      true,
    );

    // The owner's reply to the prompt gave advice (recorded by the inbox).
    await w.db
      .insertInto('advice')
      .values({
        contact_id: ana,
        meeting_id: meeting,
        body: 'Learn SQL window functions',
        source_message_id: null,
        created_at: '2026-11-24T18:00:00.000Z',
      })
      .execute();

    // Thank-you: it ended 14:30 Berlin, so the first 09:00 24 h later is Thursday 09:00.
    expect(did(await tick(w, '2026-11-25T08:00:00.000Z'))).toEqual([]);
    expect(did(await tick(w, '2026-11-26T07:59:00.000Z'))).toEqual([]);
    expect(did(await tick(w, '2026-11-26T08:00:00.000Z'))).toEqual(['thank_you done']);
    const draft = (await outboxRows(w.db)).find((r) => r.kind === 'thank_you');
    expect(draft?.state).toBe('awaiting_approval');
    expect(draft?.to_address).toBe('"Ana Souza" <ana@acme.example>');
    expect(draft?.body_text).toContain('Your suggestion to learn SQL window functions');
    const requests = async () =>
      (await outboxRows(w.db)).filter(
        (r) => r.kind === 'approval_request' && r.draft_id === draft?.id,
      );
    expect(await requests()).toHaveLength(1);

    // One reminder a day later, and only one.
    expect(did(await tick(w, '2026-11-27T07:59:00.000Z'))).toEqual([]);
    expect(did(await tick(w, '2026-11-27T08:00:00.000Z'))).toEqual(['thank_you_reminder done']);
    expect(did(await tick(w, '2026-11-28T08:00:00.000Z'))).toEqual([]);
    expect(await requests()).toHaveLength(2);

    // The owner approves; the thank-you leaves; the next tick moves Ana to thanked.
    const approved = await approveDraft(
      { db: w.db, config: w.config, logger: quietLogger },
      draft?.id as number,
      { at: '2026-11-28T09:00:00.000Z' },
    );
    expect(approved.ok).toBe(true);
    await sendRound(w, '2026-11-28T09:00:10.000Z');
    const sent = emlFiles(w).find((m) => m.includes('To: Ana Souza <ana@acme.example>'));
    expect(sent).toContain('Your suggestion to learn SQL window functions');
    expect(did(await tick(w, '2026-11-28T09:01:00.000Z'))).toEqual(['stage_after_send done']);
    expect(await stageOf(w.db, ana)).toBe('thanked');

    // 90 owner-days after the last exchange (the move to thanked), a keep-in-touch draft.
    expect(did(await tick(w, '2027-02-26T08:00:00.000Z'))).toEqual([]);
    expect(did(await tick(w, '2027-02-26T09:01:00.000Z'))).toEqual(['keep_in_touch done']);
    expect((await outboxRows(w.db)).filter((r) => r.kind === 'keep_in_touch')).toHaveLength(1);

    // Every job ran exactly once.
    const keys = (await jobRows(w.db)).map((j) => `${j.kind}|${j.subject_key}|${j.occurrence}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('makes no thank-you draft when the owner already wrote after the meeting', async () => {
    const w = await world();
    const bo = await addContact(w.db, {
      name: 'Bo Chen',
      email: 'bo@x.example',
      at: '2026-11-01T10:00:00.000Z',
    });
    await move(w.db, bo, 'scheduled', '2026-11-01T10:00:00.000Z');
    await addMeeting(w.db, {
      contactId: bo,
      startsAt: START,
      endsAt: END,
      created: '2026-11-20T10:00:00.000Z',
    });
    await advancePlannedUntil(w.db, '2026-11-24T14:00:00.000Z', '2026-11-24T14:00:00.000Z');
    await tick(w, '2026-11-24T14:30:00.000Z');
    await addMessage(w.db, {
      contactId: bo,
      direction: 'out',
      kind: 'owner_reply',
      date: '2026-11-24T19:00:00.000Z',
    });
    const report = await tick(w, '2026-11-26T08:00:00.000Z');
    expect(report.outcomes.map((o) => [o.job.kind, o.result, o.note])).toEqual([
      [
        'thank_you',
        'done',
        'you wrote after the meeting (2026-11-24T19:00:00.000Z): met → thanked',
      ],
    ]);
    expect(await stageOf(w.db, bo)).toBe('thanked');
    expect((await outboxRows(w.db)).filter((r) => r.kind === 'thank_you')).toEqual([]);
  });
});
