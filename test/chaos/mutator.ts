import { rng } from './corpus.js';

/**
 * A seeded, deterministic mail mutator for the bad-mail suite. Each message
 * starts as a plausible reply from a known contact (so it travels the whole
 * ingest path, not only the "unrelated" exit) and gets one or more faults.
 */

export const MUTATIONS = [
  'truncated',
  'wrong-boundary',
  'bad-base64',
  'bad-qp',
  'unknown-charset',
  'lying-charset',
  'nul-bytes',
  'garbage-headers',
  'no-message-id',
  'broken-encoded-words',
  'mixed',
] as const;
export type Mutation = (typeof MUTATIONS)[number] | 'huge-header' | 'deep-nesting';

const CRLF = '\r\n';

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function headers(i: number, from: string, inReplyTo: string, extra: string[] = []): string[] {
  return [
    `From: Contact ${i} <${from}>`,
    'To: sam.owner@example.org',
    `Subject: Re: Twenty minutes #${i}`,
    `Date: Tue, 01 Dec 2026 10:${String(i % 60).padStart(2, '0')}:00 +0100`,
    `Message-ID: <mutant-${i}@fuzz.example>`,
    `In-Reply-To: <${inReplyTo}>`,
    'MIME-Version: 1.0',
    ...extra,
  ];
}

function multipart(boundary: string, declared: string, parts: string[]): string[] {
  return [
    `Content-Type: multipart/mixed; boundary="${declared}"`,
    '',
    'This is a multi-part message in MIME format.',
    ...parts.flatMap((p) => [`--${boundary}`, p]),
    `--${boundary}--`,
    '',
  ];
}

