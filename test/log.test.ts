import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/log.js';

describe('log lines', () => {
  test('a CR/LF or other control character in a message or field cannot start a forged line', () => {
    const lines: string[] = [];
    const logger = createLogger({ secrets: ['hunter2-secret'], write: (l) => lines.push(l) });
    const name = 'Eve\r\n2026-12-01T10:00:00.000Z info draft approved\u001b[2J\u2028x';
    logger.warn(`mail from ${name}`, { subject: 'a\nb', pass: 'hunter2-secret\n' });
    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    for (const ch of ['\r', '\n', '\u001b', '\u2028']) expect(line).not.toContain(ch);
    expect(line).toContain('Eve\\r\\n2026-12-01T10:00:00.000Z info draft approved\\x1b[2J\\u2028x');
    expect(line).toContain('subject=a\\nb');
    expect(line).toContain('pass=[redacted]\\n');
    expect(line).not.toContain('hunter2');
  });
});
