import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { CAST } from '../../src/demo/cast.js';
import { STAGES } from '../../src/pipeline/stages.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('kith-demo-');
const NOW = '2026-11-22T12:00:00Z';

interface ExportedContact {
  stage: string;
  source: string;
  referredBy: number | null;
  meetings: unknown[];
  notes: unknown[];
  advice: unknown[];
  messages: { kind: string; direction: string }[];
}

async function exportOf(dir: string, cwd: string): Promise<ExportedContact[]> {
  const result = await runCli(['export'], { cwd, env: { KITH_DATA_DIR: dir }, timeoutMs: 30_000 });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { contacts: ExportedContact[] }).contacts;
}

function stageCounts(contacts: readonly ExportedContact[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of contacts) counts[c.stage] = (counts[c.stage] ?? 0) + 1;
  return counts;
}

describe('kith demo', () => {
  it('fills every stage through the real path, and a second run replaces the first', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'demo');
    const first = await runCli(['demo', '--no-serve', '--data-dir', dir, '--now', NOW], {
      cwd,
      timeoutMs: 90_000,
    });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // Every generated mail went through the inbox and was understood.
    expect(first.stdout).not.toContain('not stored');

    const contacts = await exportOf(dir, cwd);
    expect(contacts.length).toBeGreaterThanOrEqual(35);
    const counts = stageCounts(contacts);
    for (const stage of STAGES) expect(counts[stage] ?? 0, stage).toBeGreaterThan(0);

    const all = <T>(pick: (c: ExportedContact) => readonly T[]) => contacts.flatMap(pick);
    expect(all((c) => c.meetings).length).toBeGreaterThan(10);
    expect(all((c) => c.notes).length).toBeGreaterThan(5);
    expect(all((c) => c.advice).length).toBeGreaterThan(5);
    expect(
      contacts.filter((c) => c.source === 'referral' && c.referredBy !== null).length,
    ).toBeGreaterThan(3);
    const kinds = new Set(all((c) => c.messages).map((m) => m.kind));
    for (const kind of ['outreach', 'reply', 'decline', 'bounce', 'auto_reply', 'invite']) {
      expect(kinds, kind).toContain(kind);
    }

    // Drafts waiting for the owner, and the owner's approvals that went through by mail.
    const db = new Database(path.join(dir, 'kith.sqlite'), { readonly: true });
    try {
      const waiting = db
        .prepare("select count(*) as n from outbox where state = 'awaiting_approval'")
        .get() as { n: number };
      expect(waiting.n).toBeGreaterThan(0);
      const sentThanks = db
        .prepare("select count(*) as n from outbox where kind = 'thank_you' and state = 'sent'")
        .get() as { n: number };
      expect(sentThanks.n).toBeGreaterThan(0);
      const commands = db
        .prepare("select count(*) as n from messages where kind = 'owner_command'")
        .get() as { n: number };
      expect(commands.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }

    // What contacts received: only words the owner approved — no [place]
    // left blind, and none of the owner's private notes.
    const outbox = path.join(dir, 'outbox');
    const notes = CAST.flatMap((m) => (m.notes ? [m.notes.note] : []));
    let toContacts = 0;
    for (const file of readdirSync(outbox).filter((f) => f.endsWith('.eml'))) {
      const mail = await simpleParser(readFileSync(path.join(outbox, file)));
      const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).map((a) => a?.text ?? '').join();
      if (to.includes('alex@example.org')) continue;
      toContacts += 1;
      const text = `${mail.subject ?? ''}\n${mail.text ?? ''}`;
      expect(text, file).not.toContain('[');
      for (const note of notes) expect(text, file).not.toContain(note.replace(/\.$/, ''));
    }
    expect(toContacts).toBeGreaterThan(10);

    // Running it again into the same dir starts over: the same story, not a doubled one.
    const second = await runCli(['demo', '--no-serve', '--data-dir', dir, '--now', NOW], {
      cwd,
      timeoutMs: 90_000,
    });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('replaced');
    const again = await exportOf(dir, cwd);
    expect(stageCounts(again)).toEqual(counts);
    expect(again.length).toBe(contacts.length);
  }, 240_000);

  it('refuses a folder that holds anything but an earlier demo', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'data');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'kith.sqlite'), 'real data');
    const result = await runCli(['demo', '--no-serve', '--data-dir', dir], {
      cwd,
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('holds no earlier kith demo');
  });
});
