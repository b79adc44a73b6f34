import ICAL from 'ical.js';
import type { ExportDocument, ExportedContact } from './export-document.js';
import { splitName } from './person-name.js';

/** RFC 6350 §3.2: content lines SHOULD be at most 75 octets, folded with CRLF + space. */
const MAX_OCTETS = 75;

/**
 * Folds one content line at 75 octets without splitting a UTF-8 sequence
 * (ical.js folds by characters, which lets CJK lines run past 75 octets).
 */
function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

function displayName(contact: ExportedContact): string {
  return (
    contact.name ??
    contact.emails[0]?.address ??
    contact.linkedinUrl ??
    `kith contact ${String(contact.id)}`
  );
}

/** One vCard 4.0 component; ical.js does the value escaping of RFC 6350 §3.4. */
function toCard(contact: ExportedContact): InstanceType<typeof ICAL.Component> {
  const card = new ICAL.Component('vcard');
  card.addPropertyWithValue('version', '4.0');
  card.addPropertyWithValue('fn', displayName(contact));
  const { family, given } = splitName(contact.name ?? '');
  const n = new ICAL.Property('n', card);
  n.setValue([family, given, '', '', '']);
  card.addProperty(n);
  // Dead addresses are left out: a contacts app would only send mail into the void.
  for (const [index, email] of contact.emails.filter((e) => !e.dead).entries()) {
    const property = card.addPropertyWithValue('email', email.address);
    if (index === 0) property.setParameter('pref', '1');
  }
  if (contact.company) {
    const org = new ICAL.Property('org', card);
    org.setValue([contact.company]);
    card.addProperty(org);
  }
  if (contact.title) card.addPropertyWithValue('title', contact.title);
  if (contact.linkedinUrl) card.addPropertyWithValue('url', contact.linkedinUrl);
  card.addPropertyWithValue('note', `kith stage: ${contact.stage}`);
  return card;
}

/** One vCard 4.0 per contact, CRLF line ends, lines folded at 75 octets. */
export function toVcards(doc: ExportDocument): string {
  return doc.contacts
    .map((contact) =>
      toCard(contact)
        .toString()
        // Undo ical.js's folding (a CRLF followed by a space) and fold by octets.
        .replace(/\r\n[ \t]/g, '')
        .split('\r\n')
        .map(foldLine)
        .join('\r\n'),
    )
    .join('\r\n');
}
