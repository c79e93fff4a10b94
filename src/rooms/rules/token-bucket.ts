/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`. Each admitted
 * event takes one token; an event that finds the bucket empty is over budget.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #ratePerMs: number;
  #tokens: number;
  #updatedAt: number;

  constructor(capacity: number, ratePerSecond: number, now: number) {
    this.#capacity = capacity;
    this.#ratePerMs = ratePerSecond / 1000;
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  /** Takes one token; returns false when none is left. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#ratePerMs);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
