import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { deleteContact, mergeContacts } from '../../src/db/contact-edits.js';
import { applyStageEvent } from '../../src/db/contacts.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import {
  type ContactReplies,
  loadFirstArrivalsOf,
  loadReferralEdges,
  loadReplyCountsOf,
} from '../../src/db/numbers-queries.js';
import { computeFunnel } from '../../src/web/numbers/funnel.js';
import { numbersState } from '../../src/web/numbers/numbers-state.js';
import { layoutReferralTree } from '../../src/web/numbers/referral-tree.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { seedContact, seedDraft, seedMessage } from './seed.js';

const tempDir = useTempDir();

async function openDb(): Promise<Db> {
  const db = openDatabase(path.join(tempDir(), 'kith.sqlite'));
  await migrateToLatest(db);
  return db;
}

/** What a recomputation from every row gives: the numbers kept per contact must always equal it. */
async function fromScratch(db: Db) {
  return {
    funnel: computeFunnel([...(await loadFirstArrivalsOf(db, null)).values()]),
    replies: replyTotals(await loadReplyCountsOf(db, null)),
    tree: layoutReferralTree(await loadReferralEdges(db), 250),
  };
}

/** Sent and replied per template over all contacts, most sent first. */
function replyTotals(byContact: ReadonlyMap<number, ContactReplies>) {
  const sums = new Map<string, { sent: number; replied: number }>();
  for (const templates of byContact.values()) {
    for (const [template, n] of templates) {
      const sum = sums.get(template) ?? { sent: 0, replied: 0 };
      sums.set(template, { sent: sum.sent + n.sent, replied: sum.replied + n.replied });
    }
  }
  return [...sums]
    .map(([template, n]) => ({ template, ...n }))
    .sort((a, b) => b.sent - a.sent || (a.template < b.template ? -1 : 1));
}

let sequence = 0;
const mail = (db: Db, contactId: number, direction: 'in' | 'out', kind: string, day: number) => {
  sequence += 1;
  return seedMessage(db, {
    contactId,
    direction,
    kind,
    subject: 'Hi',
    text: 'Hello',
    date: `2026-11-${String(day).padStart(2, '0')}T09:00:00.000Z`,
    messageId: `m${sequence}@example.org`,
  });
};

const move = (db: Db, id: number, to: 'contacted' | 'replied' | 'met' | 'keeping_in_touch') =>
  applyStageEvent(
    db,
    id,
    { type: 'manual_move', to },
    { at: '2026-11-20T09:00:00.000Z', cause: 'by hand' },
  );

describe('numbers kept per contact', () => {
  test('after every kind of change they equal a recomputation from scratch', async () => {
    const db = await openDb();
    const numbers = numbersState(db, 250);
    const ana = await seedContact(db, { name: 'Ana', email: 'ana@example.com' });
    const bo = await seedContact(db, { name: 'Bo', email: 'bo@example.com', referredById: ana });
    const cy = await seedContact(db, { name: 'Cy', email: 'cy@example.com' });
    await mail(db, ana, 'out', 'outreach', 2);
    await mail(db, bo, 'out', 'outreach', 3);
    expect(await numbers()).toEqual(await fromScratch(db));

    const steps: [string, () => Promise<unknown>][] = [
      ['a reply arrives', () => mail(db, ana, 'in', 'reply', 4)],
      ['a move by hand', () => move(db, bo, 'contacted')],
      ['a move along the road', () => move(db, ana, 'met')],
      ['on to keeping in touch', () => move(db, ana, 'keeping_in_touch')],
      [
        'a draft is sent',
        () =>
          seedDraft(db, {
            contactId: cy,
            to: 'cy@example.com',
            kind: 'outreach',
            subject: 'Hi',
            body: 'Hello',
            state: 'sent',
            sentAt: '2026-11-05T09:00:00.000Z',
          }),
      ],
      ['the draft is answered', () => mail(db, cy, 'in', 'reply', 6)],
      [
        'a referrer is renamed',
        () => db.updateTable('contacts').set({ name: 'Ana S.' }).where('id', '=', ana).execute(),
      ],
      ['two contacts are merged', () => mergeContacts(db, cy, bo, '2026-11-21T09:00:00.000Z')],
      ['a contact is deleted', () => deleteContact(db, ana, '2026-11-22T09:00:00.000Z')],
    ];
    for (const [what, change] of steps) {
      await change();
      expect(await numbers(), what).toEqual(await fromScratch(db));
    }
    const funnel = (await numbers()).funnel;
    expect(funnel.at(-1)?.stage).toBe('keeping_in_touch');
  });

  test('a change reads again only the contacts it touched', async () => {
    const db = await openDb();
    const numbers = numbersState(db, 250);
    const ids: number[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(await seedContact(db, { name: `P${i}`, email: `p${i}@example.com` }));
    await numbers();
    // The log names just the moved contact, so only its history is read again.
    await move(db, ids[3] as number, 'contacted');
    const logged = await db
      .selectFrom('numbers_changes')
      .select(['contact_id', 'part'])
      .orderBy('seq', 'desc')
      .limit(1)
      .execute();
    expect(logged).toEqual([{ contact_id: ids[3], part: 'funnel' }]);
    expect((await numbers()).funnel[1]?.reached).toBe(1);
  });
});
