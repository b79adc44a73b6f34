/**
 * Whether mail that claims to be the owner's is proven to be: pure rules on
 * where the mail was read and on the receiving provider's
 * Authentication-Results header (RFC 8601). Anyone can write the owner's
 * address into From; only these say the owner really sent it.
 */

/** Where a source read the mail, as far as trust goes. */
export type MailOrigin =
  /** The IMAP \Sent mailbox: only the owner's own client puts mail there. */
  | 'sent'
  /** Any other IMAP mailbox (INBOX): anyone can deliver there. */
  | 'mailbox'
  /** A local Maildir or a file fed to `kith ingest`: placed by someone with the owner's files. */
  | 'local';

/** One `method=result ptype.property=value …` statement of an Authentication-Results header. */
interface AuthResult {
  /** Lower-case, without a version: dkim, spf, dmarc, arc, … */
  readonly method: string;
  /** Lower-case: pass, fail, none, … */
  readonly result: string;
  /** Lower-case keys (`header.d`, `header.from`, `reason`, …); values unquoted, case kept. */
  readonly properties: Readonly<Record<string, string>>;
}

export interface AuthenticationResults {
  /** Who evaluated (the receiving provider), lower-case; null when the header names none (Microsoft 365). */
  readonly authservId: string | null;
  readonly results: readonly AuthResult[];
}

export type OwnerProof =
  | { readonly proven: true; readonly by: 'sent' | 'dkim' | 'dmarc' | 'local' }
  | {
      readonly proven: false;
      /**
       * `wait`: the same mail may still prove itself (its Sent copy has not been read yet);
       * `refuse`: the header that came with it says it is not the owner's.
       */
      readonly verdict: 'wait' | 'refuse';
      readonly reason: string;
    };

/** The reason text of mail waiting for its Sent copy; also how such rows are recognized. */
export const WAITING_FOR_PROOF = 'waiting for its Sent copy or a DKIM pass';

/**
 * Whose Authentication-Results count for mail read from an IMAP mailbox.
 * `topmost`: the first header, whoever wrote it — for providers that always
 * prepend their own (Gmail, Fastmail, Microsoft 365, iCloud), so anything a
 * sender wrote sits below it. A name: every header whose authserv-id is that
 * name or ends in it (IMAP_AUTHSERV_ID, for a server of one's own). `none`:
 * no header counts, because a server that adds none leaves a sender's forged
 * one on top; such mail waits for its Sent copy.
 */
export type TrustedReceiver =
  | { readonly kind: 'topmost' }
  | { readonly kind: 'named'; readonly authservId: string }
  | { readonly kind: 'none' };

/**
 * Decides whether mail from `sender` (an owner address) is proven the
 * owner's. `authenticationResults` are all of the mail's
 * Authentication-Results headers, topmost first; `receiver` says which of
 * them speak for the owner's provider (local files: the topmost, as for a
 * provider that always adds one).
 */
export function proveOwnerMail(input: {
  readonly origin: MailOrigin;
  readonly sender: string;
  readonly authenticationResults: readonly string[];
  readonly receiver: TrustedReceiver;
}): OwnerProof {
  if (input.origin === 'sent') return { proven: true, by: 'sent' };
  const domain = domainOf(input.sender);
  const headers = input.authenticationResults;
  const receiver: TrustedReceiver = input.origin === 'local' ? { kind: 'topmost' } : input.receiver;
  if (domain) {
    for (const parsed of trustedHeaders(headers, receiver)) {
      const by = passFor(parsed, domain);
      if (by) return { proven: true, by };
    }
  }
  if (input.origin === 'local') {
    // A file without the header was put there by hand or by a local
    // delivery that checks nothing: the no-account setup, taken on trust.
    // A file with one is a copy of a provider's mailbox, and must pass.
    if (headers.length === 0) return { proven: true, by: 'local' };
    return {
      proven: false,
      verdict: 'refuse',
      reason: `it claims to be from ${input.sender}, but its Authentication-Results show no DKIM or DMARC pass for ${domain || 'that address'}`,
    };
  }
  const why =
    headers.length === 0
      ? 'carries no Authentication-Results'
      : receiver.kind === 'none'
        ? 'its Authentication-Results cannot be told from a forged one (set IMAP_AUTHSERV_ID to the name your server writes in them)'
        : `its Authentication-Results show no DKIM or DMARC pass for ${domain || 'that address'}`;
  return {
    proven: false,
    verdict: 'wait',
    reason: `${WAITING_FOR_PROOF}: it claims to be from ${input.sender}, but it was read from the inbox and ${why}; kith acts on it once the same Message-ID shows up in the Sent folder`,
  };
}

