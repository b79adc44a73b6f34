import type { PutAsideMail } from '../pipeline/put-aside.js';
import type { Db } from './database.js';

/**
 * Quarantined mail whose sender is a known contact, newest first, for the
 * owner to read by hand (Health, weekly digest). Rows whose message was
 * stored after all (a later read succeeded) are left out.
 */
export async function putAsideFromContacts(
  db: Db,
  options: { from?: string; to?: string; limit?: number } = {},
): Promise<(PutAsideMail & { contactId: number })[]> {
  let query = db
    .selectFrom('quarantine as q')
    .innerJoin('contact_emails as e', 'e.address', 'q.from_address')
    .innerJoin('contacts as c', 'c.id', 'e.contact_id')
    .select([
      'c.id as contactId',
      'c.name',
      'q.from_address',
      'q.created_at',
      'q.subject',
      'q.reason',
      'q.size',
    ])
    .where((eb) =>
      eb.or([
        eb('q.message_id', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('messages as m')
              .select('m.id')
              .whereRef('m.message_id', '=', 'q.message_id'),
          ),
        ),
      ]),
    );
  if (options.from) query = query.where('q.created_at', '>', options.from);
  if (options.to) query = query.where('q.created_at', '<=', options.to);
  const rows = await query
    .orderBy('q.id', 'desc')
    .limit(options.limit ?? 20)
    .execute();
  return rows.map((r) => ({
    contactId: r.contactId,
    name: r.name,
    address: r.from_address ?? '',
    at: r.created_at,
    subject: r.subject,
    reason: r.reason,
    size: r.size,
  }));
}
