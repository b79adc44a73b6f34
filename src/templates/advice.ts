import { joinList } from './helpers.js';

/**
 * Advice is stored as the owner typed it after `advice:` — a note to self,
 * usually an imperative ("learn dbt before applying"). Mail to the person who
 * gave it has to read as a sentence to them ("your suggestion to learn dbt
 * before applying"), so each item is sorted into the one shape kith can
 * rephrase safely, with a fallback that never garbles what was typed.
 */

type AdviceShape =
  /** "learn dbt" → "to learn dbt" */
  | 'suggestion'
  /** "don't apply cold" → "not to apply cold" */
  | 'caution'
  /** "SQL matters more than Python" → "that SQL matters more than Python" */
  | 'point'
  /** "Team Topologies" → "about Team Topologies" */
  | 'tip';

export interface AdvicePhrase {
  readonly shape: AdviceShape;
  /** The item tidied for the reader, without the leading "to"/"that"/"about". */
  readonly body: string;
}

/**
 * Verbs people start advice with. A first word not listed here is not taken
 * as an imperative, because "Reading group on Fridays" must not become
 * "to reading group on Fridays".
 */
const IMPERATIVES = new Set(
  `add apply approach ask attend avoid be become brush build call check choose
  connect consider contact contribute create dig do email expect explore find
  focus follow get give go have highlight join keep learn lead leave listen look
  make mention move network offer own pick plan play polish practice practise
  prepare present publish put quantify rather reach read reconnect reach
  record reframe rehearse remember research rewrite say see seek send shadow
  share show sign skip speak spend start stay stop study subscribe take talk
  tell think try tailor target update improve revise refresh document prioritise
  prioritize negotiate use visit volunteer wait watch work write`.split(/\s+/),
);

/** Words that make an item a statement ("hiring is slow in Q4"), not a to-do. */
const STATEMENT_VERBS =
  /\b(is|are|was|were|has|have|had|can|could|will|would|should|must|may|might|isn['’]t|aren['’]t|doesn['’]t|don['’]t|matters|helps|works|tends|needs|wants|hires|counts|pays|looks|values|prefers|cares|expects|likes)\b/i;
/** Bare verbs that follow a plural subject: "recruiters want numbers". */
const PLURAL_VERBS =
  /\b\w+s\s+(want|need|look|hire|care|prefer|value|expect|like|love|hate|use|read|get|skim|ignore|ask)\b/i;

const FILLERS = [
  /^(you|i)\s+(should|could|might|must|need\s+to|ought\s+to)\s+/i,
  /^(maybe|perhaps|definitely|really|just|also)\s+/i,
  /^(try\s+to|make\s+sure\s+to|be\s+sure\s+to|remember\s+to)\s+(?=\w)/i,
];

/** Owner's note-to-self pronouns seen from the contact's side. */
function forReader(text: string): string {
  return text
    .replace(/\byourself\b/gi, (w) => (w[0] === 'Y' ? 'Myself' : 'myself'))
    .replace(/\byours\b/gi, (w) => (w[0] === 'Y' ? 'Mine' : 'mine'))
    .replace(/\byour\b/gi, (w) => (w[0] === 'Y' ? 'My' : 'my'));
}

/** Trims, drops the final full stop (the sentence around it has its own), squeezes spaces. */
export function tidyAdvice(item: string): string {
  return forReader(
    item
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^[-*•]\s*/, '')
      .replace(/[\s.;,:!]+$/, ''),
  );
}

/** Lower-cases the first letter of a plain word, never of "SQL" or "iOS". */
function lowerFirst(text: string): string {
  const word = /^\S+/.exec(text)?.[0] ?? '';
  if (word.length > 1 && word.slice(1) !== word.slice(1).toLowerCase()) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export function advicePhrase(item: string): AdvicePhrase {
  let body = tidyAdvice(item);
  for (const filler of FILLERS) body = body.replace(filler, '');
  const caution = /^(don['’]?t|do\s+not|never)\s+(.+)$/i.exec(body);
  if (caution && IMPERATIVES.has((caution[2] as string).split(' ')[0]?.toLowerCase() ?? '')) {
    return { shape: 'caution', body: lowerFirst(caution[2] as string) };
  }
  const [first = '', second = ''] = body.toLowerCase().split(' ');
  // "Work is scarce in Q4" starts with a verb but is a statement.
  if (IMPERATIVES.has(first) && !STATEMENT_VERBS.test(second)) {
    return { shape: 'suggestion', body: lowerFirst(body) };
  }
  if (STATEMENT_VERBS.test(body) || PLURAL_VERBS.test(body)) {
    return { shape: 'point', body: lowerFirst(body) };
  }
  // "Portfolio reviews" reads as a noun phrase; "Team Topologies" keeps its capitals.
  const rest = body.split(' ').slice(1).join(' ');
  return {
    shape: 'tip',
    body: rest !== '' && rest === rest.toLowerCase() ? lowerFirst(body) : body,
  };
}

function connector(p: AdvicePhrase): string {
  switch (p.shape) {
    case 'suggestion':
      return `to ${p.body}`;
    case 'caution':
      return `not to ${p.body}`;
    case 'point':
      return `that ${p.body}`;
    case 'tip':
      return `about ${p.body}`;
  }
}

const NOUN: Record<AdviceShape, [string, string]> = {
  suggestion: ['suggestion', 'suggestions'],
  caution: ['suggestion', 'suggestions'],
  point: ['point', 'points'],
  tip: ['tip', 'tips'],
};

/**
 * "your suggestion to learn dbt", "your suggestions to learn dbt, to read
 * 'The Phoenix Project' and not to apply cold", or, when the items differ in
 * shape, "your suggestion to learn dbt and your point that hiring is slow".
 * With no possessor (advice passed on to a third person) the nouns go too:
 * "to learn dbt and to read 'The Phoenix Project'".
 */
export function describeAdvice(items: readonly string[], possessor: string | null): string {
  const phrases = items.map(advicePhrase).filter((p) => p.body !== '');
  if (phrases.length === 0) return '';
  const clauses = phrases.map(connector);
  // "advice: about Team Topologies" would not parse; "a tip about" does.
  if (possessor === null) {
    return joinList(
      phrases.map((p, i) => (p.shape === 'tip' ? `a tip ${clauses[i]}` : (clauses[i] as string))),
    );
  }
  const nouns = new Set(phrases.map((p) => NOUN[p.shape][0]));
  if (nouns.size === 1) {
    const [one, many] = NOUN[(phrases[0] as AdvicePhrase).shape];
    return `${possessor} ${phrases.length === 1 ? one : many} ${joinList(clauses)}`;
  }
  return joinList(phrases.map((p, i) => `${possessor} ${NOUN[p.shape][0]} ${clauses[i]}`));
}
