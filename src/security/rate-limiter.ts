/** Outcome of one rate-limited event. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets per key (a client address), in memory: each key may spend `perMinute` events
 * at once and regains them at `perMinute` per minute. The number of keys is capped, so a
 * client cycling through addresses cannot grow the map without bound. Past the cap the least
 * recently seen key is forgotten, which only resets that key's limit.
 *
 * NOTE: each process keeps its own buckets, so with N game nodes behind one address a client
 * gets up to N times the budget. A cluster-wide limit needs a proxy or a Redis-backed limiter.
 */
export class KeyedRateLimiter {
  readonly #capacity: number;
  readonly #ratePerMs: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perMinute: number, maxKeys = 50_000) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) throw new RangeError(`perMinute must be positive, got ${perMinute}`);
    this.#capacity = perMinute;
    this.#ratePerMs = perMinute / 60_000;
    this.#maxKeys = maxKeys;
  }

  /** Takes one event for `key`, or returns how many seconds until the next one when none is left. */
  take(key: string, now: number): RateVerdict {
    const bucket = this.#refilled(key, now);
    // Re-inserting keeps the map in least-recently-seen order for eviction.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    this.#evictOverflow();
    const verdict = this.#verdict(bucket);
    if (verdict.allowed) bucket.tokens -= 1;
    return verdict;
  }

  /** Checks whether `key` could take an event now, without taking one. */
  peek(key: string, now: number): RateVerdict {
    return this.#verdict(this.#refilled(key, now));
  }

  /** Number of keys currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  #verdict(bucket: Bucket): RateVerdict {
    if (bucket.tokens >= 1) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#ratePerMs / 1000)) };
  }

  #refilled(key: string, now: number): Bucket {
    const bucket = this.#buckets.get(key);
    if (!bucket) return { tokens: this.#capacity, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return { tokens: Math.min(this.#capacity, bucket.tokens + elapsed * this.#ratePerMs), updatedAt: now };
  }

  #evictOverflow(): void {
    while (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done) return;
      this.#buckets.delete(oldest.value);
    }
  }
}
