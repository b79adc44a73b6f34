import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createMaildirSource, type MaildirSource } from '../../src/inbox/maildir-source.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { buildMail, newMessageId } from './build-mail.js';
import {
  captureLogger,
  counts,
  OWNER,
  SERVICE,
  stageOf,
  testConfig,
  testDb,
  testIngester,
} from './ingest-helpers.js';

const tempDir = useTempDir();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let delivered = 0;
/** Delivers like an MDA: write into tmp/, then rename into new/ (Maildir's atomic hand-over). */
function deliver(dir: string, raw: string): string {
  delivered += 1;
  const name = `${Date.now()}.M${delivered}P${process.pid}.test`;
  for (const sub of ['tmp', 'new']) mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, 'tmp', name), raw);
  renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
  return name;
}

async function setup(): Promise<{ db: Db; dir: string; source: MaildirSource }> {
  const root = tempDir();
  const db = await testDb(root);
  const dir = path.join(root, 'maildir');
  const { ingester } = testIngester(db, { now: () => new Date() });
  const source = createMaildirSource({
    dir,
    ingester,
    logger: captureLogger().logger,
    rescanMs: 200,
  });
  cleanups.push(async () => {
    await source.stop();
    await db.destroy();
  });
  return { db, dir, source };
}

const outreach = (to: string, id = newMessageId('example.org')) =>
  buildMail({ from: OWNER, to: [to], bcc: [SERVICE], subject: 'Quick question', messageId: id });

describe('Maildir source', () => {
  it('creates cur/new/tmp, reads what is already waiting, and moves handled files to cur/', async () => {
    const { db, dir, source } = await setup();
    await source.start();
    for (const sub of ['cur', 'new', 'tmp']) expect(existsSync(path.join(dir, sub))).toBe(true);
    await source.stop();
    const name = deliver(dir, outreach('ana@contact.example'));
    await source.start();
    expect(await stageOf(db, 'ana@contact.example')).toBe('contacted');
    expect(readdirSync(path.join(dir, 'new'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'cur'))).toEqual([`${name}:2,`]);
  });

  it('refuses owner mail whose provider header does not pass for the owner; takes one without any', async () => {
    const { db, dir, source } = await setup();
    // An mbsync copy of a real mailbox: the provider's verdict came with it, and it says forged.
    deliver(
      dir,
      'Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=attacker.example; dmarc=fail header.from=example.org\r\n' +
        outreach('forged@contact.example'),
    );
    // Dropped in by hand or by a local delivery that checks nothing: the no-account setup.
    deliver(dir, outreach('plain@contact.example'));
    await source.start();
    await waitFor(async () => (await stageOf(db, 'plain@contact.example')) === 'contacted', {
      what: 'the file without the header',
    });
    await waitFor(async () => (await counts(db)).quarantine === 1, { what: 'the refusal' });
    expect(await stageOf(db, 'forged@contact.example')).toBeUndefined();
    const row = await db.selectFrom('quarantine').select('reason').executeTakeFirstOrThrow();
    expect(row.reason).toMatch(/^refused: .*no DKIM or DMARC pass for example\.org/);
  });

  it('keeps mail unread in new/ while the owner is unknown, says so, and reads it once the owner is set', async () => {
    const root = tempDir();
    const db = await testDb(root);
    const dir = path.join(root, 'maildir');
    cleanups.push(() => db.destroy());
    // First start: no KITH_OWNER_EMAIL, so no owner in the ingest settings either.
    const { ingester: blind } = testIngester(db, {
      config: { ...testConfig, owner: { emails: [], name: undefined, intro: undefined } },
    });
    const log = captureLogger();
    const before = createMaildirSource({
      dir,
      ingester: blind,
      logger: log.logger,
      ownerKnown: false,
    });
    await before.start();
    const name = deliver(dir, outreach('ana@contact.example'));
    await before.scan();
    expect(readdirSync(path.join(dir, 'new'))).toEqual([name]);
    expect(await counts(db)).toMatchObject({ messages: 0, contacts: 0, quarantine: 0 });
    expect(before.status()).toMatchObject({
      state: 'degraded',
      detail: {
        waiting: expect.stringContaining(
          '1 mail(s) kept unread in new/ until KITH_OWNER_EMAIL is set',
        ),
      },
    });
    expect(log.lines.join('\n')).toContain('1 mail(s) wait unread');
    await before.stop();

    // Restarted with the owner's address: the outreach is read as the owner's.
    const { ingester } = testIngester(db);
    const after = createMaildirSource({ dir, ingester, logger: captureLogger().logger });
    cleanups.push(async () => {
      await after.stop();
    });
    await after.start();
    expect(await stageOf(db, 'ana@contact.example')).toBe('contacted');
    expect(readdirSync(path.join(dir, 'new'))).toEqual([]);
    expect(after.status().state).toBe('ok');
    expect(after.status().detail).not.toHaveProperty('waiting');
  });

  it('picks up new files while running', async () => {
    const { db, dir, source } = await setup();
    await source.start();
    deliver(dir, outreach('bo@contact.example'));
    await waitFor(async () => (await stageOf(db, 'bo@contact.example')) === 'contacted', {
      what: 'the new file',
    });
    expect(source.status().state).toBe('ok');
  });

  it('never reprocesses after a restart, and a crash before the move is deduped', async () => {
    const { db, dir, source } = await setup();
    const raw = outreach('cy@contact.example');
    deliver(dir, raw);
    await source.start();
    await source.stop();
    // The same mail again, as if the move to cur/ had not happened before a crash.
    deliver(dir, raw);
    await source.start();
    expect(await counts(db)).toMatchObject({ messages: 1, history: 2 });
    expect(readdirSync(path.join(dir, 'new'))).toEqual([]);
  });

  it('puts a broken file aside with its reason and carries on', async () => {
    const { db, dir, source } = await setup();
    const bomb = `From: x@contact.example\r\nTo: ${OWNER}\r\nMessage-ID: <bomb@x>\r\nX-Filler: ${'a'.repeat(1_100_000)}\r\n\r\nbody\r\n`;
    const broken = deliver(dir, bomb);
    deliver(dir, outreach('dee@contact.example'));
    await source.start();
    expect(readdirSync(path.join(dir, 'quarantine'))).toEqual([broken]);
    const row = await db.selectFrom('quarantine').selectAll().executeTakeFirstOrThrow();
    expect(row.source).toBe(`maildir:${broken}`);
    expect(row.reason).toMatch(/too large|unparseable/);
    expect(await stageOf(db, 'dee@contact.example')).toBe('contacted');
  });
});
