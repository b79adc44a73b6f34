/** The stages of an informational-interview relationship, in journey order. */
export const STAGES = [
  'prospect',
  'contacted',
  'replied',
  'scheduled',
  'met',
  'thanked',
  'keeping_in_touch',
  'declined',
  'no_response',
  'bounced',
  'archived',
] as const;

export type Stage = (typeof STAGES)[number];

/** The main road, for the board's column order and the funnel. */
export const JOURNEY: readonly Stage[] = [
  'prospect',
  'contacted',
  'replied',
  'scheduled',
  'met',
  'thanked',
  'keeping_in_touch',
];

/** Side exits: the relationship left the main road. */
export const SIDE_EXITS: readonly Stage[] = ['declined', 'no_response', 'bounced', 'archived'];

export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  prospect: 'Prospect',
  contacted: 'Contacted',
  replied: 'Replied',
  scheduled: 'Scheduled',
  met: 'Met',
  thanked: 'Thanked',
  keeping_in_touch: 'Keeping in touch',
  declined: 'Declined',
  no_response: 'No response',
  bounced: 'Bounced',
  archived: 'Archived',
};

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}
