import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { KithError } from '../errors.js';
import {
  CONTACT_TEMPLATES,
  TEMPLATE_NAMES,
  type TemplateContexts,
  type TemplateName,
  templateFileName,
} from './contexts.js';
import { HelperArgumentError, registerHelpers } from './helpers.js';
import { SAMPLE_CONTEXTS } from './samples.js';

/**
 * Loads kith's mail templates, lets a user folder override any of them by
 * name, and renders them. Every template is compiled and rendered against
 * sample data at load time, so a syntax error or an unknown variable stops
 * kith at start with the file and line — not months later, mid-send.
 *
 * File format (plain text):
 *
 *     # comment lines, ignored
 *     subject: Thank you, {{firstName contact.name}}
 *
 *     Body from the first blank line on…
 */

/** A rendered mail: one subject line and a plain-text body. */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
}

export interface Templates {
  render<K extends TemplateName>(name: K, context: TemplateContexts[K]): RenderedMail;
  /** The file each template was loaded from (for the UI and error messages). */
  fileOf(name: TemplateName): string;
}

export interface LoadTemplatesOptions {
  /** KITH_TEMPLATES_DIR: `<name>.hbs` files here replace the built-in ones. */
  readonly overrideDir?: string | undefined;
  /** Where the built-in templates are; found next to this module by default. */
  readonly builtInDir?: string;
}

/** A template problem at start: names the file and line, and what to do. */
export class TemplateError extends KithError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, problem: string, cause?: unknown) {
    super(
      'config',
      `template ${file}${line !== undefined ? `:${line}` : ''}: ${problem}\nFix the template (or remove your override) and start kith again.`,
      { cause },
    );
    this.name = 'TemplateError';
    this.file = file;
    this.line = line;
  }
}

interface Part {
  readonly render: Handlebars.TemplateDelegate;
  /** File line of the part's first line, minus one. */
  readonly lineOffset: number;
}

