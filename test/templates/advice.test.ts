import { describe, expect, it } from 'vitest';
import { advicePhrase, describeAdvice, tidyAdvice } from '../../src/templates/advice.js';

describe('advice rephrased for its reader', () => {
  it.each([
    ['learn dbt before applying', 'your suggestion to learn dbt before applying'],
    ['Talk to the data platform team', 'your suggestion to talk to the data platform team'],
    ["read 'The Phoenix Project'", "your suggestion to read 'The Phoenix Project'"],
    ['Read Inspired by Marty Cagan.', 'your suggestion to read Inspired by Marty Cagan'],
    ["Don't apply cold", 'your suggestion not to apply cold'],
    ['You should update your CV', 'your suggestion to update my CV'],
    [
      '  - try to shadow a discovery interview!! ',
      'your suggestion to shadow a discovery interview',
    ],
    ['SQL matters more than Python', 'your point that SQL matters more than Python'],
    ['Recruiters want numbers', 'your point that recruiters want numbers'],
    ['Work is scarce in Q4', 'your point that work is scarce in Q4'],
    ['Team Topologies', 'your tip about Team Topologies'],
    ['Portfolio reviews', 'your tip about portfolio reviews'],
  ])('%j → %s', (typed, said) => {
    expect(describeAdvice([typed], 'your')).toBe(said);
  });

  it('joins several as one list, "A, B and C"', () => {
    expect(
      describeAdvice(
        [
          'learn dbt before applying',
          'Talk to the data platform team',
          "read 'The Phoenix Project'",
        ],
        'your',
      ),
    ).toBe(
      "your suggestions to learn dbt before applying, to talk to the data platform team and to read 'The Phoenix Project'",
    );
    expect(describeAdvice(['learn dbt', 'Hiring is slow in Q4'], 'your')).toBe(
      'your suggestion to learn dbt and your point that hiring is slow in Q4',
    );
  });

  it('passed on to a third person, drops the possessor', () => {
    expect(describeAdvice(['learn dbt', 'Team Topologies'], null)).toBe(
      'to learn dbt and a tip about Team Topologies',
    );
    expect(describeAdvice([], 'your')).toBe('');
    expect(describeAdvice(['  ', '.'], 'your')).toBe('');
  });

  it('keeps capitals that are not sentence case', () => {
    expect(advicePhrase('SQL window functions')).toEqual({
      shape: 'tip',
      body: 'SQL window functions',
    });
    expect(tidyAdvice('Learn SQL.  ')).toBe('Learn SQL');
  });
});
