import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_NAMES, templateFileName } from '../../src/templates/contexts.js';
import { builtInTemplatesDir, loadTemplates, TemplateError } from '../../src/templates/render.js';
import { SAMPLE_CONTEXTS } from '../../src/templates/samples.js';
import { repoRoot } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const fixtures = path.join(repoRoot, 'test/fixtures/templates');
const tempDir = useTempDir();

function loadError(overrideDir: string): TemplateError {
  try {
    loadTemplates({ overrideDir });
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('built-in templates', () => {
  const templates = loadTemplates();

  it('render every template with a subject line and a body', () => {
    for (const name of TEMPLATE_NAMES) {
      for (const sample of SAMPLE_CONTEXTS[name]) {
        const mail = templates.render(name, sample as never);
        expect(mail.subject, name).toMatch(/\S/);
        expect(mail.subject, name).not.toContain('\n');
        expect(mail.text.trim().length, name).toBeGreaterThan(20);
        expect(mail.text, name).not.toMatch(/\n{3,}/);
        expect(mail.text, name).not.toMatch(/undefined|\[object Object\]/);
      }
    }
  });

  it('outreach asks for advice, not a job, and 20–30 minutes, naming the referrer', () => {
    const [full, sparse] = SAMPLE_CONTEXTS.outreach;
    const mail = templates.render('outreach', full);
    expect(mail.subject).toBe('Bob suggested I get in touch');
    expect(mail.text).toContain('Hello Ana,');
    expect(mail.text).toContain('Bob Lee at Northwind gave me your name');
    expect(mail.text).toContain('not asking about a job');
    expect(mail.text).toContain('20 to 30 minutes');
    expect(mail.text).toMatch(/phone call, a video call or a coffee/);
    expect(mail.text).toContain(full.owner.intro);
    // Without an intro the owner is left a place to fill in, never an empty line.
    const bare = templates.render('outreach', sparse);
    expect(bare.text).toContain('Hello there,');
    expect(bare.text).toMatch(/\[Two or three sentences about you/);
    expect(bare.text).not.toContain('gave me your name');
  });

  it('thank-you names the advice and the referrals offered', () => {
    const mail = templates.render('thank_you', SAMPLE_CONTEXTS.thank_you[0]);
    expect(mail.text).toContain(
      'Your suggestions to learn SQL window functions and to talk to the planning team were',
    );
    expect(mail.text).toContain('introducing me to Bob Lee.');
    expect(mail.text).toContain('on Thursday 3 December'); // the contact's day of the meeting
  });

  it('prep brief shows the time in the owner’s zone and the contact’s', () => {
    const mail = templates.render('prep_brief', SAMPLE_CONTEXTS.prep_brief[0]);
    expect(mail.text).toContain("Thu 3 Dec, 15:00 your time (09:00 in New York, Ana's time)");
    expect(mail.text).toContain('Referral chain: Bob Lee (Northwind) → Ana Souza');
    for (const reminder of ['not a job', 'agreed time', 'Listen more', 'names of others', 'resume'])
      expect(mail.text).toContain(reminder);
    expect(mail.text).toMatch(/like most about your work/);
    expect(mail.text).toMatch(/typical day/);
    // Same zone for both: one line only.
    const sameZone = templates.render('prep_brief', {
      ...SAMPLE_CONTEXTS.prep_brief[0],
      meeting: { ...SAMPLE_CONTEXTS.prep_brief[0].meeting, timeZone: 'Europe/Berlin' },
    });
    expect(sameZone.text).toContain('Thu 3 Dec, 15:00 your time\n');
    expect(sameZone.text).not.toContain("Ana's time");
  });

  it("the post-meeting prompt and the digest give both clocks, the contact's day when it differs", () => {
    const tokyo = { ...SAMPLE_CONTEXTS.prep_brief[0].meeting, timeZone: 'Asia/Tokyo' };
    const prompt = templates.render('post_meeting_prompt', {
      ...SAMPLE_CONTEXTS.post_meeting_prompt[0],
      meeting: tokyo,
    });
    expect(prompt.text).toMatch(/on Thu 3 Dec, 15:00 your time \(23:00 in Tokyo, \w+'s time\)/);
    const late = { ...tokyo, startsAt: '2026-12-03T16:30:00.000Z' };
    const digest = templates.render('weekly_digest', {
      ...SAMPLE_CONTEXTS.weekly_digest[0],
      upcoming: [{ name: 'Ana Souza', startsAt: late.startsAt, timeZone: 'Asia/Tokyo' }],
    });
    expect(digest.text).toContain(
      "Ana Souza, Thu 3 Dec, 17:30 your time (Fri 4 Dec, 01:30 in Tokyo, Ana's time)",
    );
  });

  it('approval request carries the draft and every way to answer', () => {
    const mail = templates.render('approval_request', SAMPLE_CONTEXTS.approval_request[1]);
    expect(mail.text).toContain('Hello,\n\nSam');
    for (const word of ['approve', 'skip', 'snooze 3d', 'snooze until monday', 'your own version'])
      expect(mail.text).toContain(word);
    expect(mail.text).toContain('Draft #7');
  });

  it('post-meeting prompt explains referral: and advice: lines', () => {
    const mail = templates.render('post_meeting_prompt', SAMPLE_CONTEXTS.post_meeting_prompt[0]);
    expect(mail.text).toMatch(/^\s*advice: /m);
    expect(mail.text).toMatch(/^\s*referral: .+<.+@.+>/m);
  });

  it('finds the built-in files after a build too (dist/ has no .hbs files)', () => {
    const src = path.join(repoRoot, 'src/templates');
    expect(builtInTemplatesDir(src)).toBe(src);
    expect(builtInTemplatesDir(path.join(repoRoot, 'dist/src/templates'))).toBe(src);
    expect(() => builtInTemplatesDir('/nonexistent/a/b/c')).toThrow(/missing/);
  });
});

describe('user templates folder', () => {
  it('replaces a template by name and keeps the others', () => {
    const templates = loadTemplates({ overrideDir: path.join(fixtures, 'override') });
    const mail = templates.render('thank_you', SAMPLE_CONTEXTS.thank_you[0]);
    expect(mail.subject).toBe('Many thanks, Ana!');
    expect(mail.text).toBe(
      'Dear Ana,\n\nThanks a million for the chat.\n* Learn SQL window functions\n* Talk to the planning team\n\nCheers,\nSam\n',
    );
    expect(templates.fileOf('thank_you')).toBe(path.join(fixtures, 'override/thank-you.hbs'));
    expect(templates.render('follow_up', SAMPLE_CONTEXTS.follow_up[0]).subject).toBe(
      'Re: Bob Lee suggested I get in touch',
    );
  });

  it('reports a syntax error with file and line', () => {
    const error = loadError(path.join(fixtures, 'broken-syntax'));
    expect(error.code).toBe('config');
    expect(error.file).toBe(path.join(fixtures, 'broken-syntax/thank-you.hbs'));
    // Handlebars names the block that is closed wrongly: the {{#if}} opened on line 5.
    expect(error.line).toBe(5);
    expect(error.message).toContain('broken-syntax/thank-you.hbs:5');
    expect(error.message).toMatch(/if doesn't match each/);
  });

  it('reports a parse error with file and line', () => {
    const error = loadError(path.join(fixtures, 'broken-parse'));
    expect(error.file).toBe(path.join(fixtures, 'broken-parse/thank-you.hbs'));
    expect(error.line).toBe(5);
    expect(error.message).toMatch(/thank-you\.hbs:5: Parse error/);
  });

  it('reports an unknown variable with file and line', () => {
    const error = loadError(path.join(fixtures, 'unknown-variable'));
    expect(error.file).toBe(path.join(fixtures, 'unknown-variable/follow-up.hbs'));
    expect(error.line).toBe(6);
    expect(error.message).toMatch(/unknown variable or helper "compnay"/);
  });

  it('reports an unknown variable passed to a helper', () => {
    const error = loadError(path.join(fixtures, 'unknown-helper-arg'));
    expect(error.file).toBe(path.join(fixtures, 'unknown-helper-arg/keep-in-touch.hbs'));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/firstName: argument 1 is not a known variable/);
  });

  it('reports an unknown variable in the subject line, on the subject’s line', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'notice.hbs'),
      '# one\n# two\nsubject: {{titel}}\n\n{{message}}\n',
    );
    const error = loadError(dir);
    expect(error.line).toBe(3);
    expect(error.message).toContain('"titel"');
  });

  it('rejects a file that matches no template, listing the names', () => {
    const error = loadError(path.join(fixtures, 'unknown-name'));
    expect(error.file).toBe(path.join(fixtures, 'unknown-name/thank-yuo.hbs'));
    expect(error.message).toContain('thank-you.hbs');
  });

  it('rejects a template without a subject line', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'notice.hbs'), 'Hello {{message}}\n');
    const error = loadError(dir);
    expect(error.line).toBe(1);
  });

  it('a missing folder is a settings problem', () => {
    expect(() => loadTemplates({ overrideDir: '/nonexistent/kith-templates' })).toThrow(
      /KITH_TEMPLATES_DIR/,
    );
  });

  it('accepts a copy of every built-in template unchanged', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    for (const name of TEMPLATE_NAMES) {
      cpSync(
        path.join(repoRoot, 'src/templates', templateFileName(name)),
        path.join(dir, templateFileName(name)),
      );
    }
    expect(() => loadTemplates({ overrideDir: dir })).not.toThrow();
  });
});
