import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { scheduleSettings } from '../../src/scheduler/settings.js';

describe('scheduler settings', () => {
  it('defaults to the digest on Monday 08:00 and meetings over an hour after their end', () => {
    const settings = scheduleSettings(loadConfig({ KITH_TIMEZONE: 'Asia/Tokyo' }, { cwd: '/tmp' }));
    expect(settings).toEqual({
      timeZone: 'Asia/Tokyo',
      prepBriefHour: 17,
      thankYouHour: 9,
      meetingOverAfterMinutes: 60,
      followUpAfterDays: 7,
      maxFollowUps: 2,
      keepInTouchDays: 90,
      digestWeekday: 1,
      digestHour: 8,
    });
  });

  it('reads a weekday by name, in any case', () => {
    const config = loadConfig({ DIGEST_DAY: ' Friday ', DIGEST_HOUR: '18' }, { cwd: '/tmp' });
    expect([config.schedule.digestWeekday, config.schedule.digestHour]).toEqual([5, 18]);
  });

  it('names a bad weekday or minute count in one message', () => {
    try {
      loadConfig({ DIGEST_DAY: 'funday', MEETING_OVER_AFTER_MINUTES: '-5' }, { cwd: '/tmp' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.map((p) => p.setting);
      expect(problems).toEqual(['MEETING_OVER_AFTER_MINUTES', 'DIGEST_DAY']);
      expect((error as ConfigError).message).toContain('must be a weekday such as monday');
    }
  });
});
