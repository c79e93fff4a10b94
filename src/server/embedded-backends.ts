import { MemoryProfileStore } from "../cache/memory-profile-store.ts";
import { LocalSessionRegistry } from "../cluster/local-session-registry.ts";
import type { Config } from "../config/env.ts";
import { InProcessJobs } from "../jobs/in-process-jobs.ts";
import { MemoryLeaderboard } from "../leaderboard/memory-leaderboard.ts";
import type { Logger } from "../logger.ts";
import type { Backends } from "./backends.ts";
import type { OpenedDatabase } from "./database-part.ts";

export interface EmbeddedBackendOptions {
  /** The system of record (PGlite or PostgreSQL), opened and migrated; `close` closes it. */
  database: OpenedDatabase;
}

/**
 * Opens the single-process back ends: Colyseus's local presence and driver, the profile cache
 * and leaderboard in memory, and jobs in this process, on top of the given database. Rebuilds
 * the leaderboard from the database before returning. Nothing here lets a second process
 * share the rooms or the cache; that needs Redis.
 */
export async function openEmbeddedBackends(config: Config, log: Logger, options: EmbeddedBackendOptions): Promise<Backends> {
  const { db, description } = options.database;
  const jobs = new InProcessJobs({
    policy: { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS },
    flushDelayMs: config.PROFILE_FLUSH_DELAY_MS,
    sweepIntervalMs: config.PROFILE_SWEEP_INTERVAL_MS,
    sweepAgeMs: config.PROFILE_SWEEP_AGE_MS,
    log,
  });
  const sessions = new LocalSessionRegistry();
  const profiles = new MemoryProfileStore({
    db,
    log,
    acceptsEpoch: (playerId, epoch) => sessions.acceptsNow(playerId, epoch),
    cacheTtlSeconds: config.PROFILE_CACHE_TTL_SECONDS,
    roundMarkerTtlSeconds: config.ROUND_MARKER_TTL_SECONDS,
    onDirty: (playerId) => jobs.scheduleFlush(playerId),
    // The leaderboard is created below; the store calls this only after a change, later on.
    onTotalScore: (playerId, totalScore) => leaderboard.raise(playerId, totalScore),
  });
  const leaderboard = new MemoryLeaderboard(db, profiles, log);
  await leaderboard.rebuild();

  let closing: Promise<void> | undefined;
  return {
    describe: {
      rooms: "in this process (Colyseus local presence and driver)",
      cache: "in this process's memory",
      jobs: "in this process, not durable across a crash",
      database: description,
    },
    db,
    profiles,
    leaderboard,
    jobs,
    sessions,
    // Undefined presence and driver make Colyseus use LocalPresence and LocalDriver.
    presence: undefined,
    driver: undefined,
    health: {
      redis: async () => ({ mode: "embedded", detail: "not used; the cache runs in this process" }),
      postgres: async () => {
        await db.ping();
        return {};
      },
      queue: async () => ({ mode: "in-process", ...(await jobs.counts()) }),
    },
    close() {
      // Jobs first: closing them writes every dirty profile to the database.
      closing ??= jobs.close(config.SHUTDOWN_TIMEOUT_MS).finally(() => db.close());
      return closing;
    },
  };
}
