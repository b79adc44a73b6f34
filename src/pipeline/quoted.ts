/** A text on one line in quotes, cut to `max` characters, for history causes. */
export function quoted(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}
