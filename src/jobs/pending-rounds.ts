import type { Logger } from "../logger.ts";
import type { RoundResult } from "./round-result.ts";

/** Delay between attempts to hand held rounds to the queue, in ms. */
const RETRY_INTERVAL_MS = 2000;

/**
 * Finished rounds that could not be queued yet, kept in the process and retried in order
 * until the queue accepts them. This covers a Redis outage; a crash of the process during
 * the outage loses what is held here.
 */
export class PendingRounds {
  readonly #enqueue: (result: RoundResult) => Promise<void>;
  readonly #log: Logger;
  readonly #held: RoundResult[] = [];
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;

  constructor(enqueue: (result: RoundResult) => Promise<void>, log: Logger) {
    this.#enqueue = enqueue;
    this.#log = log;
  }

  get size(): number {
    return this.#held.length;
  }

  async submit(result: RoundResult): Promise<void> {
    if (this.#held.length === 0) {
      try {
        await this.#enqueue(result);
        return;
      } catch (error) {
        this.#log.warn({ roundId: result.roundId, err: (error as Error).message }, "could not queue round; holding it in the process");
      }
    }
    this.#held.push(result);
    this.#scheduleRetry();
  }

  /** Tries once more to queue every held round, waiting at most `timeoutMs`; logs what stays held. */
  async close(timeoutMs: number): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#held.length === 0) return;

    const timedOut = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([this.#drain(), timedOut]);
    if (this.#held.length > 0) {
      this.#log.error(
        { rounds: this.#held.length, roundIds: this.#held.map((round) => round.roundId) },
        "exiting with rounds that could not be queued; their scores are lost",
      );
    }
  }

  #scheduleRetry(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain().finally(() => {
        if (this.#held.length > 0) this.#scheduleRetry();
      });
    }, RETRY_INTERVAL_MS);
  }

  #drain(): Promise<void> {
    this.#draining ??= this.#drainHeld().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #drainHeld(): Promise<void> {
    while (this.#held.length > 0) {
      const next = this.#held[0]!;
      try {
        await this.#enqueue(next);
      } catch (error) {
        this.#log.warn({ held: this.#held.length, err: (error as Error).message }, "queue still unavailable; will retry");
        return;
      }
      this.#held.shift();
      this.#log.info({ roundId: next.roundId, held: this.#held.length }, "queued a held round");
    }
  }
}
