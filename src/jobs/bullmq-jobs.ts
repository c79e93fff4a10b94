import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import type { RedisKeys } from "../redis/keys.ts";
import { flushProfile, persistRound, type HandlerDeps } from "./handlers.ts";
import { OutageBackoff, runParkingOnOutage } from "./outage-backoff.ts";
import { PendingRounds } from "./pending-rounds.ts";
import type { JobProducer } from "./ports.ts";
import {
  FLUSH_JOB,
  PROFILES_CONCURRENCY,
  PROFILES_QUEUE,
  ROUND_JOB,
  SCORES_CONCURRENCY,
  SCORES_QUEUE,
  SWEEP_JOB,
  SWEEP_SCHEDULER_ID,
  defaultJobOptions,
  roundJobId,
  type JobPolicy,
} from "./queues.ts";
import { FlushRequestSchema, RoundResultSchema, type RoundResult } from "./round-result.ts";
import { startWorkerWatchdog, type WatchedWorker } from "./worker-watchdog.ts";

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
  /**
   * Lock of an active job and interval of the stalled-job check (BullMQ's lockDuration and
   * stalledInterval); a killed worker's jobs run again after one to two of these. Default 30 s.
   */
  lockMs?: number;
  /** Idle time after which the watchdog recreates a worker that takes no ready job; 0 turns it off. Default 60 s. */
  watchdogMs?: number;
  log: Logger;
}

type QueueName = typeof SCORES_QUEUE | typeof PROFILES_QUEUE;

/** A running worker with what the watchdog and the outage retries track for it. */
interface WorkerSlot {
  worker: Worker;
  lastActivityAt: number;
  backoff: OutageBackoff;
}

/** Concurrency of each queue's worker. */
const CONCURRENCY: Record<QueueName, number> = { [SCORES_QUEUE]: SCORES_CONCURRENCY, [PROFILES_QUEUE]: PROFILES_CONCURRENCY };

