import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { envFor } from './world.js';

const tempDir = useTempDir('kith-tick-cli-');

describe('kith tick', () => {
  it('explains itself', async () => {
    const result = await runCli(['tick', '--help'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: npm run kith -- tick [--at <ISO time>]');
  });

  it('refuses a time it cannot read', async () => {
    const dir = tempDir();
    const result = await runCli(['tick', '--at', 'next tuesday'], {
      cwd: dir,
      env: envFor(dir, 'Europe/Berlin'),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--at "next tuesday" is not a time');
  });

  it('runs one tick at the given instant, prints each job once, and nothing the second time', async () => {
    const dir = tempDir();
    const env = envFor(dir, 'America/Los_Angeles');
    // Monday 23 Nov 2026 08:00 in Los Angeles; a first tick looks back 14 days.
    const first = await runCli(['tick', '--at', '2026-11-23T08:00:00-08:00'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      'weekly_digest owner dropped: superseded by the digest of 2026-11-23',
      'weekly_digest owner done: not mailed: no contacts yet',
    ]);
    const again = await runCli(['tick', '--at', '2026-11-23T16:00:30Z'], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(
      'nothing due between 2026-11-23T16:00:00.000Z and 2026-11-23T16:00:30.000Z',
    );
  });
});
