import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createContact } from '../../src/db/contacts.js';
import { databasePath, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { startKith } from '../../src/main.js';
import { LEASE_KEY } from '../../src/outbox/lease.js';
import { ensureSecret } from '../../src/secret-file.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function contacts(dataDir: string): Promise<number> {
  const db = openDatabase(databasePath(dataDir));
  const n = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await db.destroy();
  return Number(n.n);
}

describe('kith restore', () => {
  it('refuses while a kith serves on the data dir, and works once it stopped', async () => {
    const cwd = tempDir();
    const env = { KITH_DATA_DIR: path.join(cwd, 'data'), KITH_OWNER_EMAIL: 'owner@example.org' };
    const backup = path.join(cwd, 'empty.sqlite');
    expect((await runCli(['migrate'], { cwd, env })).code).toBe(0);
    expect((await runCli(['backup', backup], { cwd, env })).code).toBe(0);

    const config = ensureSecret(
      loadConfig(
        { ...env, WEB_PORT: String(await freePort()), WEB_PASSWORD: 'a-long-enough-password' },
        { cwd },
      ),
    );
    const kith = await startKith(config, createLogger({ secrets: [], write: () => undefined }));
    let running = true;
    try {
      const response = await fetch(`${kith.url}/contacts`, { redirect: 'manual' });
      expect(response.status).toBeLessThan(500);
      await createContact(
        kith.db,
        { name: 'Written while serving', emails: ['w@example.org'], source: 'test' },
        new Date().toISOString(),
      );
      const refused = await runCli(['restore', backup], { cwd, env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/kith is running on this data dir \(pid \d+ .*stop it first/);
      expect(refused.stdout).toBe('');
      await kith.stop();
      running = false;
      expect(await contacts(env.KITH_DATA_DIR)).toBe(1);
      const restored = await runCli(['restore', backup], { cwd, env });
      expect(restored.code, restored.stderr).toBe(0);
      expect(await contacts(env.KITH_DATA_DIR)).toBe(0);
    } finally {
      if (running) await kith.stop();
    }
  });

  it('takes over a lease left by a process that is gone', async () => {
    const cwd = tempDir();
    const env = { KITH_DATA_DIR: path.join(cwd, 'data') };
    const backup = path.join(cwd, 'empty.sqlite');
    const db = openDatabase(databasePath(env.KITH_DATA_DIR));
    await migrateToLatest(db);
    // A pid that surely ended: a child that already exited.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const at = new Date().toISOString();
    const lease = {
      token: 't',
      pid: gone,
      host: (await import('node:os')).hostname(),
      since: at,
      heartbeat: at,
    };
    await db
      .insertInto('key_values')
      .values({ key: LEASE_KEY, value: JSON.stringify(lease), updated_at: at } as never)
      .execute();
    await db.destroy();
    expect((await runCli(['backup', backup], { cwd, env })).code).toBe(0);
    const restored = await runCli(['restore', backup], { cwd, env });
    expect(restored.code, restored.stderr).toBe(0);
  });
});
