import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";

/** Interval of the liveness PING, in ms. */
const PING_INTERVAL_MS = 250;
/** A PING unanswered for this long marks Redis unreachable, in ms. */
const PING_TIMEOUT_MS = 750;

/**
 * Whether one Redis responds right now. ioredis's status only changes when a socket closes, so a
 * Redis that hangs or a network that drops packets still looks "ready". A PING without a
 * reply within PING_TIMEOUT_MS reveals those. Request paths ask `reachable` to fail
 * fast instead of queuing commands that wait for the outage to end.
 */
export class RedisLiveness {
  readonly #redis: Redis;
  readonly #name: string;
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;
  readonly #waiters = new Set<() => void>();
  #answered = true;
  #inFlight = false;

  constructor(redis: Redis, name: string, log: Logger) {
    this.#redis = redis;
    this.#name = name;
    this.#log = log;
    this.#timer = setInterval(() => this.#probe(), PING_INTERVAL_MS);
    this.#timer.unref();
    redis.on("close", () => this.#mark(false, "connection closed"));
  }

  get reachable(): boolean {
    return this.#answered && this.#redis.status === "ready";
  }

  /** Resolves as soon as Redis is found unreachable (at once when it already is). */
  whenUnreachable(): { promise: Promise<void>; cancel: () => void } {
    let waiter: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      waiter = resolve;
      if (!this.reachable) resolve();
      else this.#waiters.add(resolve);
    });
    return { promise, cancel: () => this.#waiters.delete(waiter) };
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #probe(): void {
    if (this.#redis.status !== "ready") {
      this.#mark(false, `connection ${this.#redis.status}`);
      return;
    }
    if (this.#inFlight) return;
    this.#inFlight = true;
    const timer = setTimeout(() => this.#mark(false, `no PING answer within ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS);
    this.#redis
      .ping()
      .then(() => this.#mark(true, "PING answered"))
      .catch((error: Error) => this.#mark(false, error.message))
      .finally(() => {
        clearTimeout(timer);
        this.#inFlight = false;
      });
  }

  #mark(answered: boolean, reason: string): void {
    if (answered === this.#answered) return;
    this.#answered = answered;
    if (answered) {
      this.#log.info({ connection: this.#name, reason }, "Redis reachable again");
      return;
    }
    this.#log.warn({ connection: this.#name, reason }, "Redis unreachable");
    for (const waiter of this.#waiters) waiter();
    this.#waiters.clear();
  }
}
