/**
 * Decodes an uploaded file's bytes. Most exports are UTF-8; spreadsheet
 * programs still write UTF-16 ("Unicode text", with a byte-order mark) or
 * Windows-1252 (Outlook, older Excel), which would otherwise turn every
 * accented name into replacement characters.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    // ignoreBOM keeps a UTF-8 byte-order mark, which the readers strip themselves.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
