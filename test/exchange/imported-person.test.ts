import { describe, expect, it } from 'vitest';
import {
  isValidEmail,
  splitEmailList,
  toImportRow,
  toLinkedinUrl,
} from '../../src/exchange/imported-person.js';
import { joinName, splitName } from '../../src/exchange/person-name.js';

describe('imported person fields', () => {
  it.each([
    ['ana@example.com', true],
    ['ana.souza+kith@mail.example.co.uk', true],
    ['josé@exemplo.pt', true],
    ['dan-at-example.com', false],
    ['a b@example.com', false],
    ['ana@localhost', false],
    ['ana@@example.com', false],
    ['', false],
  ])('isValidEmail(%j) is %s', (value, expected) => {
    expect(isValidEmail(value)).toBe(expected);
  });

  it('splits address lists and unwraps names and mailto:', () => {
    expect(splitEmailList('a@x.org; Bee <b@y.org>, mailto:c@z.org;;')).toEqual([
      'a@x.org',
      'b@y.org',
      'c@z.org',
    ]);
    expect(splitEmailList(undefined)).toEqual([]);
  });

  it.each([
    ['https://www.linkedin.com/in/ana/', 'https://www.linkedin.com/in/ana'],
    ['http://linkedin.com/in/Ana?trk=x', 'https://www.linkedin.com/in/ana'],
    ['linkedin.com/in/ana', 'https://www.linkedin.com/in/ana'],
    ['https://de.linkedin.com/in/ana', 'https://www.linkedin.com/in/ana'],
    ['https://ana.example/about', null],
    ['https://notlinkedin.com/in/ana', null],
    ['', null],
  ])('toLinkedinUrl(%j) is %j', (value, expected) => {
    expect(toLinkedinUrl(value)).toBe(expected);
  });

  it('refuses a record without name, address or LinkedIn URL', () => {
    expect(toImportRow(3, { company: 'Acme', url: 'https://acme.example' })).toEqual({
      line: 3,
      error: 'no name, email address or LinkedIn URL',
    });
  });

  it('lower-cases and de-duplicates addresses and tidies spaces', () => {
    expect(toImportRow(2, { name: '  Ana\n Souza ', emails: ['Ana@X.org', 'ana@x.org'] })).toEqual({
      line: 2,
      person: {
        name: 'Ana Souza',
        emails: ['ana@x.org'],
        company: null,
        title: null,
        linkedinUrl: null,
        referredByEmail: null,
      },
    });
  });
});

describe('person names', () => {
  it.each([
    ['Ana Souza', { family: 'Souza', given: 'Ana' }],
    ['Maria da Silva', { family: 'Silva', given: 'Maria da' }],
    ['山田 太郎', { family: '山田', given: '太郎' }],
    ['Cher', { family: 'Cher', given: '' }],
    ['', { family: '', given: '' }],
  ])('splits %j', (name, expected) => {
    expect(splitName(name)).toEqual(expected);
  });

  it('joins given and family names in the usual order of the script', () => {
    expect(joinName('José', 'Álvarez')).toBe('José Álvarez');
    expect(joinName('太郎', '山田')).toBe('山田 太郎');
    expect(joinName('', 'Cher')).toBe('Cher');
  });
});