interface CompiledTemplate {
  readonly file: string;
  readonly subject: Part;
  readonly body: Part;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The folder holding the built-in `.hbs` files: next to this module under
 * tsx, or — after `tsc`, which does not copy them into dist/ — the package's
 * own src/templates.
 */
export function builtInTemplatesDir(moduleDir = here): string {
  const candidates = [moduleDir, path.resolve(moduleDir, '../../../src/templates')];
  const found = candidates.find((dir) => existsSync(path.join(dir, templateFileName('outreach'))));
  if (!found) {
    throw new KithError(
      'internal',
      `kith's built-in mail templates are missing (looked in ${candidates.join(', ')}); reinstall kith.`,
    );
  }
  return found;
}

/** Loads, compiles and checks every template; throws TemplateError on the first problem. */
export function loadTemplates(options: LoadTemplatesOptions = {}): Templates {
  const hb = Handlebars.create();
  registerHelpers(hb);
  const files = templateFiles(options.builtInDir ?? builtInTemplatesDir(), options.overrideDir);
  const compiled = new Map<TemplateName, CompiledTemplate>();
  for (const name of TEMPLATE_NAMES) {
    const file = files.get(name) as string;
    const template = compileFile(hb, file);
    for (const sample of SAMPLE_CONTEXTS[name]) renderChecked(template, sample);
    compiled.set(name, template);
  }
  return {
    render(name, context) {
      const template = compiled.get(name);
      if (!template) throw new KithError('internal', `no template named ${name}`);
      // The types already keep notes out; this stops a context built loosely
      // (a spread, a cast) from handing the owner's private words to a contact.
      if (isContactTemplate(name) && Object.hasOwn(context as object, 'notes')) {
        throw new KithError('internal', `the ${name} context must not carry the owner's notes`);
      }
      return renderChecked(template, context);
    },
    fileOf(name) {
      return files.get(name) as string;
    },
  };
}

function isContactTemplate(name: TemplateName): boolean {
  return (CONTACT_TEMPLATES as readonly TemplateName[]).includes(name);
}

const cache = new Map<string, Templates>();

/** Loads once per override folder (the checks run on the first call). */
export function loadTemplatesCached(overrideDir: string | undefined): Templates {
  const key = overrideDir ?? '';
  let templates = cache.get(key);
  if (!templates) {
    templates = loadTemplates({ overrideDir });
    cache.set(key, templates);
  }
  return templates;
}

/** Built-in file per name, replaced by the user's file where there is one. */
function templateFiles(
  builtInDir: string,
  overrideDir: string | undefined,
): Map<TemplateName, string> {
  const files = new Map<TemplateName, string>(
    TEMPLATE_NAMES.map((name) => [name, path.join(builtInDir, templateFileName(name))]),
  );
  if (overrideDir === undefined) return files;
  let entries: string[];
  try {
    if (!statSync(overrideDir).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(overrideDir);
  } catch (error) {
    throw new KithError(
      'config',
      `KITH_TEMPLATES_DIR: ${overrideDir} is not a readable folder. Create it or unset the setting.`,
      { cause: error },
    );
  }
  for (const entry of entries.filter((e) => e.endsWith('.hbs')).sort()) {
    const stem = entry.slice(0, -'.hbs'.length).replace(/-/g, '_');
    const name = TEMPLATE_NAMES.find((n) => n === stem);
    if (!name) {
      throw new TemplateError(
        path.join(overrideDir, entry),
        undefined,
        `there is no template of that name; use one of ${TEMPLATE_NAMES.map(templateFileName).join(', ')}`,
      );
    }
    files.set(name, path.join(overrideDir, entry));
  }
  return files;
}

/** Splits the header (comments, `subject:`) from the body and compiles both. */
function compileFile(hb: typeof Handlebars, file: string): CompiledTemplate {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TemplateError(file, undefined, 'cannot be read', error);
  }
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let subject: { text: string; line: number } | undefined;
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') break;
    if (line.startsWith('#')) continue;
    const match = /^subject:\s?(.*)$/i.exec(line);
    if (!match) {
      throw new TemplateError(
        file,
        index + 1,
        'the header may hold only "# comment" lines and one "subject: …" line, then a blank line before the body',
      );
    }
    subject = { text: match[1] as string, line: index + 1 };
  }
  if (!subject) {
    throw new TemplateError(file, 1, 'no "subject: …" line before the first blank line');
  }
  const bodyStart = index + 1; // 0-based index of the first body line
  const options = { strict: true, noEscape: true } as const;
  return {
    file,
    subject: { render: hb.compile(subject.text, options), lineOffset: subject.line - 1 },
    body: { render: hb.compile(lines.slice(bodyStart).join('\n'), options), lineOffset: bodyStart },
  };
}

function renderChecked(template: CompiledTemplate, context: unknown): RenderedMail {
  const subject = renderPart(template, template.subject, context).replace(/\s+/g, ' ').trim();
  const text = tidyBody(renderPart(template, template.body, context));
  return { subject, text };
}

function renderPart(template: CompiledTemplate, part: Part, context: unknown): string {
  try {
    return part.render(context);
  } catch (error) {
    const line = errorLine(error);
    throw new TemplateError(
      template.file,
      line === undefined ? undefined : line + part.lineOffset,
      describeProblem((error as Error).message ?? String(error)),
      error,
    );
  }
}

/** Handlebars reports lines three ways: a field, a suffix, or "on line N". */
function errorLine(error: unknown): number | undefined {
  if (error instanceof HelperArgumentError) return error.line;
  const e = error as { lineNumber?: number; message?: string };
  if (typeof e.lineNumber === 'number') return e.lineNumber;
  const match = /on line (\d+)/.exec(e.message ?? '') ?? / - (\d+):\d+$/.exec(e.message ?? '');
  return match ? Number(match[1]) : undefined;
}

/** One line a person can act on, without Handlebars' own (part-relative) line numbers. */
function describeProblem(message: string): string {
  const [first = '', ...rest] = message.split('\n');
  const unknown = /^"([^"]+)" not defined in/.exec(first);
  if (unknown) return `unknown variable or helper "${unknown[1]}"`;
  if (/^Parse error on line \d+/.test(first)) {
    const expecting = rest.find((line) => line.startsWith('Expecting')) ?? '';
    const near = rest[0]?.trim() ?? '';
    return `Parse error near "${near}"${expecting ? ` (${expecting.replace(/'/g, '')})` : ''}`;
  }
  return first.replace(/ - \d+:\d+$/, '');
}

/** Conditional blocks leave blank runs and trailing spaces; plain text should not. */
function tidyBody(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
