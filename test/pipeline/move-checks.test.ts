import { describe, expect, it } from 'vitest';
import { movePresumesMeeting } from '../../src/pipeline/move-checks.js';

const NOW = '2026-12-01T10:00:00.000Z';
const TOMORROW = '2026-12-02T14:30:00.000Z';

describe('movePresumesMeeting', () => {
  it('holds for a move to met or later while a meeting is still to end', () => {
    expect(movePresumesMeeting('scheduled', 'met', TOMORROW, NOW)).toBe(true);
    expect(movePresumesMeeting('replied', 'thanked', TOMORROW, NOW)).toBe(true);
  });

  it('not for a meeting that is over, nor without one, nor between met stages or elsewhere', () => {
    expect(movePresumesMeeting('scheduled', 'met', '2026-12-01T09:00:00.000Z', NOW)).toBe(false);
    expect(movePresumesMeeting('scheduled', 'met', null, NOW)).toBe(false);
    expect(movePresumesMeeting('met', 'thanked', TOMORROW, NOW)).toBe(false);
    expect(movePresumesMeeting('scheduled', 'archived', TOMORROW, NOW)).toBe(false);
  });
});
