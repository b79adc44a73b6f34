import { afterEach, describe, expect, it } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import type { Db } from '../../src/db/database.js';
import {
  addToQuarantine,
  getSyncState,
  isMessageKnown,
  markAddressDead,
  saveSyncState,
  setAwayUntil,
} from '../../src/db/inbox-queries.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { awayUntil, testDb } from './ingest-helpers.js';

const tempDir = useTempDir();
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
});
async function db(): Promise<Db> {
  const made = await testDb(tempDir());
  dbs.push(made);
  return made;
}
const at = '2026-12-01T10:00:00.000Z';

describe('inbox queries', () => {
  it('moves the sync cursor forward only, and resets it for a new UIDVALIDITY', async () => {
    const d = await db();
    await saveSyncState(d, 'INBOX', { uidValidity: '7', lastUid: 10 }, at);
    await saveSyncState(d, 'INBOX', { uidValidity: '7', lastUid: 4 }, at);
    expect(await getSyncState(d, 'INBOX')).toMatchObject({ uid_validity: '7', last_uid: 10 });
    await saveSyncState(d, 'INBOX', { uidValidity: '7', lastUid: 12 }, at);
    expect((await getSyncState(d, 'INBOX'))?.last_uid).toBe(12);
    await saveSyncState(d, 'INBOX', { uidValidity: '8', lastUid: 0 }, at);
    expect(await getSyncState(d, 'INBOX')).toMatchObject({ uid_validity: '8', last_uid: 0 });
    expect(await getSyncState(d, 'Sent')).toBeUndefined();
  });

  it('knows refused and quarantined Message-IDs, except failures worth retrying', async () => {
    const d = await db();
    await addToQuarantine(d, { source: 'x', reason: 'refused: forged', messageId: 'a@x' }, at);
    await addToQuarantine(
      d,
      { source: 'x', reason: 'could not be stored: boom', messageId: 'b@x' },
      at,
    );
    expect(await isMessageKnown(d, 'a@x', 'could not be stored')).toBe(true);
    expect(await isMessageKnown(d, 'b@x', 'could not be stored')).toBe(false);
    expect(await isMessageKnown(d, 'b@x')).toBe(true);
    expect(await isMessageKnown(d, 'c@x')).toBe(false);
  });

  it('marks a stored address dead with the reason it is given', async () => {
    const d = await db();
    await createContact(d, { emails: ['a@x.example', 'b@x.example'], source: 'manual' }, at);
    await markAddressDead(d, 'a@x.example', `550 ${'x'.repeat(600)}`, at);
    const rows = await d
      .selectFrom('contact_emails')
      .select(['address', 'dead_at', 'dead_reason'])
      .orderBy('address')
      .execute();
    expect(rows.map((r) => [r.address, r.dead_at])).toEqual([
      ['a@x.example', at],
      ['b@x.example', null],
    ]);
    expect(rows[0]?.dead_reason).toHaveLength(500);
  });

  it('stores the out-of-office return date it is given', async () => {
    const d = await db();
    const c = await createContact(d, { emails: ['a@x.example'], source: 'manual' }, at);
    expect(await awayUntil(d, c.id)).toBeUndefined();
    await setAwayUntil(d, c.id, '2026-12-14');
    await setAwayUntil(d, c.id, '2026-12-10');
    expect(await awayUntil(d, c.id)).toBe('2026-12-10');
  });
});
