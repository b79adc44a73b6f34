import { readdirSync, readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { canonicalAddress } from '../../src/pipeline/address.js';
import type { Classification } from '../../src/pipeline/classify.js';
import type { FailureSeverity } from '../../src/pipeline/failure-kind.js';
import { understand } from './corpus-context.js';

/**
 * kith's own delivery-report corpus (test/fixtures/bounces/): one template
 * per mail system and form, written for kith from what those systems send,
 * filled with each failure kind listed in systems.json and with rotating
 * recipients (some given in punycode, some in capitals, as reports do).
 * Delay warnings and human mail about failures sit in not-failures/. Every
 * case runs through prepareMail and classify, the path `kith ingest`
 * takes. Shared by the fixture test and `npm run bench:accuracy`.
 */

const DIR = new URL('../fixtures/bounces/', import.meta.url);

interface Failure {
  readonly status: string;
  readonly smtp: string;
  readonly diag: string;
  readonly action: string;
  readonly severity: FailureSeverity;
}

/** The failure kinds a template is filled with: status, the server's words, and the right verdict. */
const FAILURES: Readonly<Record<string, Failure>> = {
  user: {
    status: '5.1.1',
    smtp: '550',
    diag: 'Recipient address rejected: User unknown in virtual mailbox table',
    action: 'failed',
    severity: 'hard',
  },
  nouser: {
    status: '5.1.1',
    smtp: '550',
    diag: 'The email account that you tried to reach does not exist.',
    action: 'failed',
    severity: 'hard',
  },
  domain: {
    status: '5.4.4',
    smtp: '550',
    diag: 'Host or domain name not found. Name service error for type=MX: Host not found',
    action: 'failed',
    severity: 'hard',
  },
  disabled: {
    status: '5.2.1',
    smtp: '550',
    diag: 'Mailbox disabled, not accepting messages',
    action: 'failed',
    severity: 'hard',
  },
  full: {
    status: '5.2.2',
    smtp: '552',
    diag: 'Requested mail action aborted: mailbox full',
    action: 'failed',
    severity: 'soft',
  },
  spam: {
    status: '5.7.1',
    smtp: '554',
    diag: 'Message rejected as spam by Content Filtering.',
    action: 'failed',
    severity: 'soft',
  },
  rbl: {
    status: '5.7.1',
    smtp: '550',
    diag: 'Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
    action: 'failed',
    severity: 'soft',
  },
  big: {
    status: '5.3.4',
    smtp: '552',
    diag: 'Message size exceeds fixed maximum message size',
    action: 'failed',
    severity: 'soft',
  },
  policy: {
    status: '5.7.1',
    smtp: '550',
    diag: 'Delivery not authorized, message refused',
    action: 'failed',
    severity: 'soft',
  },
  greylist: {
    status: '4.7.1',
    smtp: '450',
    diag: 'Greylisted, please try again in 300 seconds',
    action: 'failed',
    severity: 'soft',
  },
  expired: {
    status: '4.4.7',
    smtp: '421',
    diag: 'Delivery expired: retry timeout exceeded, mx not answering',
    action: 'expired',
    severity: 'soft',
  },
};

/** Contacts as kith stores them (Unicode domains), and how reports may write them. */
const PEOPLE: readonly { name: string; stored: string; inReport: string }[] = [
  person('Ana Silva', 'ana.silva@acme.com', 'ana.silva@acme.com'),
  person('Bob Jones', 'bob.jones@globex.com', 'Bob.Jones@Globex.COM'),
  person('Jürgen Brandt', 'juergen@bücher.de', `juergen@${domainToASCII('bücher.de')}`),
  person('Chen Li', 'chen.li@example.cn', 'chen.li@example.cn'),
  person("Maeve O'Neil", 'm.oneil@tara.example.ie', 'M.ONeil@tara.example.ie'),
  person('Elif Kaya', 'elif@şirket.com.tr', `elif@${domainToASCII('şirket.com.tr')}`),
  person('Dara Kim', 'dara.kim@sub.mail.example.co.uk', 'dara.kim@sub.mail.example.co.uk'),
  person('Lena Berg', 'lena+jobs@example.se', 'lena+jobs@example.se'),
];

function person(name: string, stored: string, inReport: string) {
  return { name, stored, inReport };
}

const SECOND = person('Femi Ade', 'femi.ade@initrode.example', 'femi.ade@initrode.example');

export interface BounceCase {
  readonly name: string;
  readonly system: string;
  readonly kind: string;
  readonly raw: Buffer;
  /** Canonical addresses the report says failed; empty for a delay warning or human mail. */
  readonly failed: readonly string[];
  readonly severity: FailureSeverity | null;
}

interface SystemEntry {
  readonly system: string;
  readonly kinds: readonly string[];
  readonly recipients?: number;
}

export function loadBounceCorpus(): BounceCase[] {
  const systems = JSON.parse(readFileSync(new URL('systems.json', DIR), 'utf8')) as Record<
    string,
    SystemEntry | string
  >;
  const cases: BounceCase[] = [];
  let n = 0;
  for (const [file, entry] of Object.entries(systems)) {
    if (typeof entry === 'string') continue;
    const template = readFileSync(new URL(file, DIR), 'utf8');
    for (const kind of entry.kinds) {
      const failure = FAILURES[kind];
      if (!failure) throw new Error(`${file}: unknown failure kind ${kind}`);
      n += 1;
      const first = PEOPLE[n % PEOPLE.length] as (typeof PEOPLE)[number];
      const second = entry.recipients === 2 ? SECOND : null;
      cases.push({
        name: `${file.replace(/\.eml$/, '')}.${kind}`,
        system: entry.system,
        kind,
        raw: Buffer.from(fill(template, failure, first, second, n), 'utf8'),
        failed: [first, ...(second ? [second] : [])].map((p) => canonicalAddress(p.stored)),
        severity: failure.severity,
      });
    }
  }
  const others = new URL('not-failures/', DIR);
  for (const file of readdirSync(others)
    .filter((f) => f.endsWith('.eml'))
    .sort()) {
    cases.push({
      name: `not-failures/${file.replace(/\.eml$/, '')}`,
      system: 'not a failure',
      kind: file.startsWith('human') ? 'human mail' : 'delay or success',
      raw: readFileSync(new URL(file, others)),
      failed: [],
      severity: null,
    });
  }
  return cases;
}

function fill(
  template: string,
  failure: Failure,
  first: { name: string; inReport: string },
  second: { name: string; inReport: string } | null,
  n: number,
): string {
  const domainOf = (a: string) => a.split('@')[1] ?? '';
  const values: Record<string, string> = {
    RCPT: first.inReport,
    RCPT_LOCAL: first.inReport.split('@')[0] ?? '',
    RCPT_DOMAIN: domainOf(first.inReport),
    RCPT_NAME: first.name,
    RCPT2: second?.inReport ?? '',
    RCPT2_DOMAIN: second ? domainOf(second.inReport) : '',
    STATUS: failure.status,
    SMTP: failure.smtp,
    DIAG: failure.diag,
    ACTION: failure.action,
    SUBJECT: 'Coffee chat about product roles?',
    DATE: `Tue, ${1 + (n % 27)} Dec 2026 09:${String(n % 60).padStart(2, '0')}:00 +0100`,
    N: String(1000 + n),
  };
  return template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export interface BounceOutcome {
  readonly case: BounceCase;
  readonly classification: Classification;
  readonly recognised: boolean;
  /** Every failed address found, and nothing else. */
  readonly addressesRight: boolean;
  readonly severityRight: boolean;
  readonly got: string;
}

/** One case through prepareMail and classify, with a context like the ingest adapter's. */
export async function runBounceCase(c: BounceCase): Promise<BounceOutcome> {
  const { classification } = await understand(c.raw);
  const bounce = classification.kind === 'bounce' ? classification : null;
  const found = bounce?.recipients.map((r) => r.address).sort() ?? [];
  const expectedFailure = c.failed.length > 0;
  const recognised = expectedFailure ? bounce !== null : bounce === null;
  const addressesRight =
    !expectedFailure || JSON.stringify(found) === JSON.stringify([...c.failed].sort());
  const severityRight =
    !expectedFailure ||
    (bounce !== null &&
      c.failed.every(
        (a) => bounce.recipients.find((r) => r.address === a)?.severity === c.severity,
      ));
  const got = bounce
    ? bounce.recipients.map((r) => `${r.address} ${r.severity} (${r.reason})`).join(', ') ||
      'bounce with no address'
    : `${classification.kind}${'reason' in classification ? `: ${classification.reason}` : ''}`;
  return { case: c, classification, recognised, addressesRight, severityRight, got };
}
