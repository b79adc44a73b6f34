import { STAGES, type Stage } from '../pipeline/stages.js';
import { contactMatches } from './contact-summaries.js';
import { primaryAddress } from './contacts.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';
import { NOT_AN_EXCHANGE } from './scheduler-queries.js';

/** The contact list's read model: a sorted, searchable page of contacts. */

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
      primaryAddress('c.id').as('email'),
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
