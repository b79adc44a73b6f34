import { describe, expect, test } from 'vitest';
import { findContactByEmail } from '../../src/db/contacts.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { get, type LoggedIn, login, makeWeb, postForm } from './harness.js';
import { seedMessage } from './seed.js';

const tempDir = useTempDir();
const ORIGIN = 'http://kith.test';

type Web = Awaited<ReturnType<typeof makeWeb>>;

async function upload(web: Web, auth: LoggedIn, csv: string): Promise<string> {
  const body = new FormData();
  body.set('_csrf', auth.csrf);
  body.set('kind', 'csv');
  body.set('file', new File([csv], 'people.csv', { type: 'text/csv' }));
  const res = await web.app.request(`${ORIGIN}/import`, {
    method: 'POST',
    body,
    headers: { origin: ORIGIN, cookie: auth.cookie },
  });
  expect(res.status).toBe(303);
  return res.headers.get('location')!;
}

interface Progress {
  state: string;
  phase: string;
  read: number;
  total: number;
  done: number;
  created: number;
  merged: number;
  skipped: number;
  label: string;
}

describe('a web import', () => {
  test('reports rows read of total, created, merged and skipped while it runs', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const rows = Array.from({ length: 4000 }, (_, i) => `Person ${i},p${i}@example.com,Co`);
    const jobUrl = await upload(web, auth, `Name,Email,Company\n${rows.join('\n')}\nBad,nope,X\n`);
    const seen: Progress[] = [];
    const last = await waitFor(
      async () => {
        const p = (await (await get(web, auth, `${jobUrl}/progress`)).json()) as Progress;
        seen.push(p);
        return p.state === 'done' ? p : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 5, what: 'the import to finish' },
    );
    expect(last).toMatchObject({ read: 4001, total: 4001, done: 4001, created: 4000, skipped: 1 });
    expect(last.label).toBe(
      'Saving: 4,001 of 4,001 rows — 4000 new prospects, 0 merged, 1 skipped',
    );
    // Seen part way: the counts move while the import runs.
    const partway = seen.filter((p) => p.state === 'running' && p.phase === 'saving');
    expect(partway.some((p) => p.done > 0 && p.done < 4001 && p.created > 0)).toBe(true);
  });

  test('can be undone from its page, keeping the contacts something happened to', async () => {
    const web = await makeWeb(tempDir());
    const auth = await login(web);
    const jobUrl = await upload(
      web,
      auth,
      'Name,Email\nAna,ana@example.com\nBo,bo@example.com\nCy,cy@example.com\n',
    );
    await waitFor(
      async () =>
        ((await (await get(web, auth, `${jobUrl}/progress`)).json()) as Progress).state === 'done',
      { what: 'the import to finish' },
    );
    const report = await (await get(web, auth, jobUrl)).text();
    expect(report).toContain(`action="${jobUrl}/undo"`);
    expect(report).toContain('Undo this import');
    const bo = (await findContactByEmail(web.db, 'bo@example.com'))!;
    await seedMessage(web.db, {
      contactId: bo.id,
      direction: 'in',
      kind: 'reply',
      subject: 'Hi',
      text: 'Hello',
      date: '2026-12-01T09:00:00.000Z',
    });
    const undone = await postForm(web, auth, `${jobUrl}/undo`, {});
    expect(undone.status).toBe(303);
    const after = await (await get(web, auth, jobUrl)).text();
    expect(after).toContain('Import undone: 2 prospects removed, 1 contact kept');
    expect(after).toContain('1 contact: mail was exchanged with them');
    expect(after).not.toContain('Undo this import');
    expect(await web.db.selectFrom('contacts').select('name').execute()).toEqual([{ name: 'Bo' }]);
  });
});
