import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EX_TEMPFAIL } from '../src/cli/main.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startKith } from '../src/main.js';
import { ensureSecret } from '../src/secret-file.js';
import { repoRoot, runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

/**
 * A second `kith serve` on a data dir whose sender lease a live kith holds
 * is refused with EX_TEMPFAIL (75), not 1: under systemd the first kith may
 * be one that is stopping, and a restart a few seconds later takes over.
 * Exit 1 means a bad setting, which the unit does not restart.
 */

const tempDir = useTempDir();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('kith serve while another kith holds the lease', () => {
  it('exits 75 with one sentence naming the holder', async () => {
    const cwd = tempDir();
    const env = {
      KITH_DATA_DIR: path.join(cwd, 'data'),
      KITH_OWNER_EMAIL: 'owner@example.org',
      WEB_PASSWORD: 'a-long-enough-password',
    };
    const config = ensureSecret(
      loadConfig({ ...env, WEB_PORT: String(await freePort()) }, { cwd }),
    );
    const kith = await startKith(config, createLogger({ secrets: [], write: () => undefined }));
    try {
      const second = await runCli(['serve'], {
        cwd,
        env: { ...env, WEB_PORT: String(await freePort()) },
        timeoutMs: 30_000,
      });
      expect(second.code, second.stderr).toBe(EX_TEMPFAIL);
      const lines = second.stderr.trim().split('\n');
      expect(lines, second.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`another kith process \\(pid ${process.pid} `));
    } finally {
      await kith.stop();
    }
  });

  it('a bad setting still exits 1', async () => {
    const result = await runCli(['serve'], { cwd: tempDir(), env: { WEB_PORT: 'http' } });
    expect(result.code).toBe(1);
  });

  it('the systemd unit restarts on 75 and only stops for good on 1', () => {
    const unit = readFileSync(path.join(repoRoot, 'deploy/kith.service'), 'utf8');
    const setting = (key: string) =>
      unit
        .split('\n')
        .filter((l) => l.startsWith(`${key}=`))
        .map((l) => l.slice(key.length + 1).trim());
    expect(setting('Restart')).toEqual(['on-failure']);
    const prevented = setting('RestartPreventExitStatus').flatMap((v) => v.split(/\s+/));
    expect(prevented).toContain('1');
    expect(prevented).not.toContain(String(EX_TEMPFAIL));
    // The restarts must outlast a stopping kith's heartbeat (30 s) before systemd gives up.
    const restartSec = Number(setting('RestartSec')[0]);
    const burst = Number(setting('StartLimitBurst')[0]);
    expect(restartSec * burst).toBeGreaterThan(30);
  });
});
