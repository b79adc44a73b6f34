import type { Config } from '../config.js';
import type { ScheduleSettings } from '../pipeline/schedule.js';

/** The planner's timing settings from kith's config. */
export function scheduleSettings(config: Config): ScheduleSettings {
  const s = config.schedule;
  return {
    timeZone: config.timeZone,
    prepBriefHour: s.prepBriefHour,
    thankYouHour: s.thankYouHour,
    meetingOverAfterMinutes: s.meetingOverAfterMinutes,
    followUpAfterDays: s.followUpAfterDays,
    maxFollowUps: s.maxFollowUps,
    keepInTouchDays: s.keepInTouchDays,
    digestWeekday: s.digestWeekday,
    digestHour: s.digestHour,
  };
}
