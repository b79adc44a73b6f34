import type { Migration } from 'kysely';
import * as initial from './2026-11-22-initial.js';
import * as schedulerIndexes from './2026-11-23-scheduler-indexes.js';
import * as webIndexes from './2026-11-24-web-indexes.js';
import * as inboxIndexes from './2026-11-25-inbox-indexes.js';
import * as approvalText from './2026-12-06-approval-text.js';
import * as addressLearned from './2026-12-06-contact-address-learned.js';
import * as timeZones from './2026-12-06-time-zones.js';
import * as vcalendarInvitations from './2026-12-06-vcalendar-invitations.js';
import * as quarantineSender from './2026-12-06-x-quarantine-sender.js';
import * as importCreated from './2026-12-06-y-import-created.js';
import * as numbersChanges from './2026-12-06-y-numbers-changes.js';
import * as awayUntil from './2026-12-07-a-away-until.js';
import * as draftsCopy from './2026-12-07-b-drafts-copy.js';

/**
 * Static list, not a directory scan, so migrations work the same from
 * src/ under tsx and from dist/ after a build. Names sort in apply order.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22-initial': initial,
  '2026-11-23-scheduler-indexes': schedulerIndexes,
  '2026-11-24-web-indexes': webIndexes,
  '2026-11-25-inbox-indexes': inboxIndexes,
  '2026-12-06-approval-text': approvalText,
  '2026-12-06-contact-address-learned': addressLearned,
  '2026-12-06-time-zones': timeZones,
  '2026-12-06-vcalendar-invitations': vcalendarInvitations,
  '2026-12-06-x-quarantine-sender': quarantineSender,
  '2026-12-06-y-import-created': importCreated,
  '2026-12-06-y-numbers-changes': numbersChanges,
  '2026-12-07-a-away-until': awayUntil,
  '2026-12-07-b-drafts-copy': draftsCopy,
};
