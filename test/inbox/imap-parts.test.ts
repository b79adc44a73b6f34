import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assembleParts,
  fetchCommands,
  isReadPart,
  type PartPlans,
  planPartFetch,
} from '../../src/inbox/imap-parts.js';
import { parseMail } from '../../src/inbox/parse.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { repoRoot } from '../helpers/run-cli.js';
import { buildMail } from './build-mail.js';

const leaf = (
  part: string,
  type: string,
  extra: Partial<MessageStructureObject> = {},
): MessageStructureObject => ({ part, type, size: 100, ...extra });

const multipart = (
  part: string | undefined,
  type: string,
  childNodes: MessageStructureObject[],
): MessageStructureObject => ({
  ...(part ? { part } : {}),
  type,
  parameters: { boundary: `b-${part ?? 'root'}` },
  childNodes,
});

describe('planPartFetch', () => {
  it('fetches the text, calendar and report parts, and leaves attachments out', () => {
    const structure = multipart(undefined, 'multipart/mixed', [
      multipart('1', 'multipart/alternative', [
        leaf('1.1', 'text/plain'),
        leaf('1.2', 'text/html'),
      ]),
      leaf('2', 'application/pdf', { size: 500_000, disposition: 'attachment' }),
      leaf('3', 'application/octet-stream', { dispositionParameters: { filename: 'invite.ics' } }),
      leaf('4', 'text/plain', { size: 40_000, disposition: 'attachment' }),
      leaf('5', 'message/rfc822'),
    ]);
    expect(planPartFetch(structure)).toEqual({
      sections: ['1.MIME', '1.1.MIME', '1.1', '1.2.MIME', '1.2', '3.MIME', '3', '5.MIME', '5'],
      skippedBytes: 540_000,
      keptBytes: 400,
    });
  });

  it('fetches whole what is not multipart, lacks a boundary, or saves too little', () => {
    expect(planPartFetch(leaf('1', 'application/pdf', { size: 900_000 }))).toBeNull();
    const noBoundary: MessageStructureObject = {
      type: 'multipart/mixed',
      childNodes: [leaf('1', 'text/plain'), leaf('2', 'image/png', { size: 900_000 })],
    };
    expect(planPartFetch(noBoundary)).toBeNull();
    const smallImage = multipart(undefined, 'multipart/related', [
      leaf('1', 'text/html'),
      leaf('2', 'image/png', { size: 4_000 }),
    ]);
    expect(planPartFetch(smallImage)).toBeNull();
    expect(planPartFetch(smallImage, 0)?.sections).toEqual(['1.MIME', '1']);
  });

  it('reads inline text and reports, not attached text files or images', () => {
    expect(isReadPart(leaf('1', 'TEXT/PLAIN'))).toBe(true);
    expect(isReadPart(leaf('1', 'text/html', { disposition: 'inline' }))).toBe(true);
    expect(isReadPart(leaf('1', 'message/delivery-status'))).toBe(true);
    expect(isReadPart(leaf('1', 'text/calendar', { disposition: 'attachment' }))).toBe(true);
    expect(isReadPart(leaf('1', 'text/plain', { disposition: 'attachment' }))).toBe(false);
    expect(isReadPart(leaf('1', 'image/jpeg', { disposition: 'inline' }))).toBe(false);
  });
});

describe('fetchCommands', () => {
  it('fetches the whole mail in one FETCH and mail of one layout in parts in another', () => {
    const structure = multipart(undefined, 'multipart/mixed', [leaf('1', 'text/plain')]);
    const textAndFile = { sections: ['1.MIME', '1'], skippedBytes: 90_000, keptBytes: 100 };
    const nested = {
      sections: ['1.MIME', '1.1.MIME', '1.1'],
      skippedBytes: 90_000,
      keptBytes: 100,
    };
    const plans: PartPlans = new Map([
      [2, { plan: textAndFile, structure }],
      [4, { plan: nested, structure }],
      [5, { plan: textAndFile, structure }],
    ]);
    expect(fetchCommands([1, 2, 3, 4, 5, 6], plans)).toEqual([
      { kind: 'whole', uids: [1, 3, 6] },
      { kind: 'parts', uids: [2, 5], sections: ['1.MIME', '1'] },
      { kind: 'parts', uids: [4], sections: ['1.MIME', '1.1.MIME', '1.1'] },
    ]);
    expect(fetchCommands([], plans)).toEqual([]);
  });
});

