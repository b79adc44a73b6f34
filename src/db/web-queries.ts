import { lateSince } from '../pipeline/late.js';
import type { PutAsideMail } from '../pipeline/put-aside.js';
import { JOURNEY, STAGES, type Stage } from '../pipeline/stages.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';
import { putAsideFromContacts } from './put-aside-queries.js';
import { NOT_AN_EXCHANGE } from './scheduler-queries.js';
import type {
  Advice,
  Contact,
  ContactEmail,
  Meeting,
  Note,
  OutboxRow,
  OutboxState,
  QuarantineRow,
  StageHistoryRow,
} from './schema.js';

/**
 * Read models for the web UI. Each page is a fixed number of queries whatever
 * the number of contacts (no N+1): lists are fetched in one query and their
 * details joined by `IN (...)` batches.
 */

/** Outbox states that still wait for the owner (shown as drafts). */
export const PENDING_DRAFT_STATES: readonly OutboxState[] = [
  'drafted',
  'awaiting_approval',
  'snoozed',
];

/** Of those, the ones waiting now: a snoozed draft is put aside, not counted as waiting. */
export const WAITING_DRAFT_STATES: readonly OutboxState[] = ['drafted', 'awaiting_approval'];

/** Inbound message kinds written by a person (not auto-replies or bounces). */
export const HUMAN_REPLY_KINDS: readonly string[] = ['reply', 'invite', 'decline'];

// ---------------------------------------------------------------- board

export interface BoardCard {
  readonly id: number;
  readonly name: string | null;
  readonly company: string | null;
  readonly email: string | null;
  readonly stage: Stage;
  readonly stageChangedAt: string;
  readonly cadenceDays: number | null;
  readonly nextMeetingAt: string | null;
  /** The contact's own zone when known, for the meeting on both clocks. */
  readonly timeZone: string | null;
  readonly pendingDrafts: number;
  readonly firstDraftId: number | null;
  /** A waiting thank-you is late since then (two days after the meeting); null if none is. */
  readonly thankYouLateSince: string | null;
  /** Last mail either way, for contacts whose keep-in-touch timer it resets. */
  readonly lastExchangeAt: string | null;
}

export interface BoardColumn {
  readonly stage: Stage;
  readonly count: number;
  readonly cards: readonly BoardCard[];
}

interface CardRow {
  id: number;
  name: string | null;
  company: string | null;
  email: string | null;
  stage: string;
  stage_changed_at: string;
  cadence_days: number | null;
  time_zone: string | null;
}

/** The newest human mail either way per contact (what restarts the keep-in-touch timer). */
async function lastExchanges(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select(['contact_id', (eb) => eb.fn.max('date').as('last')])
    .where('contact_id', 'in', ids)
    .where('kind', 'not in', NOT_AN_EXCHANGE)
    .groupBy('contact_id')
    .execute();
  return new Map(rows.map((r) => [r.contact_id as number, String(r.last)]));
}

/** Contact `c` has `q` in its name, company or one of its addresses (a search box). */
function contactMatches(q: string) {
  const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql<boolean>`(c.name LIKE ${like} ESCAPE '\\' OR c.company LIKE ${like} ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id
      AND e.address LIKE ${like.toLowerCase()} ESCAPE '\\'))`;
}

/**
 * One column per stage with its count and its `perColumn` most recently
 * moved cards: 5 queries in all (counts, cards, meetings, drafts, last exchanges).
 */
