import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tsxLoader } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** Two `kith serve` on one data dir: the second must refuse, saying who holds it. */

const tempDir = useTempDir();
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function env(dir: string, port: number): Record<string, string> {
  return {
    KITH_DATA_DIR: dir,
    KITH_OWNER_EMAIL: 'sam@example.org',
    KITH_TIMEZONE: 'UTC',
    WEB_PORT: String(port),
    WEB_PASSWORD: 'a-long-test-password',
  };
}

describe('one kith per data dir', () => {
  it('a second `kith serve` on the same data dir exits, naming the running one', async () => {
    const dir = tempDir();
    const first = spawn(
      process.execPath,
      ['--import', tsxLoader, path.join(repoRoot, 'src/cli.ts'), 'serve'],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', ...env(dir, await freePort()) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(first);
    let output = '';
    first.stderr?.on('data', (d) => {
      output += d;
    });
    await waitFor(() => output.includes('kith is listening'), {
      timeoutMs: 20_000,
      what: `the first kith to start (${output})`,
    });

    const second = await runCli(['serve'], { cwd: dir, env: env(dir, await freePort()) });
    // 75 (EX_TEMPFAIL): the systemd unit restarts it, as it would not a bad setting's 1.
    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`another kith process (pid ${first.pid}`);
    expect(second.stderr).toContain(dir);

    // Stopped cleanly, the first gives the lease back at once.
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGTERM');
    await exited;
    const port = await freePort();
    const third = spawn(
      process.execPath,
      ['--import', tsxLoader, path.join(repoRoot, 'src/cli.ts'), 'serve'],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', ...env(dir, port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(third);
    let thirdOutput = '';
    third.stderr?.on('data', (d) => {
      thirdOutput += d;
    });
    await waitFor(() => thirdOutput.includes('kith is listening'), {
      timeoutMs: 20_000,
      what: `the third kith to start (${thirdOutput})`,
    });
  });
});
