import { domainToAscii, domainToUnicode } from './punycode.js';

/**
 * The one form kith compares and stores mail addresses in: trimmed, without
 * angle brackets or a `mailto:`, lower-case, and the domain in Unicode after
 * a round trip through IDNA. Mail systems write an internationalised domain
 * either way (`bücher.de` in a contact card, `xn--bcher-kva.de` in a
 * delivery report); both must reach the same contact. The Unicode form is
 * the one people read, and the one rows written before this rule hold.
 */
export function canonicalAddress(raw: string): string {
  const trimmed = raw
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<|>$/g, '')
    .trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return trimmed.toLowerCase();
  const local = trimmed.slice(0, at).toLowerCase();
  return `${local}@${canonicalDomain(trimmed.slice(at + 1))}`;
}

/** A domain lower-cased, without a trailing dot, and in Unicode. */
function canonicalDomain(raw: string): string {
  return domainToUnicode(raw.trim().replace(/\.$/, ''));
}

/** The domain as DNS and SMTP carry it (punycode), for telling the owner which server spoke. */
export function asciiDomain(address: string): string {
  return domainToAscii(canonicalAddress(address).split('@')[1] ?? '');
}

/**
 * The spellings a stored row may have for one address: the canonical one,
 * and the punycode one rows written before this rule may hold.
 */
export function addressForms(raw: string): string[] {
  const canonical = canonicalAddress(raw);
  const at = canonical.lastIndexOf('@');
  if (at <= 0) return [canonical];
  const ascii = `${canonical.slice(0, at)}@${domainToAscii(canonical.slice(at + 1))}`;
  return ascii === canonical ? [canonical] : [canonical, ascii];
}