export async function loadBoard(
  db: Db,
  options: {
    now: Date;
    perColumn: number | ((stage: Stage) => number);
    /** Only cards whose name, company or an address holds this. */
    q?: string;
  },
): Promise<BoardColumn[]> {
  const { perColumn } = options;
  const limitOf = typeof perColumn === 'number' ? () => perColumn : perColumn;
  const q = options.q?.trim() ?? '';
  const matches = q ? sql`AND ${contactMatches(q)}` : sql``;
  const counts = (
    await sql<{
      stage: string;
      n: number;
    }>`SELECT c.stage, count(*) AS n FROM contacts c WHERE 1 ${matches} GROUP BY c.stage`.execute(
      db,
    )
  ).rows;
  const countOf = new Map(counts.map((r) => [r.stage, Number(r.n)]));

  // One statement: a LIMITed, index-ordered slice per stage, glued by UNION ALL.
  const parts = STAGES.map(
    (stage) => sql`SELECT * FROM (
      SELECT c.id, c.name, c.company, c.stage, c.stage_changed_at, c.cadence_days, c.time_zone,
        -- the address is only shown for contacts without a name
        CASE WHEN c.name IS NULL OR trim(c.name) = '' THEN
          (SELECT e.address FROM contact_emails e WHERE e.contact_id = c.id
            ORDER BY e.is_primary DESC, e.id LIMIT 1) END AS email
      FROM contacts c WHERE c.stage = ${stage} ${matches}
      ORDER BY c.stage_changed_at DESC, c.id DESC LIMIT ${limitOf(stage)})`,
  );
  const rows = (await sql<CardRow>`${sql.join(parts, sql` UNION ALL `)}`.execute(db)).rows;
  const ids = rows.map((r) => r.id);
  const meetings = await nextMeetings(db, ids, options.now);
  const drafts = await pendingDraftCounts(db, ids);
  const exchanges = await lastExchanges(
    db,
    rows.filter((r) => r.stage === 'thanked' || r.stage === 'keeping_in_touch').map((r) => r.id),
  );

  const byStage = new Map<string, BoardCard[]>();
  for (const r of rows) {
    const list = byStage.get(r.stage) ?? [];
    const draft = drafts.get(r.id);
    list.push({
      id: r.id,
      name: r.name,
      company: r.company,
      email: r.email,
      stage: r.stage as Stage,
      stageChangedAt: r.stage_changed_at,
      cadenceDays: r.cadence_days,
      nextMeetingAt: meetings.get(r.id) ?? null,
      timeZone: r.time_zone,
      pendingDrafts: draft?.n ?? 0,
      firstDraftId: draft?.first ?? null,
      thankYouLateSince: lateSince(
        'thank_you',
        draft?.thankYouMeetingEnd,
        options.now.toISOString(),
      ),
      lastExchangeAt: exchanges.get(r.id) ?? null,
    });
    byStage.set(r.stage, list);
  }
  return STAGES.map((stage) => ({
    stage,
    count: countOf.get(stage) ?? 0,
    cards: byStage.get(stage) ?? [],
  }));
}

async function nextMeetings(db: Db, ids: readonly number[], now: Date) {
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('meetings')
    .select(['contact_id', (eb) => eb.fn.min<string>('starts_at').as('next')])
    .where('contact_id', 'in', ids)
    .where('status', 'in', ['proposed', 'confirmed'])
    .where('starts_at', '>=', now.toISOString())
    .groupBy('contact_id')
    .execute();
  for (const r of rows) out.set(r.contact_id, r.next);
  return out;
}

/** Per contact: drafts waiting now, the first of them, and the meeting end of a waiting thank-you. */
async function pendingDraftCounts(db: Db, ids: readonly number[]) {
  const out = new Map<number, { n: number; first: number; thankYouMeetingEnd: string | null }>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('outbox as o')
    .leftJoin('meetings as m', 'm.id', 'o.meeting_id')
    .select([
      'o.contact_id',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.min<number>('o.id').as('first'),
      sql<string | null>`min(CASE WHEN o.kind = 'thank_you' THEN m.ends_at END)`.as('ty_end'),
    ])
    .where('o.contact_id', 'in', ids)
    .where('o.audience', '=', 'contact')
    .where('o.state', 'in', WAITING_DRAFT_STATES)
    .groupBy('o.contact_id')
    .execute();
  for (const r of rows)
    if (r.contact_id !== null)
      out.set(r.contact_id, { n: Number(r.n), first: r.first, thankYouMeetingEnd: r.ty_end });
  return out;
}

// ---------------------------------------------------------------- contact list

export interface ContactListRow {
  readonly id: number;
  readonly name: string | null;
  readonly company: string | null;
  readonly email: string | null;
  readonly stage: Stage;
  readonly stageChangedAt: string;
  /** The newest human mail either way, when there is one. */
  readonly lastContactAt: string | null;
}

