import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { findOutboxById, moveOutboxRow } from '../../src/db/outbox-queries.js';
import { createContactDraft, type OutboxContext } from '../../src/outbox/drafts.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { quietLogger, seedContact, testConfig, testDb } from './harness.js';

const tempDir = useTempDir();
const at = '2026-12-02T09:30:00.000Z';
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
});

async function draft() {
  const dir = tempDir();
  const db = await testDb(dir);
  dbs.push(db);
  const ctx: OutboxContext = { db, config: testConfig(dir), logger: quietLogger() };
  const contactId = await seedContact(db);
  const made = await createContactDraft(ctx, {
    kind: 'thank_you',
    contactId,
    subject: 'Thank you',
    text: 'Hi Ana,\n\nThank you.\n\nSam\n',
    at,
  });
  return { db, id: made.draft.id };
}

describe('moveOutboxRow carries out an action of the lifecycle table', () => {
  it('moves the row to the action’s state, only from a state the table allows', async () => {
    const { db, id } = await draft();
    expect(await moveOutboxRow(db, id, 'approve', { updated_at: at })).toEqual({ moved: true });
    expect((await findOutboxById(db, id))?.state).toBe('approved');
    expect(await moveOutboxRow(db, id, 'claim', { attempts: 1, updated_at: at })).toEqual({
      moved: true,
    });
    expect(await moveOutboxRow(db, id, 'sent', { sent_at: at, updated_at: at })).toEqual({
      moved: true,
    });
    expect((await findOutboxById(db, id))?.state).toBe('sent');
  });

  it('refuses with the table’s reason and leaves the row as it was', async () => {
    const { db, id } = await draft();
    await moveOutboxRow(db, id, 'skip', { updated_at: at });
    const before = await findOutboxById(db, id);
    expect(await moveOutboxRow(db, id, 'approve', { updated_at: '2027-01-01T00:00:00Z' })).toEqual({
      moved: false,
      reason: 'it was skipped and not sent',
    });
    expect(await moveOutboxRow(db, id, 'claim', { updated_at: at })).toEqual({
      moved: false,
      reason: 'it was skipped and not sent',
    });
    expect(await findOutboxById(db, id)).toEqual(before);
    expect(await moveOutboxRow(db, id + 100, 'approve', { updated_at: at })).toEqual({
      moved: false,
      reason: `there is no outbox row #${id + 100}`,
    });
  });

  it('lets only one of two racing claims win', async () => {
    const { db, id } = await draft();
    await moveOutboxRow(db, id, 'approve', { updated_at: at });
    const [a, b] = await Promise.all([
      moveOutboxRow(db, id, 'claim', { updated_at: at }),
      moveOutboxRow(db, id, 'claim', { updated_at: at }),
    ]);
    expect([a, b]).toContainEqual({ moved: true });
    expect([a, b]).toContainEqual({ moved: false, reason: 'it is being sent right now' });
  });
});
