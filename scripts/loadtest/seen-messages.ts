/**
 * Ids of the last `capacity` messages one client received, so a message delivered to it twice
 * is counted once. A ring bounds the memory per bot. An id older than the ring is forgotten,
 * which is harmless because a duplicate arrives within moments of the first copy.
 */
export class SeenMessages {
  readonly #ids = new Set<string>();
  readonly #ring: Array<string | undefined>;
  #next = 0;

  constructor(capacity: number) {
    this.#ring = new Array<string | undefined>(capacity);
  }

  /** Remembers `id` and returns false when it was already remembered. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    const evicted = this.#ring[this.#next];
    if (evicted !== undefined) this.#ids.delete(evicted);
    this.#ring[this.#next] = id;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#ids.add(id);
    return true;
  }
}
