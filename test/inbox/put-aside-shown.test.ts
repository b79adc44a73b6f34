import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { createIngester } from '../../src/inbox/ingest.js';
import { outboxPorts } from '../../src/kith.js';
import { createLogger } from '../../src/log.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { useWorld } from '../scheduler/world.js';
import { get, login, makeWeb } from '../web/harness.js';
import { buildMail, newMessageId } from './build-mail.js';

/**
 * Mail from a known contact that kith put aside (too large, unreadable,
 * damaged) is shown to the owner in plain words, on the Health page and in
 * the weekly digest: the contact stays "contacted", so without it the owner
 * would never know she answered.
 */

const tempDir = useTempDir();
const newWorld = useWorld();

const ANA = 'ana@acme.example';
const PUT_ASIDE_AT = new Date('2026-12-03T15:00:00.000Z');

/** An outreach to Ana, then a 2 MB reply from her and a 2 MB mail from a stranger. */
async function ingestBigMail(db: Db, config: Config): Promise<void> {
  const logger = createLogger({ secrets: [], write: () => undefined });
  const ingester = createIngester({
    db,
    config: { ...config, maxMessageBytes: 1024 * 1024 },
    logger,
    now: () => PUT_ASIDE_AT,
    ...outboxPorts(config, logger),
  });
  const owner = config.owner.emails[0] as string;
  const outreachId = newMessageId('example.org');
  const sent = await ingester.ingest(
    Buffer.from(
      buildMail({
        from: owner,
        to: [`Ana Souza <${ANA}>`],
        bcc: [config.serviceAddress as string],
        messageId: outreachId,
      }),
    ),
    { label: 'outreach', receivedAt: new Date() },
  );
  expect(sent.status).toBe('stored');
  const big = 'The recording. '.repeat(140_000);
  for (const from of [`Ana Souza <${ANA}>`, 'Someone <someone@else.example>']) {
    const outcome = await ingester.ingest(
      Buffer.from(
        buildMail({ from, to: [owner], subject: 'Re: Hello', inReplyTo: outreachId, text: big }),
      ),
      { label: `big from ${from}`, receivedAt: new Date() },
    );
    expect(outcome.status).toBe('quarantined');
  }
}

const SENTENCE =
  'A reply from Ana Souza (ana@acme.example) on Thu 3 Dec was put aside: too large (2 MB)';

describe('mail from a known contact that was put aside', () => {
  it('is listed on the Health page in plain words, a stranger’s is not', async () => {
    const web = await makeWeb(tempDir());
    await ingestBigMail(web.db, web.config);
    const rows = await web.db.selectFrom('quarantine').select('from_address').execute();
    expect(rows.map((r) => r.from_address).sort()).toEqual([ANA, 'someone@else.example']);
    const page = await (await get(web, await login(web), '/health')).text();
    expect(page).toContain(SENTENCE);
    expect(page).not.toMatch(/A reply from [^<]*someone@else\.example/);
  });

  it('is in the weekly digest under PUT ASIDE', async () => {
    const w = await newWorld();
    await ingestBigMail(w.db, w.config);
    await w.deps.effects.weeklyDigest(w.db, {
      periodStart: '2026-11-30T00:00:00.000Z',
      periodEnd: '2026-12-07T00:00:00.000Z',
      at: '2026-12-07T08:00:00.000Z',
    } as Parameters<typeof w.deps.effects.weeklyDigest>[1]);
    const digest = await w.db
      .selectFrom('outbox')
      .select('body_text')
      .where('kind', '=', 'weekly_digest')
      .executeTakeFirstOrThrow();
    expect(digest.body_text).toContain(`PUT ASIDE\n  - ${SENTENCE}\n`);
    expect(digest.body_text).not.toContain('someone@else.example');
  });
});
