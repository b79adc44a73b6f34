import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DateTime } from 'luxon';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { importFile } from '../exchange/import.js';
import { createKith } from '../kith.js';
import type { Logger } from '../log.js';
import { createEmlIndex } from '../outbox/eml-index.js';
import { outboxFolder } from '../outbox/file-transport.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.js';
import { CAST, type CastMember, DEMO_DAYS, keyOf, referralsOf } from './cast.js';
import { formatAddress, textMail } from './eml.js';
import { planStories } from './stories.js';
import { OWNER, SERVICE, ZONE } from './story-mail.js';

/**
 * Runs the demo's months: a simulated clock moves through the days; at each
 * moment the day's mail is written as .eml files and fed through the real
 * ingest path, the real scheduler ticks at that time, the outbox sends with
 * the file transport, and the simulated owner answers kith's mail the way a
 * person would — by replying to the signed Message-IDs found in the .eml
 * files kith wrote.
 */

/** Something that happens at one moment: a mail arrives, or the owner does something on the board. */
export interface DemoEvent {
  readonly at: DateTime;
  readonly label: string;
  readonly mail?: string;
  readonly act?: (db: Db, at: string) => Promise<void>;
}

export interface SimulationReport {
  readonly mails: number;
  /** Mails the inbox did not store (unrelated, refused, quarantined): the demo expects none. */
  readonly notStored: readonly string[];
  readonly ticks: number;
  readonly ownerReplies: number;
  readonly end: string;
}

// The scheduler looks at the time at these owner-local hours every day, besides after each mail.
const TICK_HOURS = [8, 9, 10, 12, 14, 16, 17, 18, 20, 22];

export async function simulate(
  db: Db,
  config: Config,
  logger: Logger,
  end: DateTime,
): Promise<SimulationReport> {
  const start = end.setZone(ZONE).minus({ days: DEMO_DAYS }).startOf('day');
  const queue = new EventQueue();
  for (const event of planStories(start)) queue.push(event);
  for (let day = 0; day <= DEMO_DAYS; day++) {
    for (const hour of TICK_HOURS)
      queue.push({ at: start.plus({ days: day }).set({ hour }), label: 'tick' });
  }

  let now: DateTime = start;
  const clock = () => now.toJSDate();
  // kith as `serve` wires it, on the simulated clock: mail goes in through its ingester,
  // ticks and send rounds run when the story says (manual), not on timers.
  const kith = await createKith(config, {
    logger,
    db,
    clock,
    manual: true,
    inbox: false,
  });
  const owner = new SimulatedOwner(config);
  let mails = 0;
  const notStored: string[] = [];
  let ticks = 0;

  await importProspects(db, config, start);
  await kith.start();
  try {
    for (let event = queue.next(); event; event = queue.next()) {
      if (event.at > end) break;
      // Never backwards: the previous moment's send round may have moved the clock past this event.
      now = event.at > now ? event.at : now;
      const iso = now.toUTC().toISO() as string;
      if (event.mail !== undefined) {
        const file = await keepMailFile(config.dataDir, now, event.label, event.mail);
        const outcome = await kith.ingester.ingest(Buffer.from(event.mail), {
          label: `file:${file}`,
          receivedAt: now.toJSDate(),
        });
        if (outcome.status !== 'stored') notStored.push(`${event.label}: ${outcome.status}`);
        mails += 1;
      }
      if (event.act) await event.act(db, iso);
      await kith.scheduler.tickNow();
      ticks += 1;
      // The send loop runs moments after the tick, as in kith: what it sends falls in the next tick's window.
      now = now.plus({ seconds: 20 });
      await kith.sendLoop.runOnce();
      for (const reply of await owner.react(db, now)) queue.push(reply);
    }
  } finally {
    await kith.stop();
  }
  return {
    mails,
    notStored,
    ticks,
    ownerReplies: owner.replies,
    end: now.toUTC().toISO() as string,
  };
}

/** Events in time order; equal times keep the order they were added in. */
class EventQueue {
  private items: { event: DemoEvent; seq: number }[] = [];
  private seq = 0;
  private sorted = true;

