/**
 * Punycode (RFC 3492) for domain labels, written here because the pure core
 * may not import node:url. Together with lower-casing and NFC this is the
 * part of IDNA that mail addresses need: `xn--bcher-kva.de` ↔ `bücher.de`.
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const ACE_PREFIX = 'xn--';

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function threshold(k: number, bias: number): number {
  if (k <= bias) return T_MIN;
  if (k >= bias + T_MAX) return T_MAX;
  return k - bias;
}

function digitOf(code: number): number {
  if (code >= 48 && code <= 57) return code - 22;
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 97;
  return BASE;
}

function charOf(digit: number): string {
  return String.fromCharCode(digit < 26 ? digit + 97 : digit + 22);
}

/** The Unicode of one punycode label (without `xn--`); null when it is not valid punycode. */
function decodeLabel(input: string): string | null {
  const out: number[] = [];
  const delimiter = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(delimiter, 0); j += 1) {
    const code = input.charCodeAt(j);
    if (code >= 0x80) return null;
    out.push(code);
  }
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  let at = delimiter > 0 ? delimiter + 1 : 0;
  while (at < input.length) {
    const old = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return null;
      const digit = digitOf(input.charCodeAt(at));
      at += 1;
      if (digit >= BASE) return null;
      i += digit * w;
      const t = threshold(k, bias);
      if (digit < t) break;
      w *= BASE - t;
      if (!Number.isSafeInteger(i) || !Number.isSafeInteger(w)) return null;
    }
    bias = adapt(i - old, out.length + 1, old === 0);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > 0x10ffff) return null;
    out.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...out);
}

/** The punycode of one Unicode label (without `xn--`). */
function encodeLabel(input: string): string {
  const points = [...input].map((c) => c.codePointAt(0) as number);
  let output = points
    .filter((c) => c < 0x80)
    .map((c) => String.fromCharCode(c))
    .join('');
  const basic = output.length;
  let handled = basic;
  if (basic > 0) output += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < points.length) {
    const m = Math.min(...points.filter((c) => c >= n));
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of points) {
      if (c < n) delta += 1;
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias);
        if (q < t) break;
        output += charOf(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += charOf(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled += 1;
    }
    delta += 1;
    n += 1;
  }
  return output;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range is meant
const PLAIN_ASCII = /^[\x00-\x7f]*$/;

/** A domain with every `xn--` label in Unicode, lower-cased and NFC; a bad label stays as written. */
export function domainToUnicode(domain: string): string {
  // Nearly every domain is plain ASCII without an ACE label: lower-casing is all it needs.
  if (PLAIN_ASCII.test(domain)) {
    const lower = domain.toLowerCase();
    if (!lower.includes(ACE_PREFIX)) return lower;
  }
  return domain
    .normalize('NFC')
    .toLowerCase()
    .split('.')
    .map((label) => {
      if (!label.startsWith(ACE_PREFIX)) return label;
      const decoded = decodeLabel(label.slice(ACE_PREFIX.length));
      return decoded === null || decoded === '' ? label : decoded.normalize('NFC').toLowerCase();
    })
    .join('.');
}

/** A domain with every non-ASCII label in punycode (`xn--…`), as DNS and SMTP carry it. */
export function domainToAscii(domain: string): string {
  return domainToUnicode(domain)
    .split('.')
    .map((label) =>
      [...label].every((c) => c.charCodeAt(0) < 0x80) ? label : ACE_PREFIX + encodeLabel(label),
    )
    .join('.');
}
