import { readFileSync } from 'node:fs';
import { buildMail } from './build-mail.js';
import { OWNER, understand } from './corpus-context.js';

/**
 * kith's own corpus of times proposed in free text, and of traps that only
 * look like times (test/fixtures/times/phrases.json), in English, French,
 * German and Spanish. Each phrase is the body of a reply from a known
 * contact with its own Date header, read as `kith ingest` reads it:
 * prepareMail (reply text without the quoted history, auto-reply check,
 * extraction) and classify. Expected instants were worked out by hand from
 * the calendar; "none" means no proposal. Shared by the fixture test and
 * `npm run bench:accuracy`.
 */

export interface TimeCase {
  /** What the phrase tests; a kind counts as right when all its phrases are. */
  readonly kind: string;
  readonly group: 'proposal' | 'trap';
  readonly language: string;
  /** The Date header: "tomorrow" and the writer's zone come from it. */
  readonly date: string;
  readonly text: string;
  /** UTC start instants, earliest first, or "none". */
  readonly expected: readonly string[] | 'none';
  /** UTC ends, when the phrase states them. */
  readonly ends?: readonly string[];
  readonly subject?: string;
}

export interface TimeOutcome {
  readonly case: TimeCase;
  readonly right: boolean;
  readonly got: string;
}

const FILE = new URL('../fixtures/times/phrases.json', import.meta.url);
const CONTACT = 'Ana Silva <ana.silva@acme.com>';

export function loadTimeCorpus(): TimeCase[] {
  return JSON.parse(readFileSync(FILE, 'utf8')) as TimeCase[];
}

export async function runTimeCase(c: TimeCase): Promise<TimeOutcome> {
  const raw = buildMail({
    from: CONTACT,
    to: [OWNER],
    subject: c.subject ?? 'Re: Coffee chat about product roles?',
    date: c.date,
    text: c.text,
  });
  const { classification, extracted } = await understand(Buffer.from(raw));
  const times =
    classification.kind === 'contact_reply'
      ? classification.proposedTimes
      : extracted.proposedTimes;
  const starts = times.map((t) => t.start);
  const expected = c.expected === 'none' ? [] : c.expected;
  const endsRight = !c.ends || c.ends.every((end, i) => times[i]?.end === end);
  const right =
    starts.length === expected.length && starts.every((s, i) => s === expected[i]) && endsRight;
  const got =
    times.length === 0
      ? `none (${classification.kind})`
      : times.map((t) => `${t.start}–${t.end} "${t.text}"`).join('; ');
  return { case: c, right, got };
}

export interface KindTally {
  readonly kind: string;
  readonly group: TimeCase['group'];
  readonly right: number;
  readonly total: number;
}

/** Outcomes by kind, in corpus order. */
export function byKind(outcomes: readonly TimeOutcome[]): KindTally[] {
  const kinds = new Map<string, KindTally>();
  for (const o of outcomes) {
    const k = kinds.get(o.case.kind) ?? {
      kind: o.case.kind,
      group: o.case.group,
      right: 0,
      total: 0,
    };
    kinds.set(o.case.kind, { ...k, right: k.right + (o.right ? 1 : 0), total: k.total + 1 });
  }
  return [...kinds.values()];
}