  push(event: DemoEvent): void {
    this.items.push({ event, seq: this.seq++ });
    this.sorted = false;
  }

  next(): DemoEvent | undefined {
    if (!this.sorted) {
      this.items.sort((a, b) => a.event.at.toMillis() - b.event.at.toMillis() || a.seq - b.seq);
      this.sorted = true;
    }
    return this.items.shift()?.event;
  }
}

/** The owner's LinkedIn-style list, imported on day one the way a user would (not the referrals). */
async function importProspects(db: Db, config: Config, start: DateTime): Promise<void> {
  const rows = CAST.filter((m) => !m.referredBy).map((m) =>
    [m.name, m.address, m.company, m.role].map((v) => `"${v.replace(/"/g, '""')}"`).join(','),
  );
  const file = path.join(config.dataDir, 'mail', 'people.csv');
  makePrivateDir(path.dirname(file));
  await writeFile(file, `Name,Email,Company,Title\n${rows.join('\n')}\n`, {
    mode: PRIVATE_FILE_MODE,
  });
  await importFile(db, 'csv', file, start.set({ hour: 8 }).toJSDate());
}

async function keepMailFile(
  dataDir: string,
  at: DateTime,
  label: string,
  raw: string,
): Promise<string> {
  const folder = path.join(dataDir, 'mail', at.toFormat('yyyy-MM-dd'));
  makePrivateDir(folder);
  const file = path.join(
    folder,
    `${at.toFormat('HHmm')}-${label.replace(/[^a-z0-9-]+/gi, '-')}.eml`,
  );
  await writeFile(file, raw, { mode: PRIVATE_FILE_MODE });
  return file;
}

/** Reads a header of a raw mail (first occurrence, unfolded). */
function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() ?? null;
}

/**
 * The owner, reading what kith mailed them: notes after a meeting, and
 * approve / skip on drafts — except the drafts the story leaves waiting.
 */
class SimulatedOwner {
  replies = 0;
  private lastSeen = 0;
  /** Drafts the owner is done with; drafts they rewrote wait for their own text to come back. */
  private readonly answeredDrafts = new Set<number>();
  private readonly rewrittenDrafts = new Set<number>();
  private readonly followUpsSeen = new Map<string, number>();

  private readonly outbox;

  constructor(config: Config) {
    this.outbox = createEmlIndex(outboxFolder(config.dataDir));
  }

  async react(db: Db, now: DateTime): Promise<DemoEvent[]> {
    const rows = await db
      .selectFrom('outbox')
      .selectAll()
      .where('audience', '=', 'owner')
      .where('state', '=', 'sent')
      .where('id', '>', this.lastSeen)
      .orderBy('id')
      .execute();
    const out: DemoEvent[] = [];
    for (const row of rows) {
      this.lastSeen = Math.max(this.lastSeen, row.id);
      const file = await this.outbox.find(row.message_id);
      if (!file) throw new Error(`demo: outbox mail #${row.id} has no .eml file`);
      const raw = await readFile(file, 'utf8');
      const messageId = header(raw, 'Message-ID') ?? `<${row.message_id}>`;
      const text = await this.answer(db, row.kind, row.contact_id, row.draft_id, row.body_text);
      if (text === null) continue;
      const at = replyTime(now);
      this.replies += 1;
      out.push({
        at,
        label: `owner-${row.kind}-${row.id}`,
        mail: textMail({
          from: OWNER,
          to: [{ name: 'kith', address: SERVICE }],
          subject: `Re: ${row.subject}`,
          at: at.toISO() as string,
          zone: ZONE,
          messageId: `<CA+demo-owner-${this.replies}@mail.example.org>`,
          inReplyTo: messageId,
          references: [messageId],
          text,
          quote: {
            style: this.replies % 2 ? 'gmail' : 'apple',
            mail: {
              from: { name: 'kith', address: SERVICE },
              at: now.toISO() as string,
              text: row.body_text.slice(0, 600),
            },
          },
        }),
      });
    }
    return out;
  }

