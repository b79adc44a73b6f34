import { describe, expect, it } from 'vitest';
import { draftValidity } from '../../src/pipeline/draft-validity.js';

const drafted = '2026-12-02T09:30:00.000Z';
const followUp = { kind: 'follow_up', created_at: drafted };

describe('draftValidity', () => {
  it('keeps a follow-up when the contact has not written at all', () => {
    expect(draftValidity(followUp, undefined)).toEqual({ valid: true });
  });

  it('keeps a follow-up when the latest reply was already known when it was drafted', () => {
    const reply = { date: '2026-11-20T10:00:00.000Z', recordedAt: '2026-11-20T10:01:00.000Z' };
    expect(draftValidity(followUp, reply)).toEqual({ valid: true });
  });

  it('withdraws a follow-up the contact answered after it was drafted', () => {
    const reply = { date: '2026-12-03T08:00:00.000Z', recordedAt: '2026-12-03T08:01:00.000Z' };
    expect(draftValidity(followUp, reply)).toEqual({ valid: false, answeredAt: reply.date });
  });

  it('withdraws when the reply was written before the draft but only read after it', () => {
    const reply = { date: '2026-12-02T09:29:00.000Z', recordedAt: '2026-12-02T09:35:00.000Z' };
    expect(draftValidity(followUp, reply)).toEqual({ valid: false, answeredAt: reply.date });
  });

  it('leaves kinds that do not assume silence alone', () => {
    const reply = { date: '2026-12-03T08:00:00.000Z', recordedAt: '2026-12-03T08:01:00.000Z' };
    expect(draftValidity({ kind: 'thank_you', created_at: drafted }, reply)).toEqual({
      valid: true,
    });
  });
});
