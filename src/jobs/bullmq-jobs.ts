import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import type { RedisKeys } from "../redis/keys.ts";
import { flushProfile, persistRound, type HandlerDeps } from "./handlers.ts";
import { PendingRounds } from "./pending-rounds.ts";
import type { JobProducer } from "./ports.ts";
import {
  FLUSH_JOB,
  PROFILES_QUEUE,
  ROUND_JOB,
  SCORES_QUEUE,
  SWEEP_JOB,
  SWEEP_SCHEDULER_ID,
  defaultJobOptions,
  roundJobId,
  type JobPolicy,
} from "./queues.ts";
import { FlushRequestSchema, RoundResultSchema, type RoundResult } from "./round-result.ts";

export interface BullJobsOptions {
  /** Connection for producers; shared by both queues, never by workers. */
  connection: Redis;
  /** URL the workers open their own blocking connections to. */
  workerUrl: string;
  keys: RedisKeys;
  policy: JobPolicy;
  /** Delay before a profile flush runs; changes within it coalesce into one database write. */
  flushDelayMs: number;
  sweepIntervalMs: number;
  sweepAgeMs: number;
  /** Extra work of the periodic sweep, such as recovering rounds of stopped nodes. */
  onSweep?: (submitRound: (result: RoundResult) => Promise<void>) => Promise<unknown>;
  log: Logger;
}

/** Queue depth as `/healthz` and metrics report it. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/**
 * The job system on BullMQ: producers for rounds and profile flushes, and on demand the workers
 * that run the handlers. Rounds that cannot be queued because Redis is unreachable wait in the
 * process and are queued once it is reachable again.
 */
export class BullJobs implements JobProducer {
  readonly scoresQueue: Queue;
  readonly profilesQueue: Queue;
  readonly #options: BullJobsOptions;
  readonly #pending: PendingRounds;
  readonly #lastFlushScheduled = new Map<string, number>();
  #workers: Worker[] = [];
  #closed = false;

  constructor(options: BullJobsOptions) {
    this.#options = options;
    const queueOptions = {
      connection: options.connection,
      prefix: options.keys.bullPrefix,
      defaultJobOptions: defaultJobOptions(options.policy),
    };
    this.scoresQueue = new Queue(SCORES_QUEUE, queueOptions);
    this.profilesQueue = new Queue(PROFILES_QUEUE, queueOptions);
    this.scoresQueue.on("error", (error) => options.log.warn({ queue: SCORES_QUEUE, err: error.message }, "queue error"));
    this.profilesQueue.on("error", (error) => options.log.warn({ queue: PROFILES_QUEUE, err: error.message }, "queue error"));
    this.#pending = new PendingRounds((result) => this.#addRound(result), options.log);
  }

  async submitRound(result: RoundResult): Promise<void> {
    await this.#pending.submit(result);
  }

  scheduleFlush(playerId: string): void {
    // A flush is already delayed by flushDelayMs, so a second add within half that window
    // would only be deduplicated by BullMQ; skipping it saves a Redis round trip per change.
    const now = Date.now();
    const last = this.#lastFlushScheduled.get(playerId);
    if (last !== undefined && now - last < this.#options.flushDelayMs / 2) return;
    this.#lastFlushScheduled.set(playerId, now);
    if (this.#lastFlushScheduled.size > 50_000) this.#pruneFlushTimes(now);

    this.#addFlush(playerId).catch((error: Error) => {
      // The profile stays in the dirty set, so the periodic sweep schedules it again.
      this.#lastFlushScheduled.delete(playerId);
      this.#options.log.warn({ playerId, err: error.message }, "could not schedule profile flush; the sweep will retry");
    });
  }

  /** Number of finished rounds held in the process because Redis did not accept them yet. */
  get pendingRounds(): number {
    return this.#pending.size;
  }

