import { describe, expect, test } from 'vitest';
import { checkWebExposure } from '../../src/web/exposure.js';

function logger() {
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  return { lines, logger: { info: log, warn: log, error: log } };
}

describe('listening beyond loopback', () => {
  test.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])(
    '%s: nothing to say, even without a password',
    (host) => {
      const { lines, logger: l } = logger();
      checkWebExposure({ host, password: undefined, publicUrl: undefined }, l);
      expect(lines).toEqual([]);
    },
  );

  test.each(['0.0.0.0', '::', '192.168.1.20', 'kith.lan'])(
    '%s without WEB_PASSWORD: refused in one sentence naming the setting',
    (host) => {
      const { logger: l } = logger();
      expect(() =>
        checkWebExposure({ host, password: undefined, publicUrl: undefined }, l),
      ).toThrow(/^kith will not serve the web UI on WEB_HOST=\S+ without WEB_PASSWORD: [^\n]+\.$/);
    },
  );

  test('with a password over plain HTTP: a warning; behind an https WEB_PUBLIC_URL: none', () => {
    const plain = logger();
    checkWebExposure(
      { host: '0.0.0.0', password: 'long enough', publicUrl: undefined },
      plain.logger,
    );
    expect(plain.lines).toHaveLength(1);
    expect(plain.lines[0]).toContain('plain HTTP');
    expect(plain.lines[0]).not.toContain('long enough');
    const proxied = logger();
    checkWebExposure(
      { host: '0.0.0.0', password: 'long enough', publicUrl: 'https://kith.example.org' },
      proxied.logger,
    );
    expect(proxied.lines).toEqual([]);
  });
});
