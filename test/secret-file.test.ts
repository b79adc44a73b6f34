import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { KithError } from '../src/errors.js';
import { ensureSecret } from '../src/secret-file.js';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

function setup(content?: string) {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  mkdirSync(data);
  const file = path.join(data, 'secret');
  if (content !== undefined) writeFileSync(file, content);
  return { dir, data, file, config: loadConfig({ KITH_DATA_DIR: data }, { cwd: dir }) };
}

describe('the secret file at start', () => {
  it('replaces an empty file (a first start on a full disk left it) with a new secret', () => {
    const { file, config } = setup('');
    const secret = ensureSecret(config).secret;
    expect(secret).toMatch(/^[\w-]{40,}$/);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(ensureSecret(config).secret).toBe(secret);
  });

  it('refuses a short one with one sentence saying what to do, and leaves it as it was', () => {
    const { file, config } = setup('abc\n');
    expect(() => ensureSecret(config)).toThrow(KithError);
    expect(() => ensureSecret(config)).toThrow(/damaged .*restore it from a backup, or delete it/);
    expect(readFileSync(file, 'utf8')).toBe('abc\n');
  });

  it('refuses one it cannot read, naming the file and the fix', () => {
    const { file, config } = setup();
    mkdirSync(file);
    expect(() => ensureSecret(config)).toThrow(/cannot read its secret file .*secret \(EISDIR\)/);
  });

  it('commands start after an empty secret and stop in one line on a damaged one', async () => {
    const empty = setup('');
    const ok = await runCli(['migrate'], { cwd: empty.dir, env: { KITH_DATA_DIR: empty.data } });
    expect(ok.code, ok.stderr).toBe(0);
    const short = setup('x');
    const bad = await runCli(['migrate'], { cwd: short.dir, env: { KITH_DATA_DIR: short.data } });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/secret file .* is damaged/);
    expect(bad.stderr).not.toMatch(/call stack/);
  });
});
