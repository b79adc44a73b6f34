// Video-call links people paste: Zoom (also vanity subdomains), Google Meet, Microsoft Teams.
const VIDEO_LINK =
  /\bhttps?:\/\/(?:[\w-]+\.)?(?:zoom\.us\/(?:j|my|w)\/[^\s<>")\]]+|meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}[^\s<>")\]]*|teams\.microsoft\.com\/l\/meetup-join\/[^\s<>")\]]+|teams\.live\.com\/meet\/[^\s<>")\]]+)/i;

// A phone number: "+" and 8–15 digits, or a number right after a word that says "call me".
const INTERNATIONAL_PHONE = /(?<![\w+])\+\d[\d ().-]{6,18}\d(?!\d)/;
const CUED_PHONE =
  /\b(?:call|phone|tel|mobile|cell|ring|reach me|anrufen|telefon|handy|téléphone|portable|appel\w*|teléfono|llam\w+|telefoon|bel me|telefone|ligue)\b[^\d\n]{0,25}(\(?\d[\d ().-]{6,18}\d)/i;

function digitCount(text: string): number {
  return (text.match(/\d/g) ?? []).length;
}

/**
 * Where a meeting proposed in this text would happen: a video link, else a
 * phone number, else null. Pure text matching; the text should be the reply
 * without quotes and signature (a phone number in a signature is no proposal).
 */
export function findMeetingPlace(text: string): string | null {
  const link = VIDEO_LINK.exec(text);
  if (link) return link[0].replace(/[.,;:!?]+$/, '');
  const international = INTERNATIONAL_PHONE.exec(text);
  if (international && digitCount(international[0]) >= 8) return international[0].trim();
  const cued = CUED_PHONE.exec(text);
  if (cued?.[1] && digitCount(cued[1]) >= 7 && !/^\d{4}-\d{2}-\d{2}/.test(cued[1])) {
    return cued[1].trim();
  }
  return null;
}
