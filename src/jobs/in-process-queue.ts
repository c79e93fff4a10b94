import type { KeepJobs } from "bullmq";
import type { Logger } from "../logger.ts";
import type { QueueCounts } from "./bullmq-jobs.ts";
import { defaultJobOptions, type JobPolicy } from "./queues.ts";

/** Thrown by a processor for a job that can never succeed, such as invalid data. It is not retried. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

/** Job passed to the processor. */
export interface QueuedJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  /** Attempts started so far, including the running one. */
  readonly attemptsMade: number;
}

/** A job that failed on its last attempt, kept for inspection like BullMQ's failed set. */
export interface FailedJob {
  id: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  error: string;
  failedAt: number;
}

export interface AddJobOptions {
  /** Unique id. Adding it again is ignored while the job is queued, running or retained, as in BullMQ. */
  id?: string;
  /** Adding a job with the key of a job still delayed or waiting is ignored (or promotes it, see `promote`). */
  dedupeKey?: string;
  /** Group whose jobs run one at a time. A ready job waits while another job of its group runs. */
  group?: string;
  delayMs?: number;
  /** When a job with `dedupeKey` is delayed, run it now instead of ignoring this add. */
  promote?: boolean;
}

export interface InProcessQueueOptions {
  name: string;
  concurrency: number;
  policy: JobPolicy;
  log: Logger;
}

interface Entry {
  id: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  state: "delayed" | "waiting" | "active";
  /** True when the caller chose the id, so a repeated add must stay ignored after completion. */
  explicitId: boolean;
  dedupeKey?: string;
  group?: string;
  timer?: NodeJS.Timeout;
}

/** Retention limits of finished jobs, read from BullMQ's `removeOnComplete`/`removeOnFail` option. */
interface Retention {
  ageMs: number;
  count: number;
}

function toRetention(option: boolean | number | KeepJobs | undefined): Retention {
  if (option === true) return { ageMs: Infinity, count: 0 };
  if (option === false || option === undefined) return { ageMs: Infinity, count: Infinity };
  if (typeof option === "number") return { ageMs: Infinity, count: option };
  const age = "age" in option ? option.age : undefined;
  const count = "count" in option ? option.count : undefined;
  return { ageMs: age === undefined ? Infinity : age * 1000, count: count ?? Infinity };
}

/**
 * Delay before retry number `attemptsMade`, computed as BullMQ computes the backoff that
 * `defaultJobOptions` configures: exponential (or fixed) with the same jitter.
 */
export function retryDelayMs(policy: JobPolicy, attemptsMade: number): number {
  const backoff = defaultJobOptions(policy).backoff;
  if (backoff === undefined) return 0;
  if (typeof backoff === "number") return backoff;

  const delay = backoff.delay ?? policy.backoffMs;
  const maxDelay = backoff.type === "exponential" ? Math.round(2 ** (attemptsMade - 1) * delay) : delay;
  const jitter = backoff.jitter ?? 0;
  return Math.floor(maxDelay * (1 - jitter) + Math.random() * maxDelay * jitter);
}

/**
 * One job queue in this process's memory: delayed and waiting jobs, at most `concurrency`
 * running ones, retries with the policy's backoff, and the last failures kept for inspection.
 * Jobs exist only in memory and are lost if the process exits before they run.
 */
export class InProcessQueue {
  readonly name: string;
  readonly #options: InProcessQueueOptions;
  readonly #completedRetention: Retention;
  readonly #failedRetention: Retention;
  #processor: ((job: QueuedJob) => Promise<unknown>) | undefined;
  readonly #waiting: Entry[] = [];
  readonly #delayed = new Set<Entry>();
  readonly #active = new Set<Entry>();
  readonly #byId = new Map<string, Entry>();
  readonly #pendingByKey = new Map<string, Entry>();
  readonly #runningGroups = new Set<string>();
  /** Ids of completed jobs with their finish time, so a repeated add stays ignored for a while. */
  readonly #completed = new Map<string, number>();
  readonly #failed = new Map<string, FailedJob>();
  #idleWaiters: Array<() => void> = [];
  #nextId = 1;
  /** Set while the runtime shuts down: delays and backoff are skipped. */
  #immediate = false;

  constructor(options: InProcessQueueOptions) {
    this.name = options.name;
    this.#options = options;
    const { removeOnComplete, removeOnFail } = defaultJobOptions(options.policy);
    this.#completedRetention = toRetention(removeOnComplete);
    this.#failedRetention = toRetention(removeOnFail);
  }

