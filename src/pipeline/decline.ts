import { unicodeWords, wordPatterns } from './unicode-words.js';

/**
 * A clear "no" in a contact's reply: the sentence that says it, or null. An
 * unclear reply stays a reply, so a counter-offer anywhere in the text ("not
 * this month, but happy to in January", "how about Friday instead?") or a
 * proposed time rules a decline out: declining is a side exit, and a wrong
 * one would silence a live conversation.
 */

// Sentences that say no, in the languages kith reads.
const DECLINE = wordPatterns([
  // English
  /\bnot (a|the) (good|right|best) time\b/i,
  /\b(unable|not able|won't be able|will not be able|not going to be able) to (help|assist|meet|make (the |any )?time|take (this|that|it) on|do (this|that|it))\b/i,
  /\bi(?:'m| am) not able to\b/i,
  /\bnot the right (person|contact|fit)\b/i,
  /\bi(?:'ll| will| would| have to| need to| must|'ll have to| will have to|'m going to| am going to)? (?:politely |respectfully )?(pass|decline)(?=\s*(?:[.,!;)]|$| on (this|that|it)\b| for now| this time| at this time))/i,
  /\b(can't|cannot|can not|couldn't) help\b(?! but)/i,
  /\bnot in a position to\b/i,
  /\b(don't|do not) have (the )?(time|bandwidth|capacity)\b/i,
  /\bnot (interested|available for (this|that|these|calls|meetings))\b/i,
  /\b(no longer|not currently) (taking|doing|accepting) (on )?(any )?(calls|meetings|requests|coffee chats|informational interviews)\b/i,
  /\bhave to say no\b/i,
  // German
  /\b(keine zeit|kein interesse|keine kapazität(en)?)\b/i,
  /\bnicht (der|die) richtige (person|ansprechpartner(in)?)\b/i,
  /\b(muss|müssen) (ich |wir )?(leider )?(absagen|ablehnen|passen)\b/i,
  /\b(kann|können) (ihnen |dir |euch )?(leider )?nicht (helfen|weiterhelfen)\b/i,
  /\bleider nicht möglich\b/i,
  // French
  /\b(pas le bon moment|pas la bonne personne|pas le bon interlocuteur)\b/i,
  /\bje ne (peux|pourrai) pas (vous |t')?(aider|donner suite)\b/i,
  /\bje ne suis pas en mesure\b/i,
  /\b(je dois|je vais devoir) (décliner|refuser|passer mon tour)\b/i,
  // Spanish
  /\bno es (un )?buen momento\b/i,
  /\bno soy la persona (adecuada|indicada|correcta)\b/i,
  /\bno (puedo|podré|podría) ayudar(te|le|les)?\b/i,
  /\bno estoy en condiciones\b/i,
  /\btengo que (declinar|rechazar|decir que no)\b/i,
  // Dutch
  /\b(geen goed moment|geen tijd)\b/i,
  /\bniet de (juiste|goede) persoon\b/i,
  /\b(kan|kunnen) (je|u|jou) (helaas )?niet helpen\b/i,
  /\b(moet|moeten) (ik|we) (helaas )?(afzeggen|bedanken|passen)\b/i,
  // Portuguese
  /\bnão é (um )?bom momento\b/i,
  /\bnão sou a pessoa (certa|indicada|adequada)\b/i,
  /\bnão (posso|consigo|poderei) ajudar\b/i,
  /\bnão tenho (tempo|disponibilidade)\b/i,
  /\btenho que (recusar|declinar)\b/i,
]);

// Words that keep the door open: with any of them, the reply is not a clear no.
const COUNTER_OFFER = wordPatterns([
  /\b(but (i|we) (can|could|would|'d|am|'m)|but happy|but glad|how about|what about|instead|happy to|glad to|would love to|i'd love to|let's|let us|maybe (later|next|in|after)|another time|reach out (again )?(in|after|next)|ping me (in|after|again)|get back to me (in|after)|in (a few|two|three|\d+) (weeks|months)|after (the|my) (holidays|break|launch)|next (month|quarter|year)|in (january|february|march|april|may|june|july|august|september|october|november|december)|aber gerne|gerne (später|nächste)|mais (volontiers|avec plaisir)|pero (con gusto|encantad)|maar (graag|wel)|mas (com prazer|posso))\b/i,
]);

// Someone else is "not the right person" / "can't help" only when it is about the writer.
const ABOUT_SOMEONE_ELSE = unicodeWords(
  /\b(he|she|they|him|her|them|er|sie|il|elle|él|ella|hij|zij|ele|ela)\b.{0,20}\b(is|are|ist|est|es|está|zijn|é)\b.{0,10}\bnot the right/i,
);

function sentences(flat: string): string[] {
  return flat
    .split(/(?<=[.!?;])\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The sentence of a reply that clearly declines, or null when the reply does
 * not clearly say no. `hasProposedTimes`: the reply offers a time, so it is
 * not a no.
 */
export function findDecline(replyText: string, hasProposedTimes: boolean): string | null {
  if (hasProposedTimes || replyText.trim() === '') return null;
  const flat = replyText.replace(/\s+/g, ' ');
  // Most replies say no such thing: one scan of the whole text settles it.
  if (!DECLINE.test(flat) || COUNTER_OFFER.test(replyText)) return null;
  for (const sentence of sentences(flat)) {
    if (ABOUT_SOMEONE_ELSE.test(sentence)) continue;
    if (DECLINE.test(sentence)) return sentence;
  }
  return null;
}
