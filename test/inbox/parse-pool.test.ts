import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { createParsePool, type ParsePool } from '../../src/inbox/parse-pool.js';
import { prepareMail } from '../../src/inbox/prepare.js';
import { repoRoot } from '../helpers/run-cli.js';
import { captureLogger } from './ingest-helpers.js';

const fixture = (name: string) =>
  readFileSync(path.join(repoRoot, 'test/fixtures/mail/ingest', name));
const receivedAt = new Date('2026-12-05T08:00:00Z');
const pools: ParsePool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function pool(size: number) {
  const { logger, lines } = captureLogger();
  const p = createParsePool({ size, logger });
  pools.push(p);
  return { pool: p, lines };
}

describe('parse pool', () => {
  it('prepares mail in a worker thread exactly as on the main thread', async () => {
    const { pool: workers, lines } = pool(2);
    const names = [
      'flowed.eml',
      'calendar-inline.eml',
      'bounce-dsn.eml',
      'auto-reply.eml',
      'html-only.eml',
    ];
    const inWorkers = await Promise.all(names.map((n) => workers.prepare(fixture(n), receivedAt)));
    const here = await Promise.all(names.map((n) => prepareMail(fixture(n), receivedAt)));
    expect(inWorkers).toEqual(here);
    expect(lines.join('\n')).not.toContain('main thread');
    expect(inWorkers[1]?.extracted.calendarEvents[0]?.uid).toBe('coffee-1@google.com');
    expect(inWorkers[3]?.extracted.oooReturnDate).toBe('2026-12-11');
  });

  it('rejects unparseable mail with a BadInputError and keeps working', async () => {
    const { pool: workers } = pool(1);
    const bomb = Buffer.from(
      `From: a@b.example\r\nX-Filler: ${'a'.repeat(1_100_000)}\r\n\r\nbody\r\n`,
    );
    await expect(workers.prepare(bomb, receivedAt)).rejects.toBeInstanceOf(BadInputError);
    const ok = await workers.prepare(fixture('flowed.eml'), receivedAt);
    expect(ok.message.messageId).toBe('flowed-1@contact.example');
  });

  it('works on the main thread with size 0', async () => {
    const { pool: inline } = pool(0);
    const prepared = await inline.prepare(fixture('flowed.eml'), receivedAt);
    expect(prepared.extracted.replyText).toContain('Happy to help');
  });

  it('is ready once the parser is loaded, in workers or here', async () => {
    const { pool: workers, lines } = pool(2);
    await workers.ready();
    expect(lines.join('\n')).not.toContain('main thread');
    expect(
      (await workers.prepare(fixture('flowed.eml'), receivedAt)).extracted.replyText,
    ).toContain('Happy to help');
    const { pool: inline } = pool(0);
    await inline.ready();
    expect((await inline.prepare(fixture('flowed.eml'), receivedAt)).extracted.replyText).toContain(
      'Happy to help',
    );
  });
});