/** The parsed headers that speak for the receiving provider. */
function trustedHeaders(
  headers: readonly string[],
  receiver: TrustedReceiver,
): AuthenticationResults[] {
  if (receiver.kind === 'none') return [];
  const parsed = (receiver.kind === 'topmost' ? headers.slice(0, 1) : headers)
    .map(parseAuthenticationResults)
    .filter((p): p is AuthenticationResults => p !== null);
  if (receiver.kind === 'topmost') return parsed;
  const id = receiver.authservId.toLowerCase();
  return parsed.filter(
    (p) => p.authservId !== null && (p.authservId === id || p.authservId.endsWith(`.${id}`)),
  );
}

/** Which passing result proves the owner's domain, if any. */
function passFor(parsed: AuthenticationResults, ownerDomain: string): 'dkim' | 'dmarc' | null {
  for (const r of parsed.results) {
    if (r.method !== 'dkim' || r.result !== 'pass') continue;
    const signer = r.properties['header.d'] ?? domainOf(r.properties['header.i'] ?? '');
    if (signer && coversDomain(signer.toLowerCase(), ownerDomain)) return 'dkim';
  }
  for (const r of parsed.results) {
    if (r.method !== 'dmarc' || r.result !== 'pass') continue;
    if (r.properties['header.from']?.toLowerCase() === ownerDomain) return 'dmarc';
  }
  return null;
}

/** A signature by `signer` speaks for `domain`: the same domain or a parent of it. */
function coversDomain(signer: string, domain: string): boolean {
  const d = signer.replace(/\.$/, '');
  // A one-label "parent" (a top-level domain) speaks for no one.
  if (!d.includes('.')) return false;
  return domain === d || domain.endsWith(`.${d}`);
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1
    ? ''
    : address
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/**
 * Parses one Authentication-Results value. Tolerant: comments are dropped,
 * unknown statements kept, and a header without an authserv-id (as
 * Microsoft 365 writes it) is read too. Null only when nothing in it reads
 * as a result. Total: never throws.
 */
export function parseAuthenticationResults(value: string): AuthenticationResults | null {
  const statements = splitOutsideQuotes(stripComments(value), ';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  let authservId: string | null = null;
  const first = statements[0];
  if (first !== undefined && !/^[^\s=]+\s*=/.test(first)) {
    authservId = first.split(/\s+/)[0]?.toLowerCase() ?? null;
    statements.shift();
  }
  const results: AuthResult[] = [];
  for (const statement of statements) {
    const pairs = [...statement.matchAll(PAIR)].map(
      (m) => [(m[1] as string).toLowerCase(), unquote(m[2] as string)] as const,
    );
    const [head, ...rest] = pairs;
    if (!head) continue;
    results.push({
      method: head[0].split('/')[0] as string,
      result: head[1].toLowerCase(),
      properties: Object.fromEntries(rest),
    });
  }
  if (authservId === null && results.length === 0) return null;
  return { authservId, results };
}

// `key = value`, the value a quoted string or a run up to white space.
const PAIR = /([^\s=]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/g;

function unquote(value: string): string {
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/** Removes (comments), nested ones too, but not parentheses inside quoted strings. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] as string;
    if (ch === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += ch + (value[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (depth === 0 && ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') {
      depth += 1;
      continue;
    }
    if (!quoted && ch === ')' && depth > 0) {
      depth -= 1;
      if (depth === 0) out += ' ';
      continue;
    }
    if (depth === 0) out += ch;
  }
  return out;
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] as string;
    if (ch === '\\' && quoted) {
      current += ch + (value[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}
