import type { Logger } from "../logger.ts";
import type { JobRuntime } from "../server/backends.ts";
import type { QueueCounts } from "./bullmq-jobs.ts";
import { flushProfile, persistRound, type HandlerDeps } from "./handlers.ts";
import { InProcessQueue, PermanentJobError, type FailedJob, type QueuedJob } from "./in-process-queue.ts";
import {
  FLUSH_JOB,
  PROFILES_CONCURRENCY,
  PROFILES_QUEUE,
  ROUND_JOB,
  SCORES_CONCURRENCY,
  SCORES_QUEUE,
  SWEEP_JOB,
  roundJobId,
  type JobPolicy,
} from "./queues.ts";
import { FlushRequestSchema, RoundResultSchema, type RoundResult } from "./round-result.ts";

export interface InProcessJobsOptions {
  policy: JobPolicy;
  /** Delay before a profile flush runs; changes within it coalesce into one database write. */
  flushDelayMs: number;
  sweepIntervalMs: number;
  sweepAgeMs: number;
  log: Logger;
}

/** Maximum number of stale profiles one periodic sweep reschedules, as in the BullMQ sweep. */
const SWEEP_BATCH = 1000;

/**
 * The job system inside the game process, for the embedded mode. It runs the same handlers as
 * the BullMQ workers with the same rules. Attempts and exponential backoff come from the policy.
 * A round id runs once while its job is queued, running or retained. A player has at most one
 * pending and one running flush. A periodic sweep reschedules flushes of stale dirty profiles.
 *
 * NOTE: the queues exist in this process's memory only. A crash loses every round and profile
 * flush still queued or retrying, and only `close` runs them first. BullMQ on Redis is the
 * durable choice.
 */
