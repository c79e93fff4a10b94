import { RedisDriver } from "@colyseus/redis-driver";
import { RoundRecovery } from "../cluster/round-recovery.ts";
import { RedisSessionRegistry } from "../cluster/redis-session-registry.ts";
import { RedisPresence } from "@colyseus/redis-presence";
import { RedisProfileStore } from "../cache/redis-profile-store.ts";
import type { Config } from "../config/env.ts";
import { ensureDatabaseExists, openPostgres, redactUrl } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { BullJobs } from "../jobs/bullmq-jobs.ts";
import { RedisLeaderboard } from "../leaderboard/redis-leaderboard.ts";
import type { Logger } from "../logger.ts";
import { openRedis, waitForRedis } from "../redis/connection.ts";
import { checkEvictionPolicy } from "../redis/eviction-policy.ts";
import { RedisLiveness } from "../redis/liveness.ts";
import { installMatchmakingGuard } from "../redis/matchmaking-guard.ts";
import { createRedisKeys } from "../redis/keys.ts";
import type { Backends } from "./backends.ts";
import type { OpenedDatabase } from "./database-part.ts";

export interface RedisBackendOptions {
  /** Also open Colyseus's Redis presence and driver (game nodes); workers do not need them. */
  withMatchmaking: boolean;
  /** A database opened by the caller (PostgreSQL or PGlite); by default PostgreSQL at DATABASE_URL is opened. */
  database?: OpenedDatabase;
}

/**
 * Opens the scaled-out back ends: Redis for the profile cache, leaderboard, BullMQ queues and
 * Colyseus presence, PostgreSQL (or the caller's database) as the system of record. Creates the
 * database and applies migrations. Fails when either store is unreachable, and when a Redis runs
 * with an eviction policy that could drop what it holds.
 *
 * Where the Redis data lives: REDIS_URL (the queue Redis, noeviction) stores BullMQ, Colyseus's
 * presence and driver, session ownership and round checkpoints. CACHE_REDIS_URL, when set, holds
 * the profiles, the dirty set, the leaderboard and the round-finished markers, and may evict
 * keys with a TTL (volatile-*): only clean profiles and markers of finished jobs have one.
 * Sessions and checkpoints stay on the queue Redis because evicting them would let a replaced
 * session keep writing, or lose a dead node's unfinished round.
 */
export async function openRedisBackends(config: Config, log: Logger, options: RedisBackendOptions): Promise<Backends> {
  const keys = createRedisKeys(config.REDIS_PREFIX);

  let database = options.database;
  if (!database) {
    await ensureDatabaseExists(config.DATABASE_URL, log);
    database = { db: openPostgres(config.DATABASE_URL, log), description: `PostgreSQL at ${redactUrl(config.DATABASE_URL)}` };
    await migrate(database.db, log);
  }
  const { db } = database;

  const cacheUrl = config.CACHE_REDIS_URL ?? config.REDIS_URL;
  const separateCache = config.CACHE_REDIS_URL !== undefined;
  const redis = openRedis(cacheUrl, "command", "orbit-cache", log);
  const queueRedis = openRedis(config.REDIS_URL, "command", "orbit-queue", log);
  // Session ownership and checkpoints: on the queue Redis when the cache has its own server.
  const stateRedis = separateCache ? queueRedis : redis;
  try {
    await Promise.all([waitForRedis(redis, cacheUrl, 5000), waitForRedis(queueRedis, config.REDIS_URL, 5000)]);
    await checkEvictionPolicy(queueRedis, "queue", "REDIS_URL", config.REDIS_URL, log);
    if (separateCache) await checkEvictionPolicy(redis, "cache", "CACHE_REDIS_URL", cacheUrl, log);
  } catch (error) {
    redis.disconnect();
    queueRedis.disconnect();
    throw error;
  }

  const jobs = new BullJobs({
    connection: queueRedis,
    workerUrl: config.REDIS_URL,
    keys,
    policy: { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS, keepCompleted: config.JOB_KEEP_COMPLETED },
    lockMs: config.JOB_LOCK_MS,
    watchdogMs: config.JOB_WATCHDOG_MS,
    flushDelayMs: config.PROFILE_FLUSH_DELAY_MS,
    sweepIntervalMs: config.PROFILE_SWEEP_INTERVAL_MS,
    sweepAgeMs: config.PROFILE_SWEEP_AGE_MS,
    onSweep: (submit) => recovery.recover(submit),
    log,
  });
  const recovery = new RoundRecovery(stateRedis, keys, log);
  const profiles = new RedisProfileStore({
    redis,
    durable: stateRedis,
    keys,
    db,
    log,
    cacheTtlSeconds: config.PROFILE_CACHE_TTL_SECONDS,
    roundMarkerTtlSeconds: config.ROUND_MARKER_TTL_SECONDS,
    onDirty: (playerId) => jobs.scheduleFlush(playerId),
  });
  const leaderboard = new RedisLeaderboard(redis, keys, db, profiles, log);
  const sessions = new RedisSessionRegistry(stateRedis, keys);

  // Colyseus's presence and driver quit their connections on shutdown, so they get their own.
  const presence = options.withMatchmaking ? new RedisPresence(config.REDIS_URL) : undefined;
  const driver = options.withMatchmaking ? new RedisDriver(config.REDIS_URL) : undefined;
  // Matchmaking needs the queue Redis (presence, driver, sessions), so it is rejected at once
  // while that Redis does not respond, instead of waiting for the outage to end.
  const liveness = options.withMatchmaking ? new RedisLiveness(queueRedis, "orbit-queue", log) : undefined;
  const removeGuard = liveness ? installMatchmakingGuard(liveness, log) : () => undefined;

  let closed = false;
  return {
    describe: {
      rooms: options.withMatchmaking ? `Redis presence and driver at ${redactUrl(config.REDIS_URL)}` : "none",
      cache: `Redis at ${redactUrl(cacheUrl)} with key prefix ${config.REDIS_PREFIX}`,
      jobs: "BullMQ on Redis",
      database: database.description,
    },
    db,
    profiles,
    leaderboard,
    sessions,
    jobs,
    presence,
    driver,
    health: {
      redis: async () => {
        await Promise.all([redis.ping(), queueRedis.ping()]);
        return separateCache ? { cache: "separate" } : {};
      },
      postgres: async () => {
        await db.ping();
        return {};
      },
      queue: async () => ({ ...(await jobs.counts()), pendingRounds: jobs.pendingRounds }),
    },
    async close() {
      if (closed) return;
      closed = true;
      removeGuard();
      liveness?.stop();
      await jobs.close(config.SHUTDOWN_TIMEOUT_MS);
      await Promise.all([redis.quit().catch(() => undefined), queueRedis.quit().catch(() => undefined)]);
      await db.close();
    },
  };
}
