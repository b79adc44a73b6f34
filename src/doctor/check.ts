/** One line of `kith doctor` and of the health page. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'problem' | 'skipped';
  /** What was found. Never a secret. */
  readonly detail: string;
  /** What to do about a problem. */
  readonly fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const problem = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'problem',
  detail,
  fix,
});
export const skipped = (name: string, detail: string): CheckResult => ({
  name,
  status: 'skipped',
  detail,
});

/** Formats results as aligned lines for the terminal. */
export function formatChecks(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => {
      const mark = r.status === 'ok' ? 'ok     ' : r.status === 'problem' ? 'PROBLEM' : 'skipped';
      const head = `${mark}  ${r.name.padEnd(width)}  ${r.detail}`;
      return r.fix ? `${head}\n${' '.repeat(width + 11)}→ ${r.fix}` : head;
    })
    .join('\n');
}
