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
 * database and applies migrations. Fails when either store is unreachable.
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

  const redis = openRedis(config.REDIS_URL, "command", "orbit-cache", log);
  const queueRedis = openRedis(config.REDIS_URL, "command", "orbit-queue", log);
  await Promise.all([waitForRedis(redis, config.REDIS_URL, 5000), waitForRedis(queueRedis, config.REDIS_URL, 5000)]);

  const jobs = new BullJobs({
    connection: queueRedis,
    workerUrl: config.REDIS_URL,
    keys,
    policy: { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS },
    flushDelayMs: config.PROFILE_FLUSH_DELAY_MS,
    sweepIntervalMs: config.PROFILE_SWEEP_INTERVAL_MS,
    sweepAgeMs: config.PROFILE_SWEEP_AGE_MS,
    onSweep: (submit) => recovery.recover(submit),
    log,
  });
  const recovery = new RoundRecovery(redis, keys, log);
  const profiles = new RedisProfileStore({
    redis,
    keys,
    db,
    log,
    cacheTtlSeconds: config.PROFILE_CACHE_TTL_SECONDS,
    onDirty: (playerId) => jobs.scheduleFlush(playerId),
  });
  const leaderboard = new RedisLeaderboard(redis, keys, db, profiles, log);
  const sessions = new RedisSessionRegistry(redis, keys);

  // Colyseus's presence and driver quit their connections on shutdown, so they get their own.
  const presence = options.withMatchmaking ? new RedisPresence(config.REDIS_URL) : undefined;
  const driver = options.withMatchmaking ? new RedisDriver(config.REDIS_URL) : undefined;

  let closed = false;
  return {
    describe: {
      rooms: options.withMatchmaking ? `Redis presence and driver at ${redactUrl(config.REDIS_URL)}` : "none",
      cache: `Redis at ${redactUrl(config.REDIS_URL)} with key prefix ${config.REDIS_PREFIX}`,
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
        await redis.ping();
        return {};
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
      await jobs.close(config.SHUTDOWN_TIMEOUT_MS);
      await Promise.all([redis.quit().catch(() => undefined), queueRedis.quit().catch(() => undefined)]);
      await db.close();
    },
  };
}
