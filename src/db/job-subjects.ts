import type { Db } from './database.js';

/** What a scheduler job's subject key (`meeting:12`, `contact:7`, `outbox:94`, `owner`) is about. */
export type JobSubject =
  | { readonly type: 'meeting'; readonly contactName: string | null; readonly startsAt: string }
  | { readonly type: 'contact'; readonly contactName: string | null }
  | { readonly type: 'mail'; readonly kind: string; readonly contactName: string | null }
  | { readonly type: 'owner' };

function idsOf(keys: readonly string[], prefix: string): number[] {
  return [
    ...new Set(
      keys
        .filter((k) => k.startsWith(prefix))
        .map((k) => Number(k.slice(prefix.length)))
        .filter(Number.isSafeInteger),
    ),
  ];
}

/**
 * The people, meetings and mails behind subject keys, so the health page can
 * name them; a key whose row is gone is left out (the page then says so).
 */
export async function loadJobSubjects(
  db: Db,
  keys: readonly string[],
): Promise<ReadonlyMap<string, JobSubject>> {
  const out = new Map<string, JobSubject>();
  if (keys.includes('owner')) out.set('owner', { type: 'owner' });
  const meetingIds = idsOf(keys, 'meeting:');
  if (meetingIds.length > 0) {
    const rows = await db
      .selectFrom('meetings as m')
      .leftJoin('contacts as c', 'c.id', 'm.contact_id')
      .select(['m.id', 'm.starts_at', 'c.name'])
      .where('m.id', 'in', meetingIds)
      .execute();
    for (const r of rows)
      out.set(`meeting:${r.id}`, { type: 'meeting', contactName: r.name, startsAt: r.starts_at });
  }
  const contactIds = idsOf(keys, 'contact:');
  if (contactIds.length > 0) {
    const rows = await db
      .selectFrom('contacts')
      .select(['id', 'name'])
      .where('id', 'in', contactIds)
      .execute();
    for (const r of rows) out.set(`contact:${r.id}`, { type: 'contact', contactName: r.name });
  }
  const outboxIds = idsOf(keys, 'outbox:');
  if (outboxIds.length > 0) {
    const rows = await db
      .selectFrom('outbox as o')
      .leftJoin('contacts as c', 'c.id', 'o.contact_id')
      .select(['o.id', 'o.kind', 'c.name'])
      .where('o.id', 'in', outboxIds)
      .execute();
    for (const r of rows)
      out.set(`outbox:${r.id}`, { type: 'mail', kind: r.kind, contactName: r.name });
  }
  return out;
}
