/**
 * The Date header of a mail, read by kith itself: when it was written and the
 * sender's UTC offset then (the zone their proposed times are in).
 */

/**
 * The Date header as an instant, or null when it is unusable. Read here, not
 * from mailparser, which silently substitutes "now" for a broken date.
 */
export function parseDateHeader(value: string): Date | null {
  const parsed = new Date(value.replace(/\([^)]*\)/g, ' ').trim());
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

const ZONE_OFFSETS: Readonly<Record<string, number>> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/**
 * The sender's UTC offset in minutes from a raw Date header (`+0100` → 60).
 * RFC 5322 `-0000` means "no zone information", so it is null like a missing zone.
 */
export function utcOffsetMinutes(dateHeader: string): number | null {
  const withoutComment = dateHeader.replace(/\([^)]*\)/g, ' ').trim();
  const numeric = /(?:^|\s)([+-])(\d{2}):?(\d{2})\s*$/.exec(withoutComment);
  if (numeric) {
    const [, sign, hh, mm] = numeric as unknown as [string, string, string, string];
    if (sign === '-' && hh === '00' && mm === '00') return null;
    const minutes = Number(hh) * 60 + Number(mm);
    return sign === '-' ? -minutes : minutes;
  }
  const named = /(?:^|\s)([A-Za-z]{1,3})\s*$/.exec(withoutComment);
  const offset = named ? ZONE_OFFSETS[(named[1] as string).toUpperCase()] : undefined;
  return offset ?? null;
}