/** The orders the contact list offers (next action is ordered by the caller: it needs the planner). */
export const CONTACT_SORTS = ['name', 'company', 'stage', 'last', 'next'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

export function isContactSort(value: string): value is ContactSort {
  return (CONTACT_SORTS as readonly string[]).includes(value);
}

const lastContactOf = sql<
  string | null
>`(SELECT max(m.date) FROM messages m WHERE m.contact_id = c.id AND m.kind NOT IN (${sql.join(NOT_AN_EXCHANGE)}))`;

/**
 * A page of contacts, optionally of one stage and matching a search, in
 * `sort` order (`desc` reverses it; unnamed and unknown values come last
 * either way); without a sort, most recently moved first.
 */
export async function listContacts(
  db: Db,
  options: {
    stage?: Stage;
    q?: string;
    limit: number;
    offset: number;
    sort?: Exclude<ContactSort, 'next'>;
    desc?: boolean;
    /** Only these contacts (the next-action order pages by id). */
    ids?: readonly number[];
  },
): Promise<{ total: number; rows: ContactListRow[] }> {
  let query = listedContacts(db, options);
  if (options.ids) query = query.where('c.id', 'in', options.ids.length > 0 ? options.ids : [0]);
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'c.id',
      'c.name',
      'c.company',
      'c.stage',
      'c.stage_changed_at',
      (eb) =>
        eb
          .selectFrom('contact_emails as e')
          .select('e.address')
          .whereRef('e.contact_id', '=', 'c.id')
          .orderBy('e.is_primary', 'desc')
          .orderBy('e.id')
          .limit(1)
          .as('email'),
      lastContactOf.as('last_contact'),
    ])
    .orderBy(contactOrder(options.sort, options.desc === true))
    .orderBy('c.id', options.desc ? 'desc' : 'asc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return {
    total: Number(total.n),
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name,
      company: r.company,
      email: r.email ?? null,
      stage: r.stage as Stage,
      stageChangedAt: r.stage_changed_at,
      lastContactAt: r.last_contact ?? null,
    })),
  };
}

/** The ORDER BY of a contact-list sort; blanks sort last in both directions. */
function contactOrder(sort: Exclude<ContactSort, 'next'> | undefined, desc: boolean) {
  const dir = sql.raw(desc ? 'DESC' : 'ASC');
  switch (sort) {
    case 'name':
      return sql`(nullif(trim(c.name), '') IS NULL), c.name COLLATE NOCASE ${dir}`;
    case 'company':
      return sql`(nullif(trim(c.company), '') IS NULL), c.company COLLATE NOCASE ${dir}`;
    case 'stage':
      // Along the journey, not alphabetically.
      return sql`CASE c.stage ${sql.join(
        STAGES.map((stage, i) => sql`WHEN ${stage} THEN ${i}`),
        sql` `,
      )} END ${dir}`;
    case 'last':
      return sql`(last_contact IS NULL), last_contact ${dir}`;
    default:
      return sql`c.stage_changed_at DESC`;
  }
}

/** The contacts a list shows, of one stage and matching a search when given. */
function listedContacts(db: Db, options: { stage?: Stage; q?: string }) {
  let query = db.selectFrom('contacts as c');
  if (options.stage) query = query.where('c.stage', '=', options.stage);
  const q = options.q?.trim();
  if (q) query = query.where(contactMatches(q));
  return query;
}

/** The ids of every contact a list shows, most recently moved first (to order by next action). */
export async function listContactIds(
  db: Db,
  options: { stage?: Stage; q?: string },
): Promise<number[]> {
  const rows = await listedContacts(db, options)
    .select('c.id')
    .orderBy('c.stage_changed_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return rows.map((r) => r.id);
}

/** What a next-action line needs of a contact besides the planner: meeting and drafts. */
export interface ContactDueFacts {
  readonly nextMeetingAt: string | null;
  readonly pendingDrafts: number;
  readonly firstDraftId: number | null;
  readonly thankYouLateSince: string | null;
}

/** The next meeting and the drafts waiting, per contact. */
export async function dueFacts(
  db: Db,
  ids: readonly number[],
  now: Date,
): Promise<Map<number, ContactDueFacts>> {
  const meetings = await nextMeetings(db, ids, now);
  const drafts = await pendingDraftCounts(db, ids);
  return new Map(
    ids.map((id) => {
      const draft = drafts.get(id);
      return [
        id,
        {
          nextMeetingAt: meetings.get(id) ?? null,
          pendingDrafts: draft?.n ?? 0,
          firstDraftId: draft?.first ?? null,
          thankYouLateSince: lateSince('thank_you', draft?.thankYouMeetingEnd, now.toISOString()),
        },
      ];
    }),
  );
}

// ---------------------------------------------------------------- contact page

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
  const contact = await db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!contact) return undefined;
  const emails = await db
    .selectFrom('contact_emails')
    .selectAll()
    .where('contact_id', '=', id)
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .execute();
  const referrals = await db
    .selectFrom('contacts as p')
    .select(['p.id', 'p.name', 'p.stage'])
    .select((eb) =>
      eb
        .selectFrom('contact_emails as e')
        .select('e.address')
        .whereRef('e.contact_id', '=', 'p.id')
        .orderBy('e.is_primary', 'desc')
        .orderBy('e.id')
        .limit(1)
        .as('email'),
    )
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
    SELECT p.id, p.name, p.stage,
      (SELECT e.address FROM contact_emails e WHERE e.contact_id = p.id
        ORDER BY e.is_primary DESC, e.id LIMIT 1) AS email
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

