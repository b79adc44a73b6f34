import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PersonView, TemplateContexts } from '../../src/templates/contexts.js';
import { howFoundSentence } from '../../src/templates/how-found.js';
import { loadTemplates, type RenderedMail } from '../../src/templates/render.js';
import { SAMPLE_CONTEXTS } from '../../src/templates/samples.js';
import { repoRoot } from '../helpers/run-cli.js';
import { readingProblems } from './reading.js';

/**
 * Every contact mail, read as its recipient reads it: golden files for 0, 1
 * and 3 advice items and 0, 1 and 2 referrals (UPDATE_GOLDEN=1 rewrites them
 * after a deliberate wording change — read the diff), plus checks that hold
 * for every variant: no doubled punctuation, no empty sentence, no raw list.
 */

const golden = path.join(repoRoot, 'test/fixtures/templates/golden');
const templates = loadTemplates();

const ADVICE = [
  [],
  ['learn dbt before applying'],
  ['learn dbt before applying', 'Talk to the data platform team', "read 'The Phoenix Project'."],
];
const omar: PersonView = {
  name: 'Omar Haddad',
  firstName: 'Omar',
  email: 'omar@example.com',
  company: 'Umbrella',
  title: null,
};
const [ana, , bob] = [
  SAMPLE_CONTEXTS.thank_you[0].contact,
  null,
  SAMPLE_CONTEXTS.thank_you[0].referrals[0] as PersonView,
];
const REFERRALS: PersonView[][] = [[], [omar], [omar, bob]];

type Variant = { [K in keyof TemplateContexts]: [K, string, TemplateContexts[K]] }[
  | 'outreach'
  | 'follow_up'
  | 'thank_you'
  | 'keep_in_touch'
  | 'referrer_update'];

function variants(): Variant[] {
  const out: Variant[] = [];
  const [outreach, bareOutreach] = SAMPLE_CONTEXTS.outreach;
  out.push(['outreach', 'referred', outreach]);
  out.push([
    'outreach',
    'linkedin',
    { ...outreach, referrer: null, howFound: howFoundSentence('import:linkedin') },
  ]);
  out.push(['outreach', 'source-unknown', { ...outreach, referrer: null, howFound: null }]);
  out.push(['outreach', 'no-intro-no-source', bareOutreach]);
  const [followUp, lastFollowUp] = SAMPLE_CONTEXTS.follow_up;
  out.push(['follow_up', 'first-referred', followUp]);
  out.push(['follow_up', 'first-one-day', { ...followUp, referrer: null, daysSince: 1 }]);
  out.push(['follow_up', 'second', lastFollowUp]);
  for (const [a, advice] of ADVICE.entries()) {
    for (const [r, people] of REFERRALS.entries()) {
      const name = `a${advice.length}-r${people.length}`;
      out.push([
        'thank_you',
        name,
        { ...SAMPLE_CONTEXTS.thank_you[a === 0 && r === 0 ? 1 : 0], advice, referrals: people },
      ]);
      out.push([
        'keep_in_touch',
        name,
        { ...SAMPLE_CONTEXTS.keep_in_touch[0], advice, referralsMet: people },
      ]);
    }
    out.push([
      'referrer_update',
      `a${advice.length}`,
      { ...SAMPLE_CONTEXTS.referrer_update[0], advice },
    ]);
  }
  out.push(['referrer_update', 'nameless-no-meeting', SAMPLE_CONTEXTS.referrer_update[1]]);
  out.push([
    'thank_you',
    'company-less',
    { ...SAMPLE_CONTEXTS.thank_you[0], contact: { ...ana, company: null } },
  ]);
  return out;
}

function render([name, , context]: Variant): RenderedMail {
  return templates.render(name, context as never);
}

const asFile = (mail: RenderedMail) => `Subject: ${mail.subject}\n\n${mail.text}`;

describe('contact mail, golden', () => {
  for (const variant of variants()) {
    const [name, label] = variant;
    it(`${name} ${label}`, () => {
      const mail = render(variant);
      expect(readingProblems(mail)).toEqual([]);
      const file = path.join(golden, `${name.replace(/_/g, '-')}.${label}.txt`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        mkdirSync(golden, { recursive: true });
        writeFileSync(file, asFile(mail));
      }
      expect(asFile(mail)).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('joins several advice items and referrals as prose: "A, B and C"', () => {
    const mail = templates.render('thank_you', {
      ...SAMPLE_CONTEXTS.thank_you[0],
      advice: ADVICE[2] as string[],
      referrals: [omar, bob],
    });
    expect(mail.text).toContain(
      "Your suggestions to learn dbt before applying, to talk to the data platform team and to read 'The Phoenix Project' were exactly what I needed",
    );
    expect(mail.text).toContain('introducing me to Omar Haddad and Bob Lee.');
  });

  it('a referral known only by address is named by it, never left blank', () => {
    const mail = templates.render('thank_you', {
      ...SAMPLE_CONTEXTS.thank_you[0],
      referrals: [{ ...omar, name: null }],
    });
    expect(mail.text).toContain('introducing me to omar@example.com.');
  });

  it('keeps exactly one place, for news, in a keep-in-touch update', () => {
    for (const advice of ADVICE) {
      const mail = templates.render('keep_in_touch', {
        ...SAMPLE_CONTEXTS.keep_in_touch[0],
        advice,
      });
      expect(mail.text.match(/\[[^\]]+\]/g)).toHaveLength(1);
      expect(mail.text).toMatch(/\[Your news/);
    }
  });

  it('an outreach says how the owner found someone nobody referred', () => {
    const mail = templates.render('outreach', {
      ...SAMPLE_CONTEXTS.outreach[0],
      referrer: null,
      howFound: howFoundSentence('import:linkedin'),
    });
    expect(mail.text).toContain('I came across your profile among my connections on LinkedIn');
    expect(mail.text).not.toContain('[');
    expect(howFoundSentence('import:csv')).toBeNull();
    expect(howFoundSentence('manual')).toBeNull();
  });
});

describe('advice with a comma of its own', () => {
  it('closes the phrase with a comma where it opens a sentence', () => {
    const advice = ['show process, not just polished screens'];
    const thanks = templates.render('thank_you', { ...SAMPLE_CONTEXTS.thank_you[0], advice });
    expect(thanks.text).toContain(
      'Your suggestion to show process, not just polished screens, was exactly what I needed',
    );
    const update = templates.render('keep_in_touch', {
      ...SAMPLE_CONTEXTS.keep_in_touch[0],
      advice,
    });
    expect(update.text).toContain('not just polished screens, stayed with me');
  });
});
