/**
 * Rules on the text of a draft to a contact — pure. What counts as a place
 * still to fill in, when the owner's reply is a new version of the letter
 * rather than a remark about it, and where an unmarked copy of kith's own
 * mail starts inside a reply. Mail, web and API approval all use these, so
 * one text is judged the same way everywhere.
 */

// `[anything with a letter]` on one line: what templates leave for the owner
// ("[One or two lines of news.]", "[Mention X]"). Numbers alone ("[1]") are
// footnote marks a person may write on purpose.
const PLACE = /\[[^[\]\n]*\p{L}[^[\]\n]*\]/gu;

/** The `[places]` still to fill in, in order, each once. */
export function placesToFill(text: string): string[] {
  return [...new Set(text.match(PLACE) ?? [])];
}

/** "1 place to fill in" / "2 places to fill in". */
export function countPlaces(count: number): string {
  return count === 1 ? '1 place to fill in' : `${count} places to fill in`;
}

/**
 * Why this text cannot be approved, or null when it can. A letter with an
 * unfilled place would reach the contact with kith's instruction in it.
 */
export function approvalBlocker(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'the text is empty';
  const places = placesToFill(trimmed);
  if (places.length === 0) return null;
  const shown = places.slice(0, 5).join(', ');
  const more = places.length > 5 ? ` and ${places.length - 5} more` : '';
  return `it still has ${countPlaces(places.length)}: ${shown}${more}`;
}

const GREETING =
  /^(hi|hello|hey|dear|good (morning|afternoon|evening)|bonjour|bonsoir|salut|cher|chère|hallo|liebe|lieber|guten (morgen|tag|abend)|sehr geehrte[rs]?|hola|estimad[oa]|querid[oa]|buenos días|buenas)(?![\p{L}])/iu;

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** Words of three letters or more, lower-cased. */
function words(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}']{3,}/gu) ?? []).map((w) => w));
}

/** The names a greeting line addresses ("Hello Priya," → priya). */
function greetedNames(line: string): string[] {
  const rest = line.replace(GREETING, '');
  return (rest.match(/\p{Lu}[\p{L}'-]+/gu) ?? []).map((n) => n.toLowerCase());
}

// Fewer words than this is a remark, whatever it says.
const MIN_REVISION_WORDS = 6;
// Share of the draft's words a rewrite keeps; remarks about a draft keep few.
const MIN_SHARED = 0.5;

/**
 * True when `reply` reads as the owner's own version of `draft`: it greets
 * the same person the draft greets, or it keeps at least half of the draft's
 * words. A question, a "don't send yet", or an automatic answer does neither,
 * so it is never mistaken for a letter. Even a revision is only ever shown
 * back to the owner for approval, never sent on the strength of this test.
 */
export function isRevisionOf(reply: string, draft: string): boolean {
  const replyWords = words(reply);
  if (reply.split(/\s+/).filter((w) => w !== '').length < MIN_REVISION_WORDS) return false;
  const replyFirst = firstLine(reply);
  if (GREETING.test(replyFirst)) {
    const names = greetedNames(firstLine(draft));
    const greeted = words(replyFirst);
    if (names.length > 0 && names.some((n) => greeted.has(n))) return true;
  }
  const draftWords = words(draft);
  if (draftWords.size === 0) return false;
  let shared = 0;
  for (const w of draftWords) if (replyWords.has(w)) shared += 1;
  return shared / draftWords.size >= MIN_SHARED;
}

function normalizedLine(line: string): string {
  return line
    .replace(/^[\s>]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// Lines this short ("Hi,", "----") occur in any letter; they cannot mark kith's mail.
const MIN_ECHO_LINE = 24;

/**
 * The reply without an unmarked copy of the kith mail it answers. Some
 * clients quote without "> " or a "wrote:" line, so the reply parser keeps
 * kith's whole approval request; cut at the first line that is kith's own
 * wording in that mail, so kith's words never become the owner's. Lines of
 * the draft itself do not count: a rewrite keeps many of them.
 */
export function withoutEcho(reply: string, answered: string | null, draft: string | null): string {
  if (!answered) return reply;
  const drafted = new Set((draft ?? '').split('\n').map(normalizedLine));
  const own = new Set(
    answered
      .split('\n')
      .map(normalizedLine)
      .filter((l) => l.length >= MIN_ECHO_LINE && !drafted.has(l)),
  );
  if (own.size === 0) return reply;
  const lines = reply.split('\n');
  const cut = lines.findIndex((l) => own.has(normalizedLine(l)));
  if (cut < 0) return reply;
  const kept = lines.slice(0, cut);
  // The rule a client draws above a quote ("____", "-----") belongs to the quote.
  while (kept.length > 0 && /^[\s_\-=*~•>]*$/.test(kept[kept.length - 1] ?? '')) kept.pop();
  return kept.join('\n');
}
