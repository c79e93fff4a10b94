import type { JobsOptions } from "bullmq";

/** Queue of finished rounds; one job per round writes its scores to PostgreSQL. */
export const SCORES_QUEUE = "scores";

/** Queue of profile write-behind flushes and the periodic sweep of forgotten dirty profiles. */
export const PROFILES_QUEUE = "profiles";

export const ROUND_JOB = "round";
export const FLUSH_JOB = "flush";
export const SWEEP_JOB = "sweep";
export const SWEEP_SCHEDULER_ID = "profile-sweep";

/**
 * Score jobs one worker runs at a time. A job spends most of its time waiting on PostgreSQL and
 * Redis round trips, so more jobs in flight raise throughput. Measured with the score scenario
 * of `npm run bench` on 2 cores that Redis, PostgreSQL and the benchmark shared, 2 to 6 runs each:
 * 4 gave 9,400-11,600 scores/s, 8 gave 12,500-13,600, 16 gave 11,500-15,400, and 32 gave no
 * more (12,500-15,300). Each running insert uses one of the pool's PostgreSQL connections, and
 * jobs beyond the pool size wait for one.
 */
export const SCORES_CONCURRENCY = 16;

/** Profile flushes one worker runs at a time. Each uses a PostgreSQL connection while it writes. */
export const PROFILES_CONCURRENCY = 8;

/** Retry and retention settings shared by every job. */
export interface JobPolicy {
  /** Attempts before a job stays in the failed set. */
  attempts: number;
  /** First retry delay in ms; each further retry doubles it. */
  backoffMs: number;
  /** Completed jobs kept per queue; 10 000 when omitted. */
  keepCompleted?: number;
}

/**
 * Default options of every job: exponential backoff, and finished jobs trimmed by age and count
 * so Redis memory stays flat; failed jobs are kept longer so operators can see why they failed.
 */
export function defaultJobOptions(policy: JobPolicy): JobsOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: "exponential", delay: policy.backoffMs, jitter: 0.2 },
    removeOnComplete: { age: 3600, count: policy.keepCompleted ?? 10_000 },
    removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
  };
}

/** BullMQ job ids may not contain ':'; round ids are UUIDs, so this id is unique per round. */
export function roundJobId(roundId: string): string {
  return `round-${roundId}`;
}
