import type { RenderedMail } from '../../src/templates/render.js';

/** What a careful reader would flag in a plain-text letter. */
export function readingProblems(mail: RenderedMail): string[] {
  const problems: string[] = [];
  const all = `${mail.subject}\n${mail.text}`;
  if (/([.,;:!?])\1|[.,;:!?][.,;:]|\s[.,;:!?]/.test(all.replace(/\.\.\./g, '…'))) {
    problems.push('doubled or stray punctuation');
  }
  if (/undefined|null|\[object Object\]|\{\{|\}\}/.test(all)) problems.push('template residue');
  if (/\b(a|an|the|and|with|your|my) *[.,]/i.test(all)) problems.push('a sentence with a hole');
  if (/\n{3,}/.test(mail.text)) problems.push('a run of blank lines');
  if (/^[-*] /m.test(mail.text)) problems.push('a bullet list where a sentence belongs');
  if ((mail.text.match(/\[[^\]]+\]/g) ?? []).length > 1) problems.push('more than one [place]');
  if (/,\s*and [^,.]+, and/.test(all)) problems.push('a list joined twice');
  return problems;
}
