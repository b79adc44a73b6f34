// Reply and forward prefixes in the languages kith's users write in, with
// Outlook's and mobile clients' variants ("AW:", "RE[2]:", "Fwd:", "TR:"…).
const PREFIX =
  /^\s*((re|aw|antw|antwort|sv|vs|rif|r|res|resp|enc|fw|fwd|wg|tr|rv|doorst|vb|odp|pd)(\[\d+\]|\(\d+\))?\s*:\s*)+/i;

/**
 * The subject as kith compares it between mails of one thread: without
 * Re:/Fwd: prefixes (also repeated ones), lower-cased, whitespace collapsed.
 * Stored as `threads.subject_key`.
 */
export function subjectKey(subject: string): string {
  let key = subject.normalize('NFC').replace(/\s+/g, ' ').trim();
  for (;;) {
    const stripped = key.replace(PREFIX, '').trim();
    if (stripped === key) break;
    key = stripped;
  }
  return key.toLowerCase();
}