  /** Queues a job. Returns false when an existing job with the same id or key made it unnecessary. */
  add(name: string, data: unknown, options: AddJobOptions = {}): boolean {
    if (options.id !== undefined && this.#isKnown(options.id)) return false;
    if (options.dedupeKey !== undefined) {
      const pending = this.#pendingByKey.get(options.dedupeKey);
      if (pending) {
        if (options.promote && pending.state === "delayed") this.#makeReady(pending);
        return false;
      }
    }

    const entry: Entry = {
      id: options.id ?? `${name}-${this.#nextId++}`,
      name,
      data,
      attemptsMade: 0,
      state: "waiting",
      explicitId: options.id !== undefined,
    };
    if (options.dedupeKey !== undefined) entry.dedupeKey = options.dedupeKey;
    if (options.group !== undefined) entry.group = options.group;
    this.#byId.set(entry.id, entry);
    this.#schedule(entry, options.delayMs ?? 0);
    return true;
  }

  /** Starts running jobs with `processor`. Jobs added earlier wait until then. */
  start(processor: (job: QueuedJob) => Promise<unknown>): void {
    this.#processor = processor;
    this.#pump();
  }

  get started(): boolean {
    return this.#processor !== undefined;
  }

  counts(): QueueCounts {
    return { waiting: this.#waiting.length, active: this.#active.size, delayed: this.#delayed.size, failed: this.#failed.size };
  }

  failedJobs(): FailedJob[] {
    return [...this.#failed.values()];
  }

  /** Ids of jobs not finished yet, for the log line of a shutdown that timed out. */
  unfinishedIds(): string[] {
    return [...this.#byId.keys()];
  }

  /** From now on every delayed job and every retry runs without waiting, for a shutdown. */
  runEverythingNow(): void {
    this.#immediate = true;
    for (const entry of [...this.#delayed]) this.#makeReady(entry);
  }

  /** Resolves true once nothing is delayed, waiting or running, or false at `deadline` (epoch ms). */
  async whenIdle(deadline: number): Promise<boolean> {
    if (this.#byId.size === 0) return true;
    const idle = new Promise<true>((resolve) => this.#idleWaiters.push(() => resolve(true)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([idle, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cancels the timers of delayed jobs. Running jobs finish on their own. */
  stop(): void {
    for (const entry of this.#delayed) clearTimeout(entry.timer);
    this.#processor = undefined;
  }

  #isKnown(id: string): boolean {
    this.#pruneFinished(Date.now());
    return this.#byId.has(id) || this.#completed.has(id) || this.#failed.has(id);
  }

  #schedule(entry: Entry, delayMs: number): void {
    if (entry.dedupeKey !== undefined) this.#pendingByKey.set(entry.dedupeKey, entry);
    if (delayMs <= 0 || this.#immediate) {
      this.#makeReady(entry);
      return;
    }
    entry.state = "delayed";
    this.#delayed.add(entry);
    // Unreferenced, so a pending delay does not keep a finished process alive. close() runs the job.
    entry.timer = setTimeout(() => this.#makeReady(entry), delayMs).unref();
  }

  #makeReady(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    this.#delayed.delete(entry);
    entry.state = "waiting";
    this.#waiting.push(entry);
    this.#pump();
  }

  #pump(): void {
    if (!this.#processor) return;
    let index = 0;
    while (index < this.#waiting.length && this.#active.size < this.#options.concurrency) {
      const entry = this.#waiting[index]!;
      if (entry.group !== undefined && this.#runningGroups.has(entry.group)) {
        index += 1;
        continue;
      }
      this.#waiting.splice(index, 1);
      this.#run(entry, this.#processor);
    }
  }

  #run(entry: Entry, processor: (job: QueuedJob) => Promise<unknown>): void {
    entry.state = "active";
    entry.attemptsMade += 1;
    this.#active.add(entry);
    if (entry.group !== undefined) this.#runningGroups.add(entry.group);
    // Once running, the job no longer absorbs new adds, because a change after its start needs another run.
    if (entry.dedupeKey !== undefined && this.#pendingByKey.get(entry.dedupeKey) === entry) {
      this.#pendingByKey.delete(entry.dedupeKey);
    }
    this.#options.log.debug({ queue: this.name, jobId: entry.id, attempt: entry.attemptsMade }, "job started");

    const job: QueuedJob = { id: entry.id, name: entry.name, data: entry.data, attemptsMade: entry.attemptsMade };
    processor(job).then(
      () => this.#settle(entry, undefined),
      (error: unknown) => this.#settle(entry, error instanceof Error ? error : new Error(String(error))),
    );
  }

  #settle(entry: Entry, error: Error | undefined): void {
    this.#active.delete(entry);
    if (entry.group !== undefined) this.#runningGroups.delete(entry.group);

    if (error === undefined) {
      this.#finish(entry);
      if (entry.explicitId) this.#completed.set(entry.id, Date.now());
    } else {
      this.#handleFailure(entry, error);
    }
    this.#pump();
    if (this.#byId.size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  #handleFailure(entry: Entry, error: Error): void {
    const { log, policy } = this.#options;
    const context = { queue: this.name, jobId: entry.id, attemptsMade: entry.attemptsMade, err: error.message };
    const retryable = !(error instanceof PermanentJobError) && entry.attemptsMade < policy.attempts;

    if (retryable && entry.dedupeKey !== undefined && this.#pendingByKey.has(entry.dedupeKey)) {
      // A newer job with the same key is already pending and does the same work.
      log.warn(context, "job failed; a newer pending job with the same key replaces its retry");
      this.#finish(entry);
      return;
    }
    if (retryable) {
      const delayMs = this.#immediate ? 0 : retryDelayMs(policy, entry.attemptsMade);
      log.warn({ ...context, delayMs }, "job failed; will retry");
      this.#schedule(entry, delayMs);
      return;
    }

    log.error(context, "job failed for good");
    this.#finish(entry);
    this.#failed.set(entry.id, {
      id: entry.id,
      name: entry.name,
      data: entry.data,
      attemptsMade: entry.attemptsMade,
      error: error.message,
      failedAt: Date.now(),
    });
    this.#pruneFinished(Date.now());
  }

  #finish(entry: Entry): void {
    this.#byId.delete(entry.id);
  }

  #pruneFinished(now: number): void {
    this.#prune(this.#completed, this.#completedRetention, now, (finishedAt) => finishedAt);
    this.#prune(this.#failed, this.#failedRetention, now, (job) => job.failedAt);
  }

  /** Drops entries past the retention age, then the oldest beyond the retention count. */
  #prune<V>(entries: Map<string, V>, retention: Retention, now: number, finishedAt: (value: V) => number): void {
    for (const [id, value] of entries) {
      if (now - finishedAt(value) <= retention.ageMs && entries.size <= retention.count) break;
      entries.delete(id);
    }
  }
}