describe('assembleParts', () => {
  it('gives up when the answer lacks a section the plan asked for', () => {
    const structure = multipart(undefined, 'multipart/mixed', [
      leaf('1', 'text/plain'),
      leaf('2', 'image/png', { size: 900_000 }),
    ]);
    const header = Buffer.from('Subject: x\r\n\r\n');
    const mime = Buffer.from('Content-Type: text/plain\r\n\r\n');
    expect(assembleParts(structure, header, new Map([['1.mime', mime]]))).toBeUndefined();
    const whole = assembleParts(
      structure,
      header,
      new Map([
        ['1.mime', mime],
        ['1', Buffer.from('Hi')],
      ]),
    );
    expect(whole?.toString()).toBe(
      'Subject: x\r\n\r\n--b-root\r\nContent-Type: text/plain\r\n\r\nHi\r\n--b-root--\r\n',
    );
  });
});

describe('mail rebuilt from the parts Dovecot returns', () => {
  let dovecot: DovecotServer;
  let client: ImapFlow;
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await client?.logout();
    await dovecot?.close();
  });

  it('parses exactly like the whole mail, for every multipart fixture', async () => {
    const dirs = ['test/fixtures/mail', 'test/fixtures/mail/ingest'];
    const files = dirs.flatMap((dir) =>
      readdirSync(path.join(repoRoot, dir))
        .filter((name) => name.endsWith('.eml'))
        .map((name) => path.join(repoRoot, dir, name)),
    );
    const nested = buildMail({
      from: 'ana@contact.example',
      to: ['owner@example.org'],
      text: 'See the photo.',
      parts: [
        {
          headers: 'Content-Type: image/png\nContent-Transfer-Encoding: base64',
          body: 'iVBORw0KGgo=',
        },
      ],
    });
    const user = dovecot.newUser();
    dovecot.writeMaildir(user, 'INBOX', [...files.map((f) => readFileSync(f)), nested]);
    client = await dovecot.connect(user);
    await client.mailboxOpen('INBOX', { readOnly: true });
    const structures = new Map<number, MessageStructureObject>();
    for await (const m of client.fetch('1:*', { uid: true, bodyStructure: true }, { uid: true })) {
      if (m.bodyStructure) structures.set(m.uid, m.bodyStructure);
    }
    const receivedAt = new Date('2026-12-05T08:00:00Z');
    let compared = 0;
    for (const [uid, structure] of structures) {
      // Every multipart mail, even with nothing worth leaving out, to test the rebuilding.
      const plan = planPartFetch(structure, 0);
      if (!plan) continue;
      // fetchOne answers false for a UID it did not find.
      const parts =
        (await client.fetchOne(
          String(uid),
          { uid: true, headers: true, bodyParts: [...plan.sections] },
          { uid: true },
        )) || undefined;
      const whole =
        (await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true })) ||
        undefined;
      if (!parts?.headers || !parts.bodyParts || !whole?.source) {
        throw new Error(`message ${uid} could not be fetched`);
      }
      const rebuilt = assembleParts(structure, parts.headers, parts.bodyParts);
      expect(rebuilt, `message ${uid}`).toBeDefined();
      const fromParts = await parseMail(rebuilt as Buffer, { receivedAt });
      const fromWhole = await parseMail(whole.source, { receivedAt });
      // A synthesized Message-ID hashes the bytes, which differ; everything else must not.
      const comparable = (m: typeof fromParts) => ({
        ...m,
        messageId: m.hasMessageId ? m.messageId : 'synthesized',
      });
      expect(comparable(fromParts), `message ${uid}`).toEqual(comparable(fromWhole));
      compared += 1;
    }
    // Invites, bounces, HTML with inline images, the attachment above: all multipart.
    expect(compared).toBeGreaterThanOrEqual(12);
  });
});