export class InProcessJobs implements JobRuntime {
  readonly #options: InProcessJobsOptions;
  readonly #scores: InProcessQueue;
  readonly #profiles: InProcessQueue;
  #deps: HandlerDeps | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(options: InProcessJobsOptions) {
    this.#options = options;
    const { policy, log } = options;
    // The same concurrency as the BullMQ workers'.
    this.#scores = new InProcessQueue({ name: SCORES_QUEUE, concurrency: SCORES_CONCURRENCY, policy, log });
    this.#profiles = new InProcessQueue({ name: PROFILES_QUEUE, concurrency: PROFILES_CONCURRENCY, policy, log });
  }

  async submitRound(result: RoundResult): Promise<void> {
    if (this.#closed) {
      throw new Error(`in-process job runtime is closed, so round ${result.roundId} of room ${result.roomId} was not queued`);
    }
    const added = this.#scores.add(ROUND_JOB, result, { id: roundJobId(result.roundId) });
    if (!added) this.#options.log.info({ roundId: result.roundId }, "round already queued or processed; ignored the duplicate");
  }

  scheduleFlush(playerId: string): void {
    this.#queueFlush(playerId, this.#options.flushDelayMs, false);
  }

  /** Starts running both queues and the periodic dirty-profile sweep. */
  async startWorkers(deps: HandlerDeps): Promise<void> {
    if (this.#deps) throw new Error("in-process job workers were already started");
    if (this.#closing) throw new Error("in-process job runtime is closing, so workers cannot start");
    this.#deps = deps;

    this.#scores.start((job) => this.#processRound(deps, job));
    this.#profiles.start((job) => this.#processProfile(deps, job));
    this.#sweepTimer = setInterval(() => {
      this.#profiles.add(SWEEP_JOB, {}, { dedupeKey: SWEEP_JOB, group: SWEEP_JOB });
    }, this.#options.sweepIntervalMs).unref();
    this.#options.log.info({ queues: [SCORES_QUEUE, PROFILES_QUEUE] }, "in-process job workers started");
  }

  async counts(): Promise<Record<typeof SCORES_QUEUE | typeof PROFILES_QUEUE, QueueCounts>> {
    return { [SCORES_QUEUE]: this.#scores.counts(), [PROFILES_QUEUE]: this.#profiles.counts() };
  }

  /** Jobs that failed on their last attempt, newest last, kept as long as BullMQ keeps failed jobs. */
  failedJobs(): Array<FailedJob & { queue: string }> {
    return [
      ...this.#scores.failedJobs().map((job) => ({ ...job, queue: SCORES_QUEUE })),
      ...this.#profiles.failedJobs().map((job) => ({ ...job, queue: PROFILES_QUEUE })),
    ];
  }

  /**
   * Runs every queued job now, without its remaining delay or backoff, then flushes every dirty
   * profile, and stops. Gives up after `timeoutMs` and logs what is lost; jobs still running
   * then finish in the background.
   */
  close(timeoutMs: number): Promise<void> {
    this.#closing ??= this.#drainAndStop(timeoutMs);
    return this.#closing;
  }

  #queueFlush(playerId: string, delayMs: number, promote: boolean): void {
    if (this.#closed) {
      this.#options.log.warn({ playerId }, "in-process job runtime is closed; profile flush not scheduled");
      return;
    }
    this.#profiles.add(FLUSH_JOB, { playerId }, { dedupeKey: `flush-${playerId}`, group: `player-${playerId}`, delayMs, promote });
  }

  async #processRound(deps: HandlerDeps, job: QueuedJob): Promise<void> {
    const parsed = RoundResultSchema.safeParse(job.data);
    if (!parsed.success) throw new PermanentJobError(`invalid round result: ${parsed.error.message}`);
    const outcome = await persistRound(deps, parsed.data);
    deps.log.info({ jobId: job.id, roundId: parsed.data.roundId, ...outcome }, "persisted round scores");
  }

  async #processProfile(deps: HandlerDeps, job: QueuedJob): Promise<void> {
    if (job.name === SWEEP_JOB) {
      await this.#sweep(deps, this.#options.sweepAgeMs, SWEEP_BATCH);
      return;
    }
    const parsed = FlushRequestSchema.safeParse(job.data);
    if (!parsed.success) throw new PermanentJobError(`invalid flush request: ${parsed.error.message}`);
    await flushProfile(deps, parsed.data);
  }

  /** Runs the flush of each profile dirty for `minAgeMs` now. A flush still delayed loses its delay. */
  async #sweep(deps: HandlerDeps, minAgeMs: number, limit: number): Promise<number> {
    const stale = await deps.profiles.findStaleDirty(minAgeMs, limit);
    for (const playerId of stale) this.#queueFlush(playerId, 0, true);
    if (stale.length > 0) deps.log.info({ profiles: stale.length }, "sweep rescheduled flushes of stale dirty profiles");
    return stale.length;
  }

  async #drainAndStop(timeoutMs: number): Promise<void> {
    const { log } = this.#options;
    clearInterval(this.#sweepTimer);
    const deadline = Date.now() + timeoutMs;
    const deps = this.#deps;
    log.info({ timeoutMs, ...(await this.counts()) }, "in-process job runtime stopping; running queued jobs now");

    let finished = this.#scores.unfinishedIds().length === 0 && this.#profiles.unfinishedIds().length === 0;
    if (deps) {
      this.#scores.runEverythingNow();
      this.#profiles.runEverythingNow();
      finished = await this.#whenIdle(deadline);
      if (finished) finished = await this.#flushEverything(deps, deadline);
    }
    this.#closed = true;
    this.#scores.stop();
    this.#profiles.stop();
    await this.#reportLosses(deps, finished);
    log.info("in-process job runtime stopped");
  }

  /** Final sweep: profiles changed in this process's memory would not outlive it. */
  async #flushEverything(deps: HandlerDeps, deadline: number): Promise<boolean> {
    try {
      await this.#sweep(deps, 0, Number.MAX_SAFE_INTEGER);
    } catch (error) {
      this.#options.log.error({ err: (error as Error).message }, "final sweep of dirty profiles failed");
    }
    return this.#whenIdle(deadline);
  }

  async #whenIdle(deadline: number): Promise<boolean> {
    const [scores, profiles] = await Promise.all([this.#scores.whenIdle(deadline), this.#profiles.whenIdle(deadline)]);
    return scores && profiles;
  }

  async #reportLosses(deps: HandlerDeps | undefined, finished: boolean): Promise<void> {
    const { log } = this.#options;
    if (!finished) {
      log.error(
        {
          workersStarted: deps !== undefined,
          rounds: this.#scores.unfinishedIds(),
          profileJobs: this.#profiles.unfinishedIds().length,
        },
        "in-process jobs did not finish before shutdown; their rounds and profile changes are lost",
      );
    }
    const backlog = await deps?.profiles.backlog().catch(() => undefined);
    if (backlog && backlog.count > 0) {
      log.error({ profiles: backlog.count }, "profiles with changes not written to the database at shutdown; those changes are lost");
    }
  }
}