/** Time a replaced or stopping worker gets to close before it is abandoned, in ms. */
const FORCED_CLOSE_MS = 5000;

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
  /** Players whose flush is to be added with the next batch, at the end of this event loop turn. */
  readonly #flushBatch = new Set<string>();
  #flushBatchTimer: NodeJS.Immediate | undefined;
  /** Batches of flush adds in flight, which close() waits for. */
  readonly #flushAdds = new Set<Promise<void>>();
  readonly #slots = new Map<QueueName, WorkerSlot>();
  #deps: HandlerDeps | undefined;
  #stopWatchdog: () => void = () => undefined;
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
    // would only be deduplicated by BullMQ; skipping it saves Redis work per change.
    const now = Date.now();
    const last = this.#lastFlushScheduled.get(playerId);
    if (last !== undefined && now - last < this.#options.flushDelayMs / 2) return;
    this.#lastFlushScheduled.set(playerId, now);
    if (this.#lastFlushScheduled.size > 50_000) this.#pruneFlushTimes(now);

    // The changes of one score job or live sync arrive in one event loop turn; their flushes
    // are added together, in one round trip.
    this.#flushBatch.add(playerId);
    this.#flushBatchTimer ??= setImmediate(() => this.#addFlushBatch());
  }

  /** Adds the flushes collected since the last batch with one `addBulk`. */
  #addFlushBatch(): void {
    clearImmediate(this.#flushBatchTimer);
    this.#flushBatchTimer = undefined;
    const playerIds = [...this.#flushBatch];
    this.#flushBatch.clear();
    if (playerIds.length === 0) return;

    const adding = this.#addFlushes(playerIds).catch((error: Error) => {
      // The profiles stay in the dirty set, so the periodic sweep schedules them again.
      for (const playerId of playerIds) this.#lastFlushScheduled.delete(playerId);
      this.#options.log.warn(
        { profiles: playerIds.length, playerIds: playerIds.slice(0, 10), err: error.message },
        "could not schedule profile flushes; the sweep will retry",
      );
    });
    this.#flushAdds.add(adding);
    void adding.finally(() => this.#flushAdds.delete(adding));
  }

  /** The running workers, one per queue (the watchdog may replace them), for metrics and tests. */
  get workers(): Worker[] {
    return [...this.#slots.values()].map((slot) => slot.worker);
  }

  /** Number of finished rounds held in the process because Redis did not accept them yet. */
  get pendingRounds(): number {
    return this.#pending.size;
  }

  /** Starts the workers for both queues, their watchdog and the periodic dirty-profile sweep. */
  async startWorkers(deps: HandlerDeps): Promise<void> {
    const { log, sweepIntervalMs } = this.#options;
    this.#deps = deps;
    for (const queue of [SCORES_QUEUE, PROFILES_QUEUE] as const) this.#slots.set(queue, this.#createSlot(queue));

    await this.profilesQueue.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: sweepIntervalMs }, { name: SWEEP_JOB });
    await Promise.all([...this.#slots.values()].map((slot) => slot.worker.waitUntilReady()));
    this.#stopWatchdog = startWorkerWatchdog(() => this.#watched(), this.#options.watchdogMs ?? 60_000, log);
    log.info({ queues: [SCORES_QUEUE, PROFILES_QUEUE], lockMs: this.#lockMs }, "job workers started");
  }

  get #lockMs(): number {
    return this.#options.lockMs ?? 30_000;
  }

  /** Creates the worker of one queue on its own blocking connection and wires its events. */
  #createSlot(queue: QueueName): WorkerSlot {
    const { log, workerUrl, keys } = this.#options;
    const slot: WorkerSlot = { worker: undefined as unknown as Worker, lastActivityAt: Date.now(), backoff: new OutageBackoff(this.#options.policy.backoffMs) };
    const worker = new Worker(queue, (job, token) => this.#process(queue, slot, job, token), {
      connection: { url: workerUrl },
      prefix: keys.bullPrefix,
      concurrency: CONCURRENCY[queue],
      // Short enough that a killed worker's jobs run again soon; each job renews its lock at half of it.
      lockDuration: this.#lockMs,
      stalledInterval: this.#lockMs,
    });
    slot.worker = worker;
    const touch = () => {
      slot.lastActivityAt = Date.now();
    };
    worker.on("active", touch);
    worker.on("completed", touch);
    worker.on("failed", (job, error) => {
      touch();
      log.warn(
        { queue, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
        job && error.name !== "UnrecoverableError" && job.attemptsMade < (job.opts.attempts ?? 1) ? "job failed; will retry" : "job failed for good",
      );
    });
    worker.on("error", (error) => log.error({ queue, err: error.message }, "worker error"));
    // A job whose worker died (or lost its lock) is moved back to wait by this check and runs again.
    worker.on("stalled", (jobId) => log.warn({ queue, jobId }, "job stalled; it runs again"));
    return slot;
  }

  /** Runs one job; a job whose store is unreachable is parked in the delayed set instead of failing. */
  async #process(queue: QueueName, slot: WorkerSlot, job: Job, token: string | undefined): Promise<unknown> {
    const deps = this.#deps!;
    const work = queue === SCORES_QUEUE ? () => this.#processScores(deps, job) : () => this.#processProfiles(deps, job);
    return runParkingOnOutage(job, token, slot.backoff, work, (delayMs, error) => {
      deps.log.warn({ queue, jobId: job.id, delayMs, outageStreak: slot.backoff.streak, err: error.message }, "store unreachable; job parked without using an attempt");
      return new DelayedError();
    });
  }

  #watched(): WatchedWorker[] {
    return [...this.#slots].map(([queue, slot]) => ({
      queue,
      lastActivityAt: () => slot.lastActivityAt,
      backlog: () => this.#backlog(queue === SCORES_QUEUE ? this.scoresQueue : this.profilesQueue, slot),
      recreate: (reason) => this.#recreate(queue, reason),
    }));
  }

  /** Jobs ready to run: waiting ones, plus one when the earliest delayed job is already due. */
  async #backlog(queue: Queue, slot: WorkerSlot): Promise<{ ready: number; active: number; paused: boolean }> {
    const counts = await queue.getJobCounts("waiting", "active");
    const [, score] = await this.#options.connection.zrange(queue.keys.delayed!, 0, 0, "WITHSCORES");
    // BullMQ scores delayed jobs as dueTimestamp * 0x1000 + a counter.
    const dueDelayed = score !== undefined && Math.floor(Number(score) / 0x1000) < Date.now() - this.#lockMs ? 1 : 0;
    const paused = slot.worker.isPaused() || (await queue.isPaused());
    return { ready: (counts.waiting ?? 0) + dueDelayed, active: counts.active ?? 0, paused };
  }

  /** Replaces a queue's worker with a fresh one; the old one is closed in the background. */
  async #recreate(queue: QueueName, reason: string): Promise<void> {
    if (this.#closed) return;
    const old = this.#slots.get(queue);
    const fresh = this.#createSlot(queue);
    this.#slots.set(queue, fresh);
    await fresh.worker.waitUntilReady();
    this.#options.log.warn({ queue, reason }, "job worker recreated");
    if (old) void closeWorker(old.worker, FORCED_CLOSE_MS, this.#options.log);
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
   * keep their locks until those expire (JOB_LOCK_MS) and then run again on another worker.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatchdog();

    await this.#pending.close(timeoutMs);
    await Promise.all([...this.#slots.values()].map((slot) => closeWorker(slot.worker, timeoutMs, this.#options.log)));
    // The last jobs' flushes are added before the queues close. A failed or unfinished add only
    // leaves its profiles to the sweep, so the wait is bounded.
    this.#addFlushBatch();
    await Promise.race([Promise.allSettled([...this.#flushAdds]), new Promise((resolve) => setTimeout(resolve, FORCED_CLOSE_MS).unref())]);
    await Promise.all([this.scoresQueue.close(), this.profilesQueue.close()]);
  }

  async #addRound(result: RoundResult): Promise<void> {
    await this.scoresQueue.add(ROUND_JOB, result, { jobId: roundJobId(result.roundId) });
  }

  async #addFlushes(playerIds: readonly string[]): Promise<void> {
    // BullMQ's addBulk (read in 6.7.6) sends each job through the same add script as add, with
    // deduplication, in one pipeline. So a player whose flush is still delayed gets no second job.
    await this.profilesQueue.addBulk(
      playerIds.map((playerId) => ({
        name: FLUSH_JOB,
        data: { playerId },
        opts: {
          delay: this.#options.flushDelayMs,
          deduplication: { id: `flush-${playerId}`, keepLastIfActive: true },
        },
      })),
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

/** Closes a worker, letting active jobs finish for `timeoutMs`, then forcibly. */
async function closeWorker(worker: Worker, timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = worker.close().then(() => true);
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const finished = await Promise.race([graceful, timedOut]);
  clearTimeout(timer);
  if (finished) return;
  log.warn({ queue: worker.name, timeoutMs }, "worker did not finish its active jobs in time; closing forcibly");
  await Promise.race([worker.close(true), new Promise((resolve) => setTimeout(resolve, FORCED_CLOSE_MS).unref())]);
}
