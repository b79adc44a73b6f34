import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared collector of the chaos suites: each check appends one row
 * (what was tried, how many times, what held) to a JSON-lines file; the
 * global teardown turns the rows into docs/chaos-results.md.
 */

export interface ChaosRow {
  /** The item, e.g. "1 crash during ingest". */
  readonly suite: string;
  readonly tried: string;
  readonly times: number;
  readonly held: boolean;
  /** The measured figure that shows it held (or how it failed). */
  readonly figure: string;
}

/** The checkout (computed here: the global setup cannot load test/helpers/run-cli.ts). */
export const chaosRepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const rowsFile = path.join(chaosRepoRoot, 'test-artifacts', 'chaos', 'rows.jsonl');

export function record(row: ChaosRow): void {
  mkdirSync(path.dirname(rowsFile), { recursive: true });
  appendFileSync(rowsFile, `${JSON.stringify(row)}\n`);
}

/**
 * Runs `check` and records a row whatever happens: a thrown assertion is
 * a failed row (with its message), and is re-thrown so the test fails too.
 */
export async function held(
  row: Omit<ChaosRow, 'held' | 'figure'>,
  check: () => Promise<string> | string,
): Promise<void> {
  try {
    const figure = await check();
    record({ ...row, held: true, figure });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]?.slice(0, 160) ?? 'failed';
    record({ ...row, held: false, figure: message });
    throw error;
  }
}
