import type { ExportRows } from '../db/export-queries.js';

/** The JSON export, version 1: the shape documented in the README ("Export format"). */
export interface ExportDocument {
  readonly version: 1;
  readonly contacts: readonly ExportedContact[];
}

export interface ExportedContact {
  readonly id: number;
  readonly name: string | null;
  readonly emails: readonly { address: string; dead: boolean }[];
  readonly company: string | null;
  readonly title: string | null;
  readonly linkedinUrl: string | null;
  readonly source: string;
  readonly stage: string;
  readonly referredBy: number | null;
  readonly cadenceDays: number | null;
  readonly meetings: readonly {
    start: string;
    end: string;
    timeZone: string;
    status: string;
    mode: string;
    location: string | null;
  }[];
  readonly notes: readonly { at: string; text: string }[];
  readonly advice: readonly { at: string; text: string }[];
  readonly history: readonly {
    from: string | null;
    to: string;
    at: string;
    cause: string;
    manual: boolean;
  }[];
  readonly messages: readonly {
    messageId: string;
    direction: string;
    kind: string;
    date: string;
    subject: string;
    text: string;
  }[];
}

/** Groups rows by contact, keeping the order the rows came in. */
function byContact<R extends { contact_id: number | null }, T>(
  rows: readonly R[],
  map: (row: R) => T,
): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    if (row.contact_id === null) continue;
    let group = groups.get(row.contact_id);
    if (!group) {
      group = [];
      groups.set(row.contact_id, group);
    }
    group.push(map(row));
  }
  return groups;
}

/**
 * Builds the export from rows already in their stable order. Keys are
 * written in one fixed order, so the same data always prints the same bytes.
 */
export function buildExportDocument(rows: ExportRows): ExportDocument {
  const emails = byContact(rows.emails, (e) => ({ address: e.address, dead: e.dead_at !== null }));
  const meetings = byContact(rows.meetings, (m) => ({
    start: m.starts_at,
    end: m.ends_at,
    timeZone: m.time_zone,
    status: m.status,
    mode: m.mode,
    location: m.location,
  }));
  const notes = byContact(rows.notes, (n) => ({ at: n.created_at, text: n.body }));
  const advice = byContact(rows.advice, (a) => ({ at: a.created_at, text: a.body }));
  const history = byContact(rows.history, (h) => ({
    from: h.from_stage,
    to: h.to_stage,
    at: h.at,
    cause: h.cause,
    manual: h.manual === 1,
  }));
  const messages = byContact(rows.messages, (m) => ({
    messageId: m.message_id,
    direction: m.direction,
    kind: m.kind,
    date: m.date,
    subject: m.subject,
    text: m.text,
  }));
  return {
    version: 1,
    contacts: rows.contacts.map((c) => ({
      id: c.id,
      name: c.name,
      emails: emails.get(c.id) ?? [],
      company: c.company,
      title: c.title,
      linkedinUrl: c.linkedin_url,
      source: c.source,
      stage: c.stage,
      referredBy: c.referred_by_id,
      cadenceDays: c.cadence_days,
      meetings: meetings.get(c.id) ?? [],
      notes: notes.get(c.id) ?? [],
      advice: advice.get(c.id) ?? [],
      history: history.get(c.id) ?? [],
      messages: messages.get(c.id) ?? [],
    })),
  };
}
