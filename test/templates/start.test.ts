import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

describe('kith serve with a broken template', () => {
  it('stops at start and names the file and line', async () => {
    const dir = tempDir();
    const templates = path.join(repoRoot, 'test/fixtures/templates/unknown-variable');
    const result = await runCli(['serve'], {
      cwd: dir,
      env: {
        KITH_DATA_DIR: dir,
        KITH_TEMPLATES_DIR: templates,
        WEB_PORT: '1', // never reached: the template check comes first
        WEB_PASSWORD: 'a-long-test-password',
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`template ${path.join(templates, 'follow-up.hbs')}:6:`);
    expect(result.stderr).toContain('unknown variable or helper "compnay"');
    expect(result.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });
});
