/**
 * Who a known contact was referred by, once the owner names a referrer for
 * them: the first introduction counts (a contact that has a referrer keeps
 * it), and nobody is their own referrer. Null: nothing to change.
 */
export function referrerToSet(
  known: { readonly id: number; readonly referredById: number | null },
  referrer: number | null,
): number | null {
  if (referrer === null || known.referredById !== null || known.id === referrer) return null;
  return referrer;
}
