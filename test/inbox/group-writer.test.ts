import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createGroupWriter, type WriteTask } from '../../src/inbox/group-writer.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { testDb } from './ingest-helpers.js';

const tempDir = useTempDir();
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const handle of open.splice(0)) await handle.close();
});

async function setup() {
  const dir = tempDir();
  const db = await testDb(dir);
  // A second connection sees only what is committed.
  const reader = new SQLite(path.join(dir, 'kith.sqlite'), { readonly: true });
  open.push({ close: () => db.destroy() }, reader);
  const committed = () =>
    (reader.prepare('select key from key_values order by key').all() as { key: string }[]).map(
      (r) => r.key,
    );
  return { db, committed };
}

const put = (db: Db, key: string) =>
  db.insertInto('key_values').values({ key, value: key, updated_at: '2026-11-22' }).execute();

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function task(key: string, extra: Partial<WriteTask<string>> = {}): WriteTask<string> {
  return {
    async run(trx) {
      await put(trx, key);
      return key;
    },
    recover: (_trx, error) => Promise.reject(error),
    ...extra,
  };
}

describe('group writer', () => {
  it('runs tasks in submission order, whichever is ready first', async () => {
    const { db, committed } = await setup();
    const writer = createGroupWriter(db);
    const order: string[] = [];
    const first = deferred();
    const results = Promise.all(
      ['a', 'b', 'c'].map((key, i) =>
        writer.submit({
          ...task(key),
          ...(i === 0 ? { ready: first.promise } : {}),
          async run(trx) {
            order.push(key);
            await put(trx, key);
            return key;
          },
        }),
      ),
    );
    first.resolve();
    expect(await results).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(committed()).toEqual(['a', 'b', 'c']);
  });

  it('lets tasks that are ready back to back share one commit', async () => {
    const { db, committed } = await setup();
    const writer = createGroupWriter(db);
    let seenByOthers: string[] | undefined;
    const results = Promise.all([
      writer.submit(task('a')),
      writer.submit(task('b')),
      writer.submit({
        ...task('c'),
        async run(trx) {
          await put(trx, 'c');
          seenByOthers = committed();
          return 'c';
        },
      }),
    ]);
    await results;
    // Nothing was committed while the third task ran: all three share a transaction.
    expect(seenByOthers).toEqual([]);
    expect(committed()).toEqual(['a', 'b', 'c']);
  });

  it('waits a moment for input queued behind it, so a burst shares one commit', async () => {
    const { db, committed } = await setup();
    const writer = createGroupWriter(db, { gatherMs: 1_000 });
    const parsing = deferred();
    let seenByB: string[] | undefined;
    const a = writer.submit(task('a'));
    const b = writer.submit({
      ...task('b'),
      ready: parsing.promise,
      async run(trx) {
        await put(trx, 'b');
        seenByB = committed();
        return 'b';
      },
    });
    setTimeout(parsing.resolve, 20);
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(seenByB).toEqual([]);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('commits a task alone when the next one is not ready', async () => {
    const { db, committed } = await setup();
    const writer = createGroupWriter(db);
    const later = deferred();
    const a = writer.submit(task('a'));
    const b = writer.submit({ ...task('b'), ready: later.promise });
    expect(await a).toBe('a');
    expect(committed()).toEqual(['a']);
    later.resolve();
    expect(await b).toBe('b');
    expect(committed()).toEqual(['a', 'b']);
  });

  it('undoes only the failing task, and keeps what its recover writes', async () => {
    const { db, committed } = await setup();
    const writer = createGroupWriter(db);
    const results = await Promise.all([
      writer.submit(task('a')),
      writer.submit({
        async run(trx) {
          await put(trx, 'b-half-done');
          throw new Error('odd data');
        },
        async recover(trx, error) {
          await put(trx, `b-set-aside: ${(error as Error).message}`);
          return 'b recovered';
        },
      }),
      writer.submit(task('c')),
    ]);
    expect(results).toEqual(['a', 'b recovered', 'c']);
    expect(committed()).toEqual(['a', 'b-set-aside: odd data', 'c']);
  });

  it('rejects every task of a transaction that cannot commit, and goes on with the next', async () => {
    const { db, committed } = await setup();
    const writer = createGroupWriter(db);
    const later = deferred();
    const group = [
      writer.submit(task('a')),
      writer.submit({
        run: () => Promise.reject(new Error('database is locked')),
        recover: (_trx, error) => Promise.reject(error),
      }),
    ];
    const next = writer.submit({ ...task('c'), ready: later.promise });
    await expect(group[0]).rejects.toThrow('database is locked');
    await expect(group[1]).rejects.toThrow('database is locked');
    expect(committed()).toEqual([]);
    later.resolve();
    expect(await next).toBe('c');
    expect(committed()).toEqual(['c']);
  });
});
