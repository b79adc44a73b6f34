import { readdirSync, readFileSync } from 'node:fs';
import type { Classification } from '../../src/pipeline/classify.js';
import { understand } from './corpus-context.js';

/**
 * kith's own auto-reply corpus (test/fixtures/auto-replies/): out-of-office
 * replies with and without headers, in several languages and client forms
 * (Lotus "AUTO:", a quoted original that asks a question, "sent on …"
 * lines), acknowledgements, and challenge/response filters — each from a
 * contact's own address, so a miss would count as the contact's reply.
 * Named `<category>-<what>.eml`. Shared by the fixture test and
 * `npm run bench:accuracy`.
 */

const DIR = new URL('../fixtures/auto-replies/', import.meta.url);

export interface AutoReplyCase {
  readonly name: string;
  readonly category: string;
  readonly raw: Buffer;
}

export interface AutoReplyOutcome {
  readonly case: AutoReplyCase;
  readonly classification: Classification;
  /** Taken for the contact's own reply: the failure this corpus guards against. */
  readonly countedAsReply: boolean;
  /** A meeting time read from it. */
  readonly timeProposed: boolean;
  readonly got: string;
}

export function loadAutoReplyCorpus(): AutoReplyCase[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.eml$/, ''),
      category: categoryOf(file),
      raw: readFileSync(new URL(file, DIR)),
    }));
}

const CATEGORIES: readonly [RegExp, string][] = [
  [/^challenge-/, 'challenge/response'],
  [/^lotus-/, 'Lotus AUTO:, sent on'],
  [/quoted/, 'quoted question'],
  [/header|^x-|^precedence|automatic-reply/, 'headers'],
  [/french|spanish|dutch|portuguese|italian|japanese|swedish|german/, 'other languages'],
];

function categoryOf(file: string): string {
  return CATEGORIES.find(([re]) => re.test(file))?.[1] ?? 'other wording';
}

export async function runAutoReplyCase(c: AutoReplyCase): Promise<AutoReplyOutcome> {
  const { classification, extracted } = await understand(c.raw);
  const countedAsReply = classification.kind === 'contact_reply';
  const timeProposed =
    extracted.proposedTimes.length > 0 ||
    (classification.kind === 'contact_reply' && classification.proposedTimes.length > 0);
  const got =
    classification.kind === 'auto_reply'
      ? `auto_reply (${classification.evidence})`
      : classification.kind;
  return { case: c, classification, countedAsReply, timeProposed, got };
}
