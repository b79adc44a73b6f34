import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot, tsxLoader } from '../helpers/run-cli.js';

/** A real `kith <command>` process the chaos suites can watch and SIGKILL. */
export interface KithChild {
  readonly process: ChildProcess;
  readonly pid: number;
  output(): string;
  readonly exited: Promise<number | null>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnKith(args: readonly string[], env: Record<string, string>): KithChild {
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, path.join(repoRoot, 'src/cli.ts'), ...args],
    {
      cwd: env.KITH_DATA_DIR ?? repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: env.KITH_DATA_DIR ?? repoRoot, TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    pid: child.pid as number,
    output: () => output,
    exited,
    alive,
    async kill(signal = 'SIGKILL') {
      if (alive()) child.kill(signal);
      await exited;
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
