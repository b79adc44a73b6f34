import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail } from './build-mail.js';
import { OWNER, SECRET, SERVICE } from './ingest-helpers.js';

const tempDir = useTempDir();
const env = {
  KITH_OWNER_EMAIL: OWNER,
  KITH_SERVICE_ADDRESS: SERVICE,
  KITH_SECRET: SECRET,
  KITH_MAX_MESSAGE_BYTES: '100000',
};

function files(cwd: string) {
  const dir = path.join(cwd, 'mail');
  mkdirSync(path.join(dir, 'cur'), { recursive: true });
  const outreach = buildMail({
    from: OWNER,
    to: ['Ana Lima <ana@contact.example>'],
    subject: 'Quick question',
    messageId: 'outreach-1@example.org',
  });
  const reply = buildMail({
    from: 'ana@contact.example',
    to: [OWNER],
    subject: 'Re: Quick question',
    inReplyTo: 'outreach-1@example.org',
    text: 'Happy to help!',
  });
  writeFileSync(path.join(dir, '1-outreach.eml'), outreach);
  writeFileSync(path.join(dir, 'cur', '2-reply.eml'), reply);
  writeFileSync(
    path.join(dir, '3-news.eml'),
    buildMail({ from: 'news@shop.example', to: [OWNER] }),
  );
  const big = path.join(cwd, 'big.eml');
  writeFileSync(
    big,
    buildMail({
      from: 'ana@contact.example',
      to: [OWNER],
      subject: 'Huge',
      text: 'x'.repeat(200_000),
    }),
  );
  return { dir, big };
}

describe('kith ingest', () => {
  it('prints classification, contact and stage change per message; quarantined mail counts as read', async () => {
    const cwd = tempDir();
    const { dir, big } = files(cwd);
    const result = await runCli(['ingest', dir, big], { cwd, env });
    expect(result.stderr).not.toContain(SECRET);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const line = (file: string) => lines.find((l) => l.includes(`${file}: `));
    expect(lines).toHaveLength(4);
    expect(line('1-outreach.eml')).toMatch(
      /outreach · Ana Lima <ana@contact\.example> · prospect → contacted$/,
    );
    expect(line('2-reply.eml')).toMatch(
      /reply · Ana Lima <ana@contact\.example> · contacted → replied$/,
    );
    expect(line('3-news.eml')).toMatch(/unrelated .* not stored$/);
    expect(line('big.eml')).toMatch(/read, put in quarantine: too large/);

    const again = await runCli(['ingest', dir], { cwd, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/1-outreach\.eml: already seen/);
  });

  it('exits non-zero when a file cannot be read, after reading the others', async () => {
    const cwd = tempDir();
    const { dir } = files(cwd);
    const result = await runCli(['ingest', path.join(cwd, 'missing.eml'), dir], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/missing\.eml: cannot read: no such file or folder/);
    expect(result.stdout).toMatch(/2-reply\.eml: reply/);
  });

  it('explains itself with --help', async () => {
    const result = await runCli(['ingest', '--help'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: npm run kith -- ingest <file.eml | folder>...');
  });
});
