import { readFileSync } from 'node:fs';
import type { CalendarAction, Classification } from '../../src/pipeline/classify.js';
import { understand } from './corpus-context.js';

/**
 * kith's own invite corpus (test/fixtures/invites/invites.json): calendar
 * files from Google, Outlook and Exchange, Teams, iPhone, Zoom, Calendly,
 * each mailed from a contact to the owner as a text/calendar part and read
 * through prepareMail and classify. Every event must come out: two events
 * make two meetings, a series' exception does not make a second one, and
 * each instant and zone is right. Shared by the fixture test and
 * `npm run bench:accuracy`.
 */

const FIXTURES = new URL('../fixtures/', import.meta.url);

interface ExpectedEvent {
  readonly start: string;
  readonly end: string;
  readonly timeZone: string | null;
  readonly action?: CalendarAction;
}

export interface InviteCase {
  readonly name: string;
  readonly from: string;
  readonly action: CalendarAction;
  readonly events: readonly ExpectedEvent[];
  readonly raw: Buffer;
}

export interface InviteOutcome {
  readonly case: InviteCase;
  readonly classification: Classification;
  /** Events right (count, instants, zones, actions) out of expected. */
  readonly right: number;
  readonly got: string;
}

export function loadInviteCorpus(): InviteCase[] {
  const manifest = JSON.parse(
    readFileSync(new URL('invites/invites.json', FIXTURES), 'utf8'),
  ) as Record<string, { from: string; action: CalendarAction; events: ExpectedEvent[] } | string>;
  const cases: InviteCase[] = [];
  for (const [path, entry] of Object.entries(manifest)) {
    if (typeof entry === 'string') continue;
    const ics = readFileSync(new URL(path, FIXTURES), 'utf8');
    cases.push({ name: path, ...entry, raw: asMail(entry.from, ics, cases.length) });
  }
  return cases;
}

function asMail(from: string, ics: string, n: number): Buffer {
  const method = /^METHOD:(.+)$/im.exec(ics)?.[1]?.trim() ?? 'PUBLISH';
  const boundary = `inv-${n}`;
  return Buffer.from(
    [
      `From: ${from}`,
      'To: Sam Owner <sam.owner@example.org>',
      'Subject: Invitation: Coffee chat',
      'Date: Tue, 1 Dec 2026 09:00:00 +0000',
      `Message-ID: <invite-${n}@calendar.example>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'You have been invited.',
      '',
      `--${boundary}`,
      `Content-Type: text/calendar; charset=utf-8; method=${method}`,
      'Content-Transfer-Encoding: 8bit',
      '',
      ics.replace(/\r?\n/g, '\r\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'utf8',
  );
}

export async function runInviteCase(c: InviteCase): Promise<InviteOutcome> {
  const { classification } = await understand(c.raw);
  if (classification.kind !== 'calendar') {
    return { case: c, classification, right: 0, got: classification.kind };
  }
  const got = classification.events.map((i) => ({
    start: i.event.start,
    end: i.event.end,
    timeZone: i.event.timeZone,
    action: i.action,
  }));
  const right = c.events.filter((want, k) => {
    const have = got[k];
    return (
      have !== undefined &&
      got.length === c.events.length &&
      have.start === want.start &&
      have.end === want.end &&
      have.timeZone === want.timeZone &&
      have.action === (want.action ?? c.action)
    );
  }).length;
  return {
    case: c,
    classification,
    right,
    got: got.map((g) => `${g.action} ${g.start}–${g.end} ${g.timeZone}`).join('; '),
  };
}
