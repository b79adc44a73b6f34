import type { Stage } from '../pipeline/stages.js';
import { emailsOf, findContactById, primaryAddress } from './contacts.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';
import type {
  Advice,
  Contact,
  ContactEmail,
  Meeting,
  Note,
  OutboxRow,
  StageHistoryRow,
} from './schema.js';

/** The contact page's read model: one contact with everything about them. */

export interface PersonRef {
  readonly id: number;
  readonly name: string | null;
  readonly email: string | null;
  readonly stage: Stage;
}

export interface TimelineMessage {
  readonly id: number;
  /** Its Message-ID: a draft kith sent is stored under its own, once its copy is recorded. */
  readonly messageId: string;
  readonly direction: 'in' | 'out';
  readonly kind: string;
  readonly fromAddress: string;
  readonly toAddresses: string;
  readonly subject: string;
  readonly date: string;
  readonly text: string;
}

export interface ContactPage {
  readonly contact: Contact;
  readonly emails: readonly ContactEmail[];
  /** Who referred this contact first, then who referred that person, and so on. */
  readonly referralChain: readonly PersonRef[];
  readonly referrals: readonly PersonRef[];
  readonly messages: readonly TimelineMessage[];
  readonly messageCount: number;
  readonly meetings: readonly Meeting[];
  readonly notes: readonly Note[];
  readonly advice: readonly Advice[];
  readonly drafts: readonly OutboxRow[];
  readonly history: readonly StageHistoryRow[];
}

/** A contact's notes or advice items, newest first. */
function newestFirst(db: Db, table: 'notes' | 'advice', contactId: number) {
  return db
    .selectFrom(table)
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Everything the contact page shows, in ten indexed queries. */
export async function loadContactPage(
  db: Db,
  id: number,
  options: { messageLimit: number; messageOffset: number },
): Promise<ContactPage | undefined> {
  const contact = await findContactById(db, id);
  if (!contact) return undefined;
  const emails = await emailsOf(db, id);
  const referrals = await db
    .selectFrom('contacts as p')
    .select(['p.id', 'p.name', 'p.stage'])
    .select(primaryAddress('p.id').as('email'))
    .where('p.referred_by_id', '=', id)
    .orderBy('p.name')
    .execute();
  // Up the chain: who referred them, who referred that person… (bounded, in case of a cycle).
  const chain = await sql<{ id: number; name: string | null; stage: string; email: string | null }>`
    WITH RECURSIVE up(id, depth) AS (
      SELECT referred_by_id, 1 FROM contacts WHERE id = ${id} AND referred_by_id IS NOT NULL
      UNION ALL
      SELECT c.referred_by_id, up.depth + 1 FROM contacts c JOIN up ON c.id = up.id
      WHERE c.referred_by_id IS NOT NULL AND up.depth < 20
    )
    SELECT p.id, p.name, p.stage, ${primaryAddress('p.id')} AS email
    FROM up JOIN contacts p ON p.id = up.id ORDER BY up.depth`.execute(db);
  const toRef = (p: {
    id: number;
    name: string | null;
    stage: string;
    email?: string | null;
  }): PersonRef => ({
    id: p.id,
    name: p.name,
    email: p.email ?? null,
    stage: p.stage as Stage,
  });
  const messages = await db
    .selectFrom('messages')
    .select([
      'id',
      'message_id',
      'direction',
      'kind',
      'from_address',
      'to_addresses',
      'subject',
      'date',
      'text',
    ])
    .where('contact_id', '=', id)
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .limit(options.messageLimit)
    .offset(options.messageOffset)
    .execute();
  const messageCount = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_id', '=', id)
    .executeTakeFirstOrThrow();
  const meetings = await db
    .selectFrom('meetings')
    .selectAll()
    .where('contact_id', '=', id)
    .orderBy('starts_at', 'desc')
    .execute();
  const notes = await newestFirst(db, 'notes', id);
  const advice = await newestFirst(db, 'advice', id);
  const drafts = await db
    .selectFrom('outbox')
    .selectAll()
    .where('contact_id', '=', id)
    .where('audience', '=', 'contact')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  const history = await db
    .selectFrom('stage_history')
    .selectAll()
    .where('contact_id', '=', id)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return {
    contact,
    emails,
    referralChain: chain.rows.map(toRef),
    referrals: referrals.map(toRef),
    messages: messages.map((m) => ({
      id: m.id,
      messageId: m.message_id,
      direction: m.direction,
      kind: m.kind,
      fromAddress: m.from_address,
      toAddresses: m.to_addresses,
      subject: m.subject,
      date: m.date,
      text: m.text,
    })),
    messageCount: Number(messageCount.n),
    meetings,
    notes,
    advice,
    drafts,
    history,
  };
}
