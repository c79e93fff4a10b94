/**
 * Runs at most one task per key at a time: callers that arrive while a task for their key is
 * in flight share its promise, so concurrent cache misses cause one database read.
 */
export class SingleFlight<K, V> {
  readonly #inFlight = new Map<K, Promise<V>>();

  run(key: K, task: () => Promise<V>): Promise<V> {
    const running = this.#inFlight.get(key);
    if (running) return running;

    const started = task().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }
}
