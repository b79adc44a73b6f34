import { describe, expect, it } from 'vitest';
import { guessDelimiter, readCsvRecords } from '../../src/exchange/csv-records.js';

describe('readCsvRecords', () => {
  it('numbers records by the file line they start on, across quoted line breaks', () => {
    const text = '\uFEFFa,b\r\n"x\r\ny",z\r\n\r\n"one\ntwo\rthree",w\nlast,row';
    expect(readCsvRecords(text)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\r\ny', 'z'] },
      { line: 5, cells: ['one\ntwo\rthree', 'w'] },
      { line: 8, cells: ['last', 'row'] },
    ]);
  });

  it('keeps quoted commas and doubled quotes, and trims unquoted spaces', () => {
    expect(readCsvRecords('"Acme, Inc.", "say ""hi""" ,  plain  ')).toEqual([
      { line: 1, cells: ['Acme, Inc.', 'say "hi"', 'plain'] },
    ]);
  });

  it('reports a stray closing quote on its line and keeps the next records', () => {
    const records = readCsvRecords('a,b\n"bad"x,c\nd,e\n');
    expect(records[0]).toEqual({ line: 1, cells: ['a', 'b'] });
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringContaining('Closing Quote') });
    expect(records[2]).toEqual({ line: 3, cells: ['d', 'e'] });
  });

  it('reports a quote that never closes and reads on from the next line', () => {
    const records = readCsvRecords('a,b\nc,"never closed\nd,e\nf,g');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, error: 'a quoted field is never closed' },
      { line: 3, cells: ['d', 'e'] },
      { line: 4, cells: ['f', 'g'] },
    ]);
  });

  it('treats a quote inside an unquoted field as a character', () => {
    expect(readCsvRecords('5" screen,ok\nnext,row')).toEqual([
      { line: 1, cells: ['5" screen', 'ok'] },
      { line: 2, cells: ['next', 'row'] },
    ]);
  });

  it('leaves out blank records and records of empty cells', () => {
    expect(readCsvRecords('\n\n,,\n a , b \n   \n')).toEqual([{ line: 4, cells: ['a', 'b'] }]);
  });

  it('splits on another delimiter', () => {
    expect(readCsvRecords('a;"b;c"\n', ';')).toEqual([{ line: 1, cells: ['a', 'b;c'] }]);
  });
});

describe('guessDelimiter', () => {
  it.each([
    ['name,email\nx,y', ','],
    ['name;email;company\nx;y;z', ';'],
    ['name\temail\n', '\t'],
    ['"a,b";c;d\n', ';'],
    ['name\n', ','],
  ])('guesses the delimiter of %j', (text, expected) => {
    expect(guessDelimiter(text)).toBe(expected);
  });
});
