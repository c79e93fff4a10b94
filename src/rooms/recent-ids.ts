/**
 * Remembers message ids seen within a time window, so a client's resend of the same chat
 * message (after a reconnect, say) is delivered once. Bounded: the oldest ids go first.
 */
export class RecentIds {
  readonly #seenAt = new Map<string, number>();
  readonly #windowMs: number;
  readonly #maxIds: number;

  constructor(windowMs: number, maxIds: number) {
    this.#windowMs = windowMs;
    this.#maxIds = maxIds;
  }

  /** Records `id`; returns false when it was already seen within the window. */
  add(id: string, now: number): boolean {
    const seen = this.#seenAt.get(id);
    if (seen !== undefined && now - seen < this.#windowMs) return false;

    this.#seenAt.delete(id);
    this.#seenAt.set(id, now);
    while (this.#seenAt.size > this.#maxIds) {
      const oldest = this.#seenAt.keys().next().value as string;
      this.#seenAt.delete(oldest);
    }
    return true;
  }
}
