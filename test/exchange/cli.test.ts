import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { fixture } from './test-db.js';

const tempDir = useTempDir();

describe('kith import and kith export', () => {
  it('imports a LinkedIn export and prints it back as JSON, CSV and vCard', async () => {
    const cwd = tempDir();
    const env = { KITH_DATA_DIR: `${cwd}/data` };
    const imported = await runCli(['import', 'linkedin', fixture('linkedin-connections.csv')], {
      cwd,
      env,
    });
    expect(imported.stderr).toBe('');
    expect(imported.stdout.trim()).toBe('5 created, 1 merged, 0 skipped');
    expect(imported.code).toBe(0);

    const json = await runCli(['export'], { cwd, env });
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { contacts: { name: string }[] };
    expect(doc.contacts.map((c) => c.name)).toEqual([
      'Ana Souza',
      'José Álvarez',
      'Zoë Dubois',
      '山田 太郎',
      'Bob Lee',
    ]);

    const again = await runCli(['export', '--format', 'json'], { cwd, env });
    expect(again.stdout).toBe(json.stdout);

    const csv = await runCli(['export', '--format', 'csv'], { cwd, env });
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')).toHaveLength(6);

    const vcard = await runCli(['export', '-f', 'vcard'], { cwd, env });
    expect(vcard.code).toBe(0);
    expect(vcard.stdout.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(5);
  });

  it('lists skipped rows with their lines and exits 1', async () => {
    const cwd = tempDir();
    const result = await runCli(['import', 'csv', fixture('contacts-with-errors.csv')], {
      cwd,
      env: { KITH_DATA_DIR: `${cwd}/data` },
    });
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'line 5',
      'line 6',
      'line 7',
      'line 10',
      'line 11',
      '4 created, 0 merged, 5 skipped',
    ]);
  });

  it('says so and exits 1 for a file that is not a LinkedIn export', async () => {
    const cwd = tempDir();
    const result = await runCli(['import', 'linkedin', fixture('cards.vcf')], {
      cwd,
      env: { KITH_DATA_DIR: `${cwd}/data` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a LinkedIn connections export');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
