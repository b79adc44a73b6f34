import { lateSince } from '../pipeline/late.js';
import { STAGES, type Stage } from '../pipeline/stages.js';
import {
  contactMatches,
  lastExchanges,
  nextMeetings,
  waitingDraftCounts,
} from './contact-summaries.js';
import { primaryAddress } from './contacts.js';
import type { Db } from './database.js';
import { sql } from './kysely.js';

/** The board's read model: a column per stage with its newest cards. */

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
        CASE WHEN c.name IS NULL OR trim(c.name) = '' THEN ${primaryAddress('c.id')} END AS email
      FROM contacts c WHERE c.stage = ${stage} ${matches}
      ORDER BY c.stage_changed_at DESC, c.id DESC LIMIT ${limitOf(stage)})`,
  );
  const rows = (await sql<CardRow>`${sql.join(parts, sql` UNION ALL `)}`.execute(db)).rows;
  const ids = rows.map((r) => r.id);
  const meetings = await nextMeetings(db, ids, options.now);
  const drafts = await waitingDraftCounts(db, ids);
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