// ---------------------------------------------------------------- drafts

export interface DraftRow {
  readonly id: number;
  readonly kind: string;
  readonly state: OutboxState;
  readonly contactId: number | null;
  readonly contactName: string | null;
  readonly toAddress: string;
  readonly subject: string;
  readonly bodyText: string;
  readonly sendAfter: string | null;
  readonly createdAt: string;
  readonly lastError: string | null;
  /** When the meeting it is about ended (a thank-you is late two days after). */
  readonly meetingEndsAt: string | null;
}

function toDraftRow(
  r: OutboxRow & { contact_name: string | null; meeting_ends_at: string | null },
): DraftRow {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    contactId: r.contact_id,
    contactName: r.contact_name,
    toAddress: r.to_address,
    subject: r.subject,
    bodyText: r.body_text,
    sendAfter: r.send_after,
    createdAt: r.created_at,
    lastError: r.last_error,
    meetingEndsAt: r.meeting_ends_at,
  };
}

/** Contact mail that waits for the owner, oldest first; snoozed drafts after the waiting ones. */
export async function loadPendingDrafts(db: Db): Promise<DraftRow[]> {
  const rows = await db
    .selectFrom('outbox as o')
    .leftJoin('contacts as c', 'c.id', 'o.contact_id')
    .leftJoin('meetings as m', 'm.id', 'o.meeting_id')
    .selectAll('o')
    .select(['c.name as contact_name', 'm.ends_at as meeting_ends_at'])
    .where('o.audience', '=', 'contact')
    .where('o.state', 'in', PENDING_DRAFT_STATES)
    .orderBy(sql`o.state = 'snoozed'`)
    .orderBy('o.created_at')
    .orderBy('o.id')
    .execute();
  return rows.map(toDraftRow);
}

/** One contact draft by id (any state), with its contact's name. */
export async function loadDraft(db: Db, id: number): Promise<DraftRow | undefined> {
  const row = await db
    .selectFrom('outbox as o')
    .leftJoin('contacts as c', 'c.id', 'o.contact_id')
    .leftJoin('meetings as m', 'm.id', 'o.meeting_id')
    .selectAll('o')
    .select(['c.name as contact_name', 'm.ends_at as meeting_ends_at'])
    .where('o.id', '=', id)
    .where('o.audience', '=', 'contact')
    .executeTakeFirst();
  return row ? toDraftRow(row) : undefined;
}

