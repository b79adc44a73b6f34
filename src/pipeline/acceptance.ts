import { unicodeWords, wordPatterns } from './unicode-words.js';

/**
 * What the owner's reply in a contact's thread says: that a proposed time is
 * accepted ("Thursday 2pm works great", "see you then"), or that it is the
 * thank-you after a meeting. Pure phrase matching in the languages kith reads.
 */

const ACCEPT = wordPatterns([
  /\b(that|this|it|thursday|monday|tuesday|wednesday|friday|saturday|sunday|tomorrow|\d{1,2}(:\d{2})?\s*(am|pm)?)\s+works\b(\s+(great|perfectly|well|fine|for me|for us))?/i,
  /\bworks (great|perfectly|well|fine|for me|for us)\b/i,
  /\bsee you (then|there|on \w+|thursday|monday|tuesday|wednesday|friday)\b/i,
  /\btalk (to you )?(then|on \w+)\b/i,
  /\b(perfect|sounds (good|great|perfect)|great,? (see|talk)|confirmed|it's a date|deal|looking forward to (it|our (chat|call|talk|conversation)))\b/i,
  /\b(passt (gut|perfekt|mir)?|klingt gut|perfekt|bis dann|bis (montag|dienstag|mittwoch|donnerstag|freitag)|einverstanden)\b/i,
  /\b(parfait|ça (me )?(va|marche|convient)|c'est noté|à (lundi|mardi|mercredi|jeudi|vendredi)|à tout à l'heure|entendu)\b/i,
  /\b(perfecto|me (parece|viene) bien|nos vemos|de acuerdo|hasta (el )?(lunes|martes|miércoles|jueves|viernes))\b/i,
  /\b(prima|klinkt goed|perfect|tot dan|tot (maandag|dinsdag|woensdag|donderdag|vrijdag)|afgesproken)\b/i,
  /\b(perfeito|combinado|fechado|até (lá|segunda|terça|quarta|quinta|sexta)|pode ser|funciona)\b/i,
]);

// A negation close before the phrase turns it around: "doesn't work", "not perfect", "passt leider nicht".
const NEGATED =
  /(\bnot\b|n't\b|\bno longer\b|\bunfortunately\b|\bsadly\b|\bafraid\b|\bnicht\b|\bleider\b|\bpas\b|\bniet\b|\bhelaas\b|\bnão\b|\binfelizmente\b)/i;

const THANKS = unicodeWords(
  /\b(thank you|thanks|thank-you|grateful|appreciate|danke|vielen dank|herzlichen dank|merci|gracias|muchas gracias|bedankt|dank je|dank u|obrigad[oa]|grazie)\b/i,
);

/** The sentences of a text whose whitespace runs are already single spaces. */
function sentences(flat: string): string[] {
  return flat
    .split(/(?<=[.!?;])\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The sentence of the owner's reply that accepts a proposed time, or null. */
export function findAcceptance(text: string): string | null {
  // Most replies accept nothing: one quick scan of the whole text settles those.
  const flat = text.replace(/\s+/g, ' ');
  if (!ACCEPT.mayMatch(flat)) return null;
  for (const sentence of sentences(flat)) {
    if (!ACCEPT.mayMatch(sentence)) continue;
    for (const re of ACCEPT.exact) {
      const match = re.exec(sentence);
      if (!match) continue;
      // German and Dutch put the negation after the verb: "passt leider nicht".
      const end = match.index + match[0].length;
      const around = sentence.slice(Math.max(0, match.index - 30), end + 16);
      if (NEGATED.test(around)) continue;
      return sentence;
    }
  }
  return null;
}

/** Whether the text thanks someone (a thank-you note after a meeting says so). */
export function looksLikeThanks(text: string): boolean {
  return THANKS.test(text);
}