  /** Starts the workers for both queues and the periodic dirty-profile sweep. */
  async startWorkers(deps: HandlerDeps): Promise<void> {
    const { log, workerUrl, keys, sweepIntervalMs } = this.#options;
    const workerOptions = { connection: { url: workerUrl }, prefix: keys.bullPrefix };

    const scores = new Worker(SCORES_QUEUE, (job) => this.#processScores(deps, job), {
      ...workerOptions,
      concurrency: 4,
    });
    const profiles = new Worker(PROFILES_QUEUE, (job) => this.#processProfiles(deps, job), {
      ...workerOptions,
      concurrency: 8,
    });
    for (const worker of [scores, profiles]) {
      worker.on("failed", (job, error) => {
        log.warn(
          { queue: worker.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
          job && error.name !== "UnrecoverableError" && job.attemptsMade < (job.opts.attempts ?? 1)
            ? "job failed; will retry"
            : "job failed for good",
        );
      });
      worker.on("error", (error) => log.error({ queue: worker.name, err: error.message }, "worker error"));
    }
    this.#workers = [scores, profiles];

    await this.profilesQueue.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: sweepIntervalMs }, { name: SWEEP_JOB });
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()));
    log.info({ queues: [SCORES_QUEUE, PROFILES_QUEUE] }, "job workers started");
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    const read = async (queue: Queue): Promise<QueueCounts> => {
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed");
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    };
    return { [SCORES_QUEUE]: await read(this.scoresQueue), [PROFILES_QUEUE]: await read(this.profilesQueue) };
  }

  /**
   * Stops the workers, giving active jobs `timeoutMs` to finish. BullMQ's close() waits for them
   * without a limit, so after the timeout the workers close forcibly: their unfinished jobs
   * lose their locks and run again on another worker once they are detected as stalled.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const { log } = this.#options;

    await this.#pending.close(timeoutMs);
    await Promise.all(
      this.#workers.map(async (worker) => {
        const graceful = worker.close().then(() => true);
        const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
        if (!(await Promise.race([graceful, timedOut]))) {
          log.warn({ queue: worker.name, timeoutMs }, "worker did not finish its active jobs in time; closing forcibly");
          await worker.close(true);
        }
      }),
    );
    await Promise.all([this.scoresQueue.close(), this.profilesQueue.close()]);
  }

  async #addRound(result: RoundResult): Promise<void> {
    await this.scoresQueue.add(ROUND_JOB, result, { jobId: roundJobId(result.roundId) });
  }

  async #addFlush(playerId: string): Promise<void> {
    await this.profilesQueue.add(
      FLUSH_JOB,
      { playerId },
      {
        delay: this.#options.flushDelayMs,
        deduplication: { id: `flush-${playerId}`, keepLastIfActive: true },
      },
    );
  }

  async #processScores(deps: HandlerDeps, job: Job): Promise<unknown> {
    const parsed = RoundResultSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid round result: ${parsed.error.message}`);
    const outcome = await persistRound(deps, parsed.data);
    deps.log.info({ jobId: job.id, roundId: parsed.data.roundId, ...outcome }, "persisted round scores");
    return outcome;
  }

  async #processProfiles(deps: HandlerDeps, job: Job): Promise<unknown> {
    if (job.name === SWEEP_JOB) return this.#sweep(deps);

    const parsed = FlushRequestSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid flush request: ${parsed.error.message}`);
    return flushProfile(deps, parsed.data);
  }

  async #sweep(deps: HandlerDeps): Promise<{ scheduled: number }> {
    const stale = await deps.profiles.findStaleDirty(this.#options.sweepAgeMs, 1000);
    // Own deduplication ids and no delay: a flush still delayed under the regular id would
    // otherwise swallow these, and a second flush of a profile is harmless.
    await this.profilesQueue.addBulk(
      stale.map((playerId) => ({
        name: FLUSH_JOB,
        data: { playerId },
        opts: { deduplication: { id: `sweep-${playerId}` } },
      })),
    );
    if (stale.length > 0) deps.log.info({ profiles: stale.length }, "sweep rescheduled flushes of stale dirty profiles");
    await this.#options.onSweep?.((result) => this.#addRound(result));
    return { scheduled: stale.length };
  }

  #pruneFlushTimes(now: number): void {
    for (const [playerId, at] of this.#lastFlushScheduled) {
      if (now - at >= this.#options.flushDelayMs) this.#lastFlushScheduled.delete(playerId);
    }
  }
}
