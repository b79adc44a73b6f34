import { domainToASCII, domainToUnicode as nodeToUnicode } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addressForms, asciiDomain, canonicalAddress } from '../../src/pipeline/address.js';
import { domainToAscii, domainToUnicode } from '../../src/pipeline/punycode.js';

describe('canonicalAddress', () => {
  it('lower-cases, drops brackets and mailto:, and writes the domain in Unicode', () => {
    expect(canonicalAddress(' <Ana.Lima@ACME.com> ')).toBe('ana.lima@acme.com');
    expect(canonicalAddress('MAILTO:Bob@Example.COM.')).toBe('bob@example.com');
    expect(canonicalAddress('Juergen@XN--BCHER-KVA.DE')).toBe('juergen@bücher.de');
    expect(canonicalAddress('juergen@Bücher.de')).toBe('juergen@bücher.de');
    expect(canonicalAddress('not an address')).toBe('not an address');
  });

  it('gives the punycode spelling older rows may hold, and the domain as SMTP writes it', () => {
    expect(addressForms('elif@şirket.com.tr')).toEqual([
      'elif@şirket.com.tr',
      'elif@xn--irket-idb.com.tr',
    ]);
    expect(addressForms('ana@acme.com')).toEqual(['ana@acme.com']);
    expect(asciiDomain('ana@bücher.de')).toBe('xn--bcher-kva.de');
  });
});

describe('punycode', () => {
  it('agrees with Node’s IDNA both ways on scripts mail meets', () => {
    for (const domain of [
      'bücher.de',
      'şirket.com.tr',
      'пример.рф',
      '例え.テスト',
      'ελληνικά.gr',
      'ドメイン名例.jp',
      'café.example',
      'example.com',
    ]) {
      const ascii = domainToASCII(domain);
      expect(domainToAscii(domain)).toBe(ascii);
      expect(domainToUnicode(ascii)).toBe(nodeToUnicode(ascii));
    }
  });

  it('leaves a label that is not valid punycode as written', () => {
    expect(domainToUnicode('xn--!!.example')).toBe('xn--!!.example');
  });
});
