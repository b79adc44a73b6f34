import ICAL from 'ical.js';
import { type ImportRow, splitEmailList, toImportRow, toLinkedinUrl } from './imported-person.js';
import { joinName } from './person-name.js';

type Property = ReturnType<InstanceType<typeof ICAL.Component>['getAllProperties']>[number];

/** A property's first value as text parts (structured values such as N and ORG have several). */
function parts(property: Property | null | undefined): string[] {
  const value = property?.getFirstValue();
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v ?? ''));
}

/** RFC 6350 PREF=1 (vCard 4) or TYPE=pref (vCard 3) marks the preferred address. */
function isPreferred(property: Property): boolean {
  const pref = property.getParameter('pref');
  const type = property.getParameter('type');
  const types = (Array.isArray(type) ? type : [type]).map((t) => String(t ?? '').toLowerCase());
  return String(pref ?? '') === '1' || types.includes('pref');
}

function nameOf(card: InstanceType<typeof ICAL.Component>): string | undefined {
  const fn = parts(card.getFirstProperty('fn')).join(' ').trim();
  if (fn) return fn;
  const [family = '', given = ''] = parts(card.getFirstProperty('n'));
  return joinName(given, family) || undefined;
}

function linkedinOf(card: InstanceType<typeof ICAL.Component>): string | undefined {
  // Apple Contacts keeps social profiles in X-SOCIALPROFILE rather than URL.
  const candidates = [...card.getAllProperties('url'), ...card.getAllProperties('x-socialprofile')];
  return candidates.map((p) => parts(p)[0]).find((url) => toLinkedinUrl(url) !== null);
}

/** Turns one parsed card into a person or a reported error. */
function cardToRow(line: number, text: string): ImportRow {
  let card: InstanceType<typeof ICAL.Component>;
  try {
    card = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    const version = /^version:\s*(\S+)/im.exec(text)?.[1];
    const hint =
      version === '2.1' ? ' (vCard 2.1 is not supported: export as vCard 3.0 or 4.0)' : '';
    return { line, error: `cannot read this vCard: ${(error as Error).message}${hint}` };
  }
  const emails = card.getAllProperties('email');
  const ordered = [...emails.filter(isPreferred), ...emails.filter((p) => !isPreferred(p))];
  return toImportRow(line, {
    name: nameOf(card),
    emails: ordered.flatMap((p) => splitEmailList(parts(p)[0])),
    company: parts(card.getFirstProperty('org'))[0],
    title: parts(card.getFirstProperty('title'))[0],
    url: linkedinOf(card),
  });
}

/**
 * Reads a .vcf file with one or more cards (vCard 3.0 or 4.0). Each card is
 * cut out by its BEGIN/END lines and parsed on its own, so one broken card
 * is reported by the line it starts on and the others are still read.
 */
export function readVcards(text: string): ImportRow[] {
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r\n|\r|\n/);
  const rows: ImportRow[] = [];
  let begin = -1;
  for (const [index, raw] of lines.entries()) {
    // Not trimmed at the start: a line starting with a space continues the one before.
    const line = raw.trimEnd().toLowerCase();
    if (line === 'begin:vcard') {
      if (begin >= 0) rows.push({ line: begin + 1, error: 'vCard has no END:VCARD line' });
      begin = index;
    } else if (line === 'end:vcard' && begin >= 0) {
      rows.push(cardToRow(begin + 1, lines.slice(begin, index + 1).join('\r\n')));
      begin = -1;
    }
  }
  if (begin >= 0) rows.push({ line: begin + 1, error: 'vCard has no END:VCARD line' });
  return rows;
}