function base64Garbage(random: () => number, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!@#%*~ ';
  let out = '';
  for (let i = 0; i < length; i++) {
    out += pick(random, alphabet.split(''));
    if (i % 76 === 75) out += CRLF;
  }
  return out;
}

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** One mutated message; `contact` is a known address and `ref` the outreach it answers. */
export function mutate(
  i: number,
  kind: (typeof MUTATIONS)[number],
  random: () => number,
  contact: { address: string; ref: string },
): Buffer {
  const h = (extra: string[] = []) => headers(i, contact.address, contact.ref, extra);
  const text = 'Happy to talk next week. What would you like to know?';
  switch (kind) {
    case 'truncated': {
      const full = Buffer.from(
        [
          ...h(),
          ...multipart('b1', 'b1', [
            `Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}${text}`,
            `Content-Type: application/pdf; name="cv.pdf"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${Buffer.from(randomBytes(random, 3000)).toString('base64')}`,
          ]),
        ].join(CRLF),
      );
      return full.subarray(0, Math.floor(random() * full.length));
    }
    case 'wrong-boundary':
      return Buffer.from(
        [
          ...h(),
          ...multipart('actual-boundary', pick(random, ['declared-other', '', '"', 'b"; x=1']), [
            `Content-Type: text/plain${CRLF}${CRLF}${text}`,
            `Content-Type: text/html${CRLF}${CRLF}<p>${text}</p>`,
          ]),
        ].join(CRLF),
      );
    case 'bad-base64':
      return Buffer.from(
        [
          ...h(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64']),
          '',
          base64Garbage(random, 200 + Math.floor(random() * 2000)),
        ].join(CRLF),
      );
    case 'bad-qp':
      return Buffer.from(
        [
          ...h([
            'Content-Type: text/plain; charset=utf-8',
            'Content-Transfer-Encoding: quoted-printable',
          ]),
          '',
          `${text} =ZZ =4 =\u00ff=${'=0'.repeat(Math.floor(random() * 50))} soft=${CRLF}break=`,
          `${'x'.repeat(Math.floor(random() * 3000))}=`,
        ].join(CRLF),
      );
    case 'unknown-charset':
      return Buffer.concat([
        Buffer.from(
          [
            ...h([
              `Content-Type: text/plain; charset="${pick(random, ['x-unknown-42', 'utf-99', 'klingon', '', 'utf-8"; charset=latin1'])}"`,
            ]),
            '',
            '',
          ].join(CRLF),
        ),
        randomBytes(random, 500),
      ]);
    case 'lying-charset':
      return Buffer.concat([
        Buffer.from(
          [
            ...h([
              `Content-Type: text/plain; charset=${pick(random, ['utf-8', 'iso-2022-jp', 'shift_jis', 'utf-16', 'us-ascii', 'gb18030'])}`,
              'Content-Transfer-Encoding: 8bit',
            ]),
            '',
            '',
          ].join(CRLF),
        ),
        Buffer.from('Gr\xfc\xdfe aus M\xfcnchen, sch\xf6ne W\xfcnsche ', 'latin1'),
        randomBytes(random, 200),
      ]);
    case 'nul-bytes': {
      const raw = Buffer.from([...h(['Content-Type: text/plain']), '', text].join(CRLF));
      for (let k = 0; k < 5; k++) raw[Math.floor(random() * raw.length)] = 0;
      return raw;
    }
    case 'garbage-headers':
      return Buffer.from(
        [
          ...h(),
          'this line has no colon',
          ': empty name',
          `X-Weird: ${'\t'.repeat(20)}`,
          'Content-Type: text/plain; ; ; charset',
          'Date: not a date at all',
          'From: <<<>>>@@',
          '',
          text,
        ].join(CRLF),
      );
    case 'no-message-id':
      return Buffer.from(
        [
          ...h(['Content-Type: text/plain']).filter((l) => !l.startsWith('Message-ID')),
          '',
          `${text} (${i})`,
        ].join(CRLF),
      );
    case 'broken-encoded-words':
      return Buffer.from(
        [
          ...h(['Content-Type: text/plain']).map((l) =>
            l.startsWith('Subject')
              ? `Subject: =?utf-8?B?${base64Garbage(random, 30).replace(/\r\n/g, '')}?= =?x-bad?Q?=FF=FE?= =?utf-8?Q?`
              : l,
          ),
          '',
          text,
        ].join(CRLF),
      );
    case 'mixed': {
      const order = [...MUTATIONS.filter((m) => m !== 'mixed')];
      const first = mutate(i, pick(random, order), random, contact);
      const cut = Math.floor(random() * first.length);
      return Buffer.concat([first.subarray(0, cut), randomBytes(random, 64), first.subarray(cut)]);
    }
  }
}

/** A message with one header line of `bytes` bytes. */
export function hugeHeader(i: number, contact: { address: string; ref: string }, bytes: number) {
  return Buffer.from(
    [
      ...headers(i, contact.address, contact.ref, ['Content-Type: text/plain']),
      `X-Huge: ${'a'.repeat(bytes)}`,
      '',
      'Short body.',
    ].join(CRLF),
  );
}

/** `depth` multiparts nested inside each other, text at the bottom. */
export function deepNesting(i: number, contact: { address: string; ref: string }, depth: number) {
  const lines: string[] = [...headers(i, contact.address, contact.ref)];
  lines.push('Content-Type: multipart/mixed; boundary="n0"', '');
  for (let d = 1; d < depth; d++) {
    lines.push(`--n${d - 1}`, `Content-Type: multipart/mixed; boundary="n${d}"`, '');
  }
  lines.push(`--n${depth - 1}`, 'Content-Type: text/plain', '', 'At the bottom.');
  for (let d = depth - 1; d >= 0; d--) lines.push(`--n${d}--`);
  return Buffer.from(lines.join(CRLF));
}

/** A 50 MB message: a reply with one big base64 attachment. */
export function hugeAttachment(i: number, contact: { address: string; ref: string }): Buffer {
  const head = [
    ...headers(i, contact.address, contact.ref),
    'Content-Type: multipart/mixed; boundary="big"',
    '',
    '--big',
    'Content-Type: text/plain',
    '',
    'The recording is attached.',
    '--big',
    'Content-Type: video/mp4; name="talk.mp4"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join(CRLF);
  const line = `${'QUJD'.repeat(19)}${CRLF}`;
  const body = Buffer.from(line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)));
  return Buffer.concat([Buffer.from(head), body, Buffer.from(`${CRLF}--big--${CRLF}`)]);
}

export { rng };