  private async answer(
    db: Db,
    kind: string,
    contactId: number | null,
    draftId: number | null,
    request: string,
  ): Promise<string | null> {
    if (kind === 'post_meeting_prompt' && contactId !== null) {
      const m = await castMemberOf(db, contactId);
      return m ? notesReply(m) : null;
    }
    if (kind !== 'approval_request' || draftId === null || this.answeredDrafts.has(draftId))
      return null;
    const draft = await db
      .selectFrom('outbox')
      .select(['kind', 'contact_id', 'body_text'])
      .where('id', '=', draftId)
      .executeTakeFirst();
    // A real owner fills the [places] (news only they know) and sends their
    // own version; kith shows it back, and only that exact text is approved.
    if (this.rewrittenDrafts.has(draftId)) {
      if (hasPlaces(draftShown(request))) return null;
      this.answeredDrafts.add(draftId);
      return 'approve';
    }
    const m = draft?.contact_id != null ? await castMemberOf(db, draft.contact_id) : undefined;
    if (!draft || !m) {
      this.answeredDrafts.add(draftId);
      return 'Approve';
    }
    // The stories that end with a draft waiting for the owner: they never answer these.
    if (draft.kind === 'thank_you' && m.story === 'met') {
      this.answeredDrafts.add(draftId);
      return null;
    }
    if (hasPlaces(draft.body_text)) {
      this.rewrittenDrafts.add(draftId);
      return fillPlaces(draft.body_text);
    }
    this.answeredDrafts.add(draftId);
    if (draft.kind === 'follow_up') {
      if (m.story === 'follow_up_waiting') return null;
      const count = (this.followUpsSeen.get(keyOf(m)) ?? 0) + 1;
      this.followUpsSeen.set(keyOf(m), count);
      if (count === 2 && keyOf(m) === 'ines')
        return 'skip\n\nShe is clearly busy, no need to nudge again.';
    }
    return draft.kind === 'thank_you' ? 'Approve!' : 'approve';
  }
}

const PLACE = /\[[^\]\n]+\]/g;

function hasPlaces(text: string): boolean {
  return new RegExp(PLACE.source).test(text);
}

/** The draft as an approval request shows it: between the To: line and the "----" rule. */
function draftShown(request: string): string {
  const start = request.search(/^To: .*$/m);
  const end = request.indexOf('\n----');
  return request.slice(start === -1 ? 0 : start, end === -1 ? undefined : end);
}

/** What the simulated owner writes where kith left them a place: their own news. */
const OWNER_NEWS =
  'I have started a three-month contract as a product analyst, which is exactly the bridge I was hoping for, and I am enjoying it a lot.';

function fillPlaces(text: string): string {
  return text.replace(PLACE, OWNER_NEWS).trim();
}

/** An hour and a half later, but not at night: then the next morning at 08:30. */
function replyTime(now: DateTime): DateTime {
  const later = now.plus({ minutes: 95 });
  if (later.hour >= 22 || later.day !== now.day)
    return now.plus({ days: 1 }).set({ hour: 8, minute: 30 });
  if (later.hour < 7) return later.set({ hour: 8, minute: 30 });
  return later;
}

async function castMemberOf(db: Db, contactId: number): Promise<CastMember | undefined> {
  const rows = await db
    .selectFrom('contact_emails')
    .select('address')
    .where('contact_id', '=', contactId)
    .execute();
  const addresses = new Set(rows.map((r) => r.address.toLowerCase()));
  return CAST.find((m) => addresses.has(m.address.toLowerCase()));
}

/** The owner's notes after a meeting, with the keyed lines kith reads. */
function notesReply(m: CastMember): string {
  const notes = m.notes;
  const lines = [notes?.note ?? 'Good conversation.'];
  for (const advice of notes?.advice ?? []) lines.push(`advice: ${advice}`);
  for (const referral of referralsOf(m))
    lines.push(`referral: ${formatAddress({ name: referral.name, address: referral.address })}`);
  if (notes?.cadence) lines.push(`cadence: ${notes.cadence}`);
  lines.push('', 'Sent from my iPhone');
  return lines.join('\n');
}
