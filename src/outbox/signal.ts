/**
 * In-process "the outbox changed" signal: the draft functions raise it, the
 * send loop listens, so an approval goes out at once instead of at the next
 * poll. Only a hint — the loop also polls, so nothing depends on it.
 */
const listeners = new Set<() => void>();

/** Subscribes; returns the unsubscribe function. */
export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function outboxChanged(): void {
  for (const listener of listeners) listener();
}
