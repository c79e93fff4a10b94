/**
 * Arrival time of the first copy of each global chat message in one bot process. Every bot of
 * the process receives its own copy at about the same moment, so the time from the first copy
 * to a later one is how long that copy waited behind the others. The node sends the copies one
 * after another, and the process handles them one after another. A ring of ids bounds the memory.
 */
export class FirstArrivals {
  readonly #firstAt = new Map<string, number>();
  readonly #ring: Array<string | undefined>;
  #next = 0;

  constructor(capacity: number) {
    this.#ring = new Array<string | undefined>(capacity);
  }

  /** Returns the time since the first copy of `messageId` arrived, 0 for the first copy itself. */
  sinceFirst(messageId: string, atMs: number): number {
    const first = this.#firstAt.get(messageId);
    if (first !== undefined) return atMs - first;
    const evicted = this.#ring[this.#next];
    if (evicted !== undefined) this.#firstAt.delete(evicted);
    this.#ring[this.#next] = messageId;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#firstAt.set(messageId, atMs);
    return 0;
  }
}
