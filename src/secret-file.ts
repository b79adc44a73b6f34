import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, withSecret } from './config.js';
import { makePrivateDir } from './private-files.js';

/**
 * Returns the config with its instance secret: KITH_SECRET when set, else the
 * one stored in the data dir, else a new one written there with mode 0600.
 */
export function ensureSecret(config: Config): Config {
  if (config.secret) return config;
  const file = path.join(config.dataDir, 'secret');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return withSecret(config, stored);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makePrivateDir(config.dataDir);
  const secret = randomBytes(32).toString('base64url');
  // 'wx' so two first starts racing cannot overwrite each other's secret.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return ensureSecret(config);
    throw error;
  }
  chmodSync(file, 0o600);
  return withSecret(config, secret);
}