/** How many drafts wait for the owner now (for the navigation badge; snoozed ones do not). */
export async function countPendingDrafts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('audience', '=', 'contact')
    .where('state', 'in', WAITING_DRAFT_STATES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------- meetings

export interface MeetingRow extends Meeting {
  readonly contact_name: string | null;
  readonly contact_company: string | null;
  /** The contact's own zone when known. */
  readonly contact_time_zone: string | null;
}

/** Meetings starting at or after `from` (upcoming) or before it (past, newest first). */
export async function loadMeetings(
  db: Db,
  options: { now: Date; pastLimit: number },
): Promise<{ upcoming: MeetingRow[]; past: MeetingRow[] }> {
  const base = db
    .selectFrom('meetings as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .selectAll('m')
    .select([
      'c.name as contact_name',
      'c.company as contact_company',
      'c.time_zone as contact_time_zone',
    ]);
  const now = options.now.toISOString();
  const upcoming = await base
    .where('m.ends_at', '>=', now)
    .orderBy('m.starts_at')
    .orderBy('m.id')
    .execute();
  const past = await base
    .where('m.ends_at', '<', now)
    .orderBy('m.starts_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(options.pastLimit)
    .execute();
  return { upcoming, past };
}

/** Meetings for the calendar feed: everything that ends after `since`. */
export async function loadFeedMeetings(db: Db, since: Date): Promise<MeetingRow[]> {
  return db
    .selectFrom('meetings as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .selectAll('m')
    .select([
      'c.name as contact_name',
      'c.company as contact_company',
      'c.time_zone as contact_time_zone',
    ])
    .where('m.ends_at', '>=', since.toISOString())
    .orderBy('m.starts_at')
    .execute();
}

// ---------------------------------------------------------------- numbers

/**
 * Per contact: the first time it reached each main-road stage, in JOURNEY
 * order (null: never). One grouped pass over stage_history.
 */
export type FirstArrivals = readonly (string | null)[];

export async function loadFirstArrivals(db: Db): Promise<FirstArrivals[]> {
  const columns = sql.join(
    JOURNEY.map(
      (stage, i) => sql`MIN(CASE WHEN to_stage = ${stage} THEN at END) AS ${sql.ref(`s${i}`)}`,
    ),
  );
  const result = await sql<Record<string, string | null>>`
    SELECT ${columns} FROM stage_history GROUP BY contact_id`.execute(db);
  return result.rows.map((row) => JOURNEY.map((_, i) => row[`s${i}`] ?? null));
}

export interface TemplateReplies {
  readonly template: string;
  readonly sent: number;
  readonly replied: number;
}

/**
 * Reply rate per outreach template: each mail sent to a contact (from the
 * outbox, by template; or written by the owner and seen by BCC) counts as
 * replied when a person's reply from that contact arrived after it.
 */
export async function loadReplyRates(db: Db): Promise<TemplateReplies[]> {
  const kinds = sql.join(HUMAN_REPLY_KINDS.map((k) => sql`${k}`));
  // messages_direction_kind covers both the owner's outreach and the reply lookups.
  const result = await sql<{ template: string; sent: number; replied: number }>`
    WITH sends AS (
      SELECT o.kind AS template, o.contact_id AS contact_id, o.sent_at AS at
      FROM outbox o
      WHERE o.audience = 'contact' AND o.state = 'sent' AND o.contact_id IS NOT NULL
        AND o.sent_at IS NOT NULL
      UNION ALL
      SELECT 'written by you' AS template, m.contact_id, m.date
      FROM messages m
      WHERE m.direction = 'out' AND m.kind = 'outreach' AND m.contact_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.message_id)
    )
    SELECT template, COUNT(*) AS sent,
      SUM(EXISTS (SELECT 1 FROM messages r
        WHERE r.direction = 'in' AND r.kind IN (${kinds})
          AND r.contact_id = sends.contact_id AND r.date > sends.at)) AS replied
    FROM sends GROUP BY template ORDER BY sent DESC, template`.execute(db);
  return result.rows.map((r) => ({
    template: r.template,
    sent: Number(r.sent),
    replied: Number(r.replied),
  }));
}

export interface ReferralEdge {
  readonly id: number;
  readonly name: string | null;
  readonly referredById: number | null;
  readonly stage: Stage;
}

/** Everyone who referred someone or was referred (one query). */
export async function loadReferralEdges(db: Db): Promise<ReferralEdge[]> {
  const rows = await db
    .selectFrom('contacts as c')
    .select(['c.id', 'c.name', 'c.referred_by_id', 'c.stage'])
    .where((eb) =>
      eb.or([
        eb('c.referred_by_id', 'is not', null),
        eb(
          'c.id',
          'in',
          eb
            .selectFrom('contacts as r')
            .select('r.referred_by_id')
            .where('r.referred_by_id', 'is not', null)
            .$narrowType<{ referred_by_id: number }>(),
        ),
      ]),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    referredById: r.referred_by_id,
    stage: r.stage as Stage,
  }));
}

// ---------------------------------------------------------------- health

export interface HealthData {
  readonly lastMessage: { date: string; createdAt: string; subject: string } | null;
  readonly messageCount: number;
  readonly quarantineCount: number;
  readonly quarantine: readonly QuarantineRow[];
  /** Of those, mail from known contacts, which the owner must read by hand. */
  readonly putAsideFromContacts: readonly (PutAsideMail & { contactId: number })[];
  readonly failedOutbox: readonly OutboxRow[];
  readonly recentJobs: readonly {
    kind: string;
    subject_key: string;
    due_at: string;
    state: string;
    reason: string | null;
    ran_at: string;
  }[];
  readonly syncState: readonly { mailbox: string; last_uid: number; updated_at: string }[];
}

/** The health page's data: the latest stored message, quarantine, failures, recent jobs. */
export async function loadHealth(db: Db): Promise<HealthData> {
  const last = await db
    .selectFrom('messages')
    .select(['date', 'created_at', 'subject'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const messageCount = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const quarantineCount = await db
    .selectFrom('quarantine')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const quarantine = await db
    .selectFrom('quarantine')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  const failedOutbox = await db
    .selectFrom('outbox')
    .selectAll()
    .where('state', '=', 'failed')
    .orderBy('updated_at', 'desc')
    .limit(50)
    .execute();
  const recentJobs = await db
    .selectFrom('jobs')
    .select(['kind', 'subject_key', 'due_at', 'state', 'reason', 'ran_at'])
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
  const syncState = await db
    .selectFrom('sync_state')
    .select(['mailbox', 'last_uid', 'updated_at'])
    .orderBy('mailbox')
    .execute();
  return {
    lastMessage: last
      ? { date: last.date, createdAt: last.created_at, subject: last.subject }
      : null,
    messageCount: Number(messageCount.n),
    quarantineCount: Number(quarantineCount.n),
    quarantine,
    putAsideFromContacts: await putAsideFromContacts(db),
    failedOutbox,
    recentJobs,
    syncState,
  };
}

// ---------------------------------------------------------------- change stamp

/**
 * A value that changes whenever any connection commits a change: SQLite's
 * data_version covers other connections (a CLI import), total_changes() this
 * one. Lets the web UI reuse an expensive aggregate until the data moves.
 */
export async function changeStamp(db: Db): Promise<string> {
  const result = await sql<{
    v: number;
    c: number;
  }>`SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS c`.execute(db);
  const row = result.rows[0];
  return `${row?.v ?? 0}:${row?.c ?? 0}`;
}

// ---------------------------------------------------------------- writes from the web UI

export interface ContactDetailsInput {
  readonly name: string | null;
  readonly company: string | null;
  readonly title: string | null;
  readonly linkedinUrl: string | null;
  readonly cadenceDays: number | null;
  /** The contact's IANA zone as the owner set it (null clears it); absent leaves it as it is. */
  readonly timeZone?: string | null;
}

/** Saves the editable details of a contact; false when it does not exist. */
export async function updateContactDetails(
  db: Db,
  id: number,
  input: ContactDetailsInput,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('contacts')
    .set({
      name: input.name,
      company: input.company,
      title: input.title,
      linkedin_url: input.linkedinUrl,
      cadence_days: input.cadenceDays,
      ...(input.timeZone === undefined
        ? {}
        : {
            time_zone: input.timeZone,
            time_zone_source: input.timeZone === null ? null : 'owner',
          }),
      updated_at: at,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Adds a note written in the web UI. */
export async function addNote(
  db: Db,
  contactId: number,
  body: string,
  at: string,
): Promise<number> {
  const row = await db
    .insertInto('notes')
    .values({
      contact_id: contactId,
      meeting_id: null,
      body,
      source_message_id: null,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface MeetingInput {
  readonly startsAt: string;
  readonly endsAt: string;
  readonly timeZone: string;
  readonly mode: string;
  readonly location: string | null;
}

/** Adds a confirmed meeting entered by hand. */
export async function addMeeting(
  db: Db,
  contactId: number,
  input: MeetingInput,
  at: string,
): Promise<number> {
  const row = await db
    .insertInto('meetings')
    .values({
      contact_id: contactId,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      time_zone: input.timeZone,
      mode: input.mode,
      location: input.location,
      status: 'confirmed',
      ical_uid: null,
      ical_sequence: null,
      source_message_id: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a meeting's time and place; returns the updated row. */
export async function updateMeeting(
  db: Db,
  id: number,
  input: MeetingInput,
  at: string,
): Promise<Meeting | undefined> {
  return db
    .updateTable('meetings')
    .set({
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      time_zone: input.timeZone,
      mode: input.mode,
      location: input.location,
      updated_at: at,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Marks a meeting cancelled; returns it, or undefined when it does not exist. */
export async function cancelMeeting(db: Db, id: number, at: string): Promise<Meeting | undefined> {
  return db
    .updateTable('meetings')
    .set({ status: 'cancelled', updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Whether the contact still has a proposed or confirmed meeting ahead. */
export async function hasActiveMeeting(db: Db, contactId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('meetings')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('status', 'in', ['proposed', 'confirmed'])
    .where('ends_at', '>=', now.toISOString())
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
