import { describe, expect, it } from 'vitest';
import { laterReturnDate } from '../../src/pipeline/away.js';

describe('laterReturnDate', () => {
  it('keeps the later of two return dates, whichever came first', () => {
    expect(laterReturnDate('2026-12-14', '2026-12-10')).toBe('2026-12-14');
    expect(laterReturnDate('2026-12-10', '2026-12-14')).toBe('2026-12-14');
    expect(laterReturnDate('2026-12-31', '2027-01-02')).toBe('2027-01-02');
  });

  it('takes the one there is when the other is missing', () => {
    expect(laterReturnDate(null, '2026-12-10')).toBe('2026-12-10');
    expect(laterReturnDate('2026-12-10', null)).toBe('2026-12-10');
    expect(laterReturnDate(null, null)).toBeNull();
  });
});
