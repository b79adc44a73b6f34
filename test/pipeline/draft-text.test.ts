import { describe, expect, it } from 'vitest';
import {
  approvalBlocker,
  isRevisionOf,
  placesToFill,
  withoutEcho,
} from '../../src/pipeline/draft-text.js';
import { lateSince } from '../../src/pipeline/late.js';

const DRAFT =
  'Hello Priya,\n\nThank you for taking the time to talk with me on Thursday. I learned a great deal.\n\nWith thanks,\nSam';

describe('placesToFill and approvalBlocker', () => {
  it.each([
    ['Hi [Name], see you', ['[Name]']],
    [
      '[One or two lines of news.] and [One or two lines of news.]',
      ['[One or two lines of news.]'],
    ],
    ['See footnote [1] and [2].', []],
    ['A link [https://example.org/x] stays a place: it has letters', ['[https://example.org/x]']],
    ['No places at all.', []],
    ['Broken [bracket\nacross lines]', []],
  ])('%j → %j', (text, places) => {
    expect(placesToFill(text)).toEqual(places);
  });

  it('names what blocks an approval, or nothing', () => {
    expect(approvalBlocker('Hi [Name], I start at [Company].')).toBe(
      'it still has 2 places to fill in: [Name], [Company]',
    );
    expect(approvalBlocker('   ')).toBe('the text is empty');
    expect(approvalBlocker(DRAFT)).toBeNull();
  });
});

describe('isRevisionOf', () => {
  it.each([
    ['Hi Priya,\n\nThanks so much for Thursday, it really helped me.\n\nSam', true],
    ['Dear Priya — thank you for Thursday; your advice on the data team was gold.', true],
    [
      'Thank you for taking the time to talk with me on Thursday. I learned a great deal about data teams.',
      true,
    ],
    ['Wait, don’t send this yet, I need to check something first.', false],
    ['Who is this person again? Remind me how we met?', false],
    ['Hello, I am out of the office until Monday with limited access to email.', false],
    ['Hi Priya', false],
    ['Hi Omar,\n\nThanks for meeting me on Thursday, it was very helpful.', false],
  ])('%j → %s', (reply, expected) => {
    expect(isRevisionOf(reply, DRAFT)).toBe(expected);
  });
});

describe('withoutEcho', () => {
  const request = `kith drafted a thank-you note to Priya Raman. Nothing is sent until you say so.\n\nSubject: Thank you\nTo: Priya Raman <priya@example.org>\n\n${DRAFT}\n\n----\nReply with one word, alone on the first line:`;

  it("cuts an unmarked copy of kith's own words", () => {
    expect(withoutEcho(`Thanks, I'll look tonight\n\n${request}`, request, DRAFT)).toBe(
      "Thanks, I'll look tonight",
    );
  });

  it('keeps the lines of a rewrite that it shares with the draft', () => {
    const rewrite = `Hello Priya,\n\nThank you for taking the time to talk with me on Thursday. I learned a great deal.\n\nYour tip on dbt was the best part.\n\nWith thanks,\nSam`;
    expect(withoutEcho(rewrite, request, DRAFT)).toBe(rewrite);
  });
});

describe('lateSince', () => {
  const end = '2026-12-01T15:00:00.000Z';
  it('a thank-you is late two days after the meeting ended, other drafts never', () => {
    expect(lateSince('thank_you', end, '2026-12-03T14:59:59.000Z')).toBeNull();
    expect(lateSince('thank_you', end, '2026-12-03T15:00:00.000Z')).toBe(
      '2026-12-03T15:00:00.000Z',
    );
    expect(lateSince('follow_up', end, '2026-12-09T15:00:00.000Z')).toBeNull();
    expect(lateSince('thank_you', null, '2026-12-09T15:00:00.000Z')).toBeNull();
  });
});
