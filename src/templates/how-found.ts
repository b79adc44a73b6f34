/**
 * The outreach's "how I got your name" for a contact nobody referred. Only a
 * source that says where the owner met the name can be put in words; an
 * address-book import or a hand-made contact says nothing a stranger would
 * recognise, so the outreach leaves the owner one place to fill instead.
 */
export function howFoundSentence(source: string): string | null {
  // A LinkedIn export lists the owner's own connections.
  if (/^import:linkedin\b/i.test(source)) {
    return 'I came across your profile among my connections on LinkedIn';
  }
  return null;
}
