import { describe, expect, it } from 'vitest';
import { resolvePassword } from '../src/credentials.js';

describe('resolvePassword', () => {
  it('uses the static password when there is no command', async () => {
    await expect(resolvePassword({ pass: 'static-pw' }, 'IMAP_PASS_COMMAND')).resolves.toBe(
      'static-pw',
    );
  });

  it('runs the command each time and takes its output without the final newline', async () => {
    await expect(
      resolvePassword({ passCommand: "printf 'tok en\\n'" }, 'IMAP_PASS_COMMAND'),
    ).resolves.toBe('tok en');
  });

  it('names the setting and the exit code when the command fails, never its output', async () => {
    const error = await resolvePassword(
      { passCommand: 'echo leaked-secret; echo oops >&2; exit 3' },
      'SMTP_PASS_COMMAND',
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('SMTP_PASS_COMMAND failed with exit code 3');
    expect((error as Error).message).not.toContain('leaked-secret');
  });

  it('gives up on a command that hangs', async () => {
    const started = Date.now();
    await expect(
      resolvePassword({ passCommand: 'sleep 30' }, 'IMAP_PASS_COMMAND', 300),
    ).rejects.toThrow('IMAP_PASS_COMMAND did not finish within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses empty output', async () => {
    await expect(resolvePassword({ passCommand: 'true' }, 'IMAP_PASS_COMMAND')).rejects.toThrow(
      'printed nothing',
    );
  });
});
