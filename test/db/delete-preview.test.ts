import { afterEach, describe, expect, it } from 'vitest';
import { previewDeletion } from '../../src/db/contact-edits.js';
import { createContact } from '../../src/db/contacts.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { insertMeeting, setMeetingStatus } from '../../src/db/meetings.js';

/** What deleting a contact warns about: the meetings still ahead count by the rule the cancel uses. */

const open: Db[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});
const NOW = '2026-12-01T15:00:00.000Z';

describe('previewDeletion', () => {
  it('counts only proposed or confirmed meetings not yet over as to come', async () => {
    const db = openDatabase(':memory:');
    open.push(db);
    await migrateToLatest(db);
    const { id } = await createContact(
      db,
      { name: 'Ana', emails: ['ana@x.example'], source: 'outreach' },
      NOW,
    );
    const meeting = async (end: string, status: 'proposed' | 'confirmed') =>
      insertMeeting(
        db,
        id,
        {
          start: new Date(Date.parse(end) - 30 * 60_000).toISOString(),
          end,
          timeZone: 'Europe/Berlin',
          mode: 'video',
          place: null,
          status,
          uid: null,
          sequence: null,
        },
        { proposedBy: 'owner', sourceMessageId: `m-${end}@x.example` },
        NOW,
      );
    await meeting('2026-12-03T10:30:00.000Z', 'confirmed');
    await meeting('2026-12-04T10:30:00.000Z', 'proposed');
    await meeting(NOW, 'confirmed'); // over this instant
    await meeting('2026-11-20T10:30:00.000Z', 'confirmed'); // long past
    const cancelled = await meeting('2026-12-05T10:30:00.000Z', 'proposed');
    await setMeetingStatus(db, [cancelled], 'cancelled', null, NOW);
    expect(await previewDeletion(db, id, NOW)).toMatchObject({ meetings: 5, upcomingMeetings: 2 });
  });
});
