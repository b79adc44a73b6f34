/**
 * Where the browser goes after login: only a path on this site. Browsers drop
 * tabs and newlines inside URLs and read `\` as `/`, so `/\t/evil.example`
 * and `/\evil.example` would lead off-site; a control character in a
 * Location header also makes the response fail. The value is checked as
 * given and once more percent-decoded, and anything doubtful becomes `/`.
 */
export function localNext(next: string | undefined): string {
  if (next === undefined || !isSitePath(next)) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return '/';
  }
  return isSitePath(decoded) ? next : '/';
}

// C0 controls, DEL and C1 controls: none belongs in a path kith links to.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isSitePath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//')) return false;
  if (path.includes('\\') || CONTROL.test(path)) return false;
  // The last word: resolved against some origin, it must stay on that origin.
  const origin = 'http://kith.invalid';
  try {
    return new URL(path, origin).origin === origin;
  } catch {
    return false;
  }
}
