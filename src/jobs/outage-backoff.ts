import { isStoreUnavailable } from "./unavailable-error.ts";

/** Maximum delay between two tries of a job whose store is unreachable, in ms. */
export const OUTAGE_RETRY_MAX_MS = 10_000;

/**
 * Delay before a job that met an unreachable store runs again: doubles with each consecutive
 * such failure of one queue, from `baseMs` up to OUTAGE_RETRY_MAX_MS, and starts over after a
 * job succeeds. The cap bounds how long jobs stay parked once the store is back.
 */
export class OutageBackoff {
  readonly #baseMs: number;
  #streak = 0;

  constructor(baseMs: number) {
    this.#baseMs = baseMs;
  }

  /** Delay for the next retry; counts one more failure. */
  next(): number {
    const delay = Math.min(this.#baseMs * 2 ** Math.min(this.#streak, 20), OUTAGE_RETRY_MAX_MS);
    this.#streak += 1;
    return delay;
  }

  /** Number of consecutive failures since the last success. */
  get streak(): number {
    return this.#streak;
  }

  reset(): void {
    this.#streak = 0;
  }
}

/** The parts of a BullMQ job that parking it needs. */
export interface ParkableJob {
  id?: string | undefined;
  moveToDelayed(timestamp: number, token?: string): Promise<void>;
}

/**
 * Runs `work` for one job. When it fails because a store is unreachable, the job goes back to
 * the delayed set for `backoff.next()` ms without using up an attempt (BullMQ's moveToDelayed
 * skips the attempt count), and `onParked` returns the error the processor must throw so that
 * BullMQ leaves the job where it is (a DelayedError). An outage of any length therefore delays
 * jobs instead of failing them; every other error is rethrown and counts as an attempt.
 */
export async function runParkingOnOutage<T>(
  job: ParkableJob,
  token: string | undefined,
  backoff: OutageBackoff,
  work: () => Promise<T>,
  onParked: (delayMs: number, error: Error) => Error,
): Promise<T> {
  try {
    const result = await work();
    backoff.reset();
    return result;
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error;
    const delayMs = backoff.next();
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw onParked(delayMs, error as Error);
  }
}
