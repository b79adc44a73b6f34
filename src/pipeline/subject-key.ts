// The only list of reply and forward subject prefixes: in the languages kith's
// users write in, with Outlook's and mobile clients' variants ("AW:", "RE[2]:",
// "Fwd:", "TR:"…). "VS" is a forward in Danish and a reply in Finnish; it
// counts as a forward, so a Danish forward never teaches kith an address.
const REPLY = 're|aw|antw|antwort|sv|rif|r|res|resp|odp';
const FORWARD = 'fw|fwd|wg|tr|rv|enc|doorst|vb|pd|vs';
const COUNTER = String.raw`(\[\d+\]|\(\d+\))?`;

const ANY_PREFIXES = new RegExp(String.raw`^\s*((${REPLY}|${FORWARD})${COUNTER}\s*:\s*)+`, 'i');
const REPLY_PREFIX = new RegExp(String.raw`^\s*(${REPLY})${COUNTER}\s*:`, 'i');
const FORWARD_PREFIX = new RegExp(
  String.raw`^\s*((${REPLY})${COUNTER}\s*:\s*)*(${FORWARD})${COUNTER}\s*:`,
  'i',
);

/** The subject without its leading Re:/Fwd: prefixes (also repeated ones); case kept. */
export function withoutSubjectPrefixes(subject: string): string {
  let rest = subject.trim();
  for (;;) {
    const stripped = rest.replace(ANY_PREFIXES, '').trim();
    if (stripped === rest) return rest;
    rest = stripped;
  }
}

/** The subject starts with a reply prefix ("Re:", "AW:", "SV:"…). */
export function isReplySubject(subject: string): boolean {
  return REPLY_PREFIX.test(subject);
}

/** The subject says the mail is a forward, possibly replied to ("Fwd:", "Re: WG:"…). */
export function isForwardSubject(subject: string): boolean {
  return FORWARD_PREFIX.test(subject);
}

/**
 * The subject as kith compares it between mails of one thread: without
 * Re:/Fwd: prefixes (also repeated ones), lower-cased, whitespace collapsed.
 * Stored as `threads.subject_key`.
 */
export function subjectKey(subject: string): string {
  return withoutSubjectPrefixes(subject.normalize('NFC').replace(/\s+/g, ' ')).toLowerCase();
}
