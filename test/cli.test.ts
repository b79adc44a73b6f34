import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, tsxLoader } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const tempDir = useTempDir();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('kith command line', () => {
  it('prints usage and exits 2 for an unknown command', async () => {
    const result = await runCli(['frobnicate'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain('usage: npm run kith -- <command>');
  });

  it('prints usage and exits 2 for an unknown flag', async () => {
    const result = await runCli(['export', '--colour'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'--colour'");
    expect(result.stderr).toContain('usage: npm run kith -- export');
  });

  it.each(['serve', 'migrate', 'export', 'import'])('explains %s with --help', async (command) => {
    const result = await runCli([command, '--help'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`usage: npm run kith -- ${command}`);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const result = await runCli([flag], { cwd: tempDir() });
      expect(result).toMatchObject({ code: 0, stdout: `kith ${version}\n` });
    }
  });

  it('shows only commands that run this checkout, never a bare `kith`', async () => {
    const result = await runCli(['--help'], { cwd: tempDir() });
    const commandLines = result.stdout.split('\n').filter((l) => /usage:|`/.test(l));
    expect(commandLines.length).toBeGreaterThan(1);
    for (const line of commandLines) expect(line).not.toMatch(/(^|usage: |`)(npx )?kith /);
  });

  it('says a failed command in one line, and shows the trace only with --debug', async () => {
    const cwd = tempDir();
    expect((await runCli(['migrate'], { cwd })).code).toBe(0);
    const missing = path.join(cwd, 'missing', 'dir', 'x.sqlite');
    const plain = await runCli(['backup', missing], { cwd });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    expect(plain.stderr.trimEnd().split('\n')).toEqual([
      `kith backup: the folder ${path.dirname(missing)} does not exist; create it or choose another place for the backup`,
    ]);
    const debug = await runCli(['--debug', 'backup', missing], { cwd });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('kith backup: the folder');
    expect(debug.stderr).toMatch(/\n\s+at .*backup\.ts/);
  });

  it('refuses a file that is no backup in one line', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'not-a-backup.sqlite'), 'SQLite format 3\0 and then nothing');
    const result = await runCli(['restore', 'not-a-backup.sqlite'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('warns about a misspelt setting in .env or the environment, naming the one meant', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.env'), 'KITH_OWNER_EMAL=me@example.org\n');
    const result = await runCli(['migrate'], { cwd, env: { WEB_PROT: '4000' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'kith: warning: KITH_OWNER_EMAL is not a kith setting and is ignored; did you mean KITH_OWNER_EMAIL?',
    );
    expect(result.stderr).toContain(
      'WEB_PROT is not a kith setting and is ignored; did you mean WEB_PORT?',
    );
  });

  it('stops with one message naming each bad setting', async () => {
    const result = await runCli(['migrate'], {
      cwd: tempDir(),
      env: { WEB_PORT: 'http', KITH_TIMEZONE: 'Atlantis/Capital' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('WEB_PORT');
    expect(result.stderr).toContain('KITH_TIMEZONE');
    expect(result.stderr).not.toContain('at ');
  });

  it('migrates a new data dir and says so, then finds nothing to do', async () => {
    const cwd = tempDir();
    const first = await runCli(['migrate'], { cwd });
    expect(first.stdout).toContain('applied 2026-11-22-initial');
    const second = await runCli(['migrate'], { cwd });
    expect(second.stdout).toContain('database is up to date');
  });

  it('serves /healthz with no .env and no mail account, and stops on SIGTERM', async () => {
    const cwd = tempDir();
    const port = await freePort();
    const secret = 'a-secret-that-must-never-be-logged-0123456789';
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, path.join(repoRoot, 'src/cli.ts'), 'serve'],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', WEB_PORT: String(port), KITH_SECRET: secret },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    try {
      const health = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/healthz`);
          return (await response.json()) as { status: string };
        },
        { timeoutMs: 15_000, what: '/healthz' },
      );
      // Public /healthz says only ok or degraded; details need a session.
      expect(health).toEqual({ status: 'ok' });
      expect(output).toContain(`listening on http://127.0.0.1:${port}`);
      expect(output).toContain('KITH_OWNER_EMAIL is not set');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(output).not.toContain(secret);
  });
});
