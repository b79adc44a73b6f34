/**
 * Deterministic mail for the chaos suites: a seeded PRNG and a backfill
 * corpus (outreach with kith in Bcc, replies, unrelated newsletters), so
 * two runs over the same corpus must give byte-identical exports.
 */

export const OWNER = 'sam.owner@example.org';
export const SERVICE = 'sam.owner+kith@example.org';
export const SECRET = 'chaos-test-secret-0123456789-abcdefghijkl';

/** mulberry32: small, fast and the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function mail(headers: Record<string, string>, body: string): string {
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return `${head}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;
}

/**
 * `total` messages in delivery order: for every 5, one outreach, one or
 * two replies to it and the rest unrelated mail. Dates run one minute apart
 * from `start`, so each message has its own, fixed time.
 */
export function* backfillCorpus(total: number, start: Date): Generator<string> {
  const random = rng(7);
  let n = 0;
  let person = 0;
  const at = () => rfc2822(new Date(start.getTime() + n * 60_000));
  const people: { address: string; outreachId: string }[] = [];
  while (n < total) {
    const slot = n % 5;
    if (slot === 0) {
      person += 1;
      const address = `person${person}@company${person % 37}.example`;
      const outreachId = `outreach-${person}@example.org`;
      people.push({ address, outreachId });
      yield mail(
        {
          // The DKIM pass the owner's provider prepends to a BCC copy: From: alone proves nothing.
          'Authentication-Results': 'mx.example.org; dkim=pass header.d=example.org',
          From: `Sam Owner <${OWNER}>`,
          To: `Person ${person} <${address}>`,
          Bcc: SERVICE,
          Subject: `Twenty minutes about your work at company ${person % 37}?`,
          Date: at(),
          'Message-ID': `<${outreachId}>`,
        },
        `Hi Person ${person},\n\nI am moving into data work and would value 20 minutes of advice.\n\nSam`,
      );
    } else if (slot === 1 || (slot === 2 && random() < 0.5)) {
      // A reply to an earlier outreach (sometimes an older one, so threads interleave).
      const back = Math.min(people.length - 1, Math.floor(random() * 4));
      const p = people[people.length - 1 - back] as { address: string; outreachId: string };
      const words = random() < 0.15 ? 'Sorry, I cannot help at the moment.' : 'Happy to chat!';
      yield mail(
        {
          From: `Someone <${p.address}>`,
          To: OWNER,
          Subject: 'Re: Twenty minutes',
          Date: at(),
          'Message-ID': `<reply-${n}@${p.address.split('@')[1]}>`,
          'In-Reply-To': `<${p.outreachId}>`,
          References: `<${p.outreachId}>`,
        },
        `${words}\n\nOn an earlier day Sam wrote:\n> I am moving into data work`,
      );
    } else {
      yield mail(
        {
          From: `News <news${n % 11}@shop.example>`,
          To: OWNER,
          Subject: `Weekly offers #${n}`,
          Date: at(),
          'Message-ID': `<news-${n}@shop.example>`,
        },
        'Nothing kith needs to read.',
      );
    }
    n += 1;
  }
}
