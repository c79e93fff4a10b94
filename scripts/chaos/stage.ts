import { randomBytes } from "node:crypto";
import type { PostgresCluster } from "./postgres-cluster.ts";
import type { RedisServer } from "./redis-server.ts";

/** The Redis and PostgreSQL the chaos runner owns; scenarios take their own database and key space on them. */
export interface ChaosStage {
  redis: RedisServer;
  postgres: PostgresCluster;
}

/** One scenario's slice of the stage: a Redis logical database, a key prefix and a PostgreSQL database. */
export interface ScenarioSpace {
  redisUrl: string;
  prefix: string;
  databaseUrl: string;
  jwtSecret: string;
}

let nextRedisDb = 1;

/** Gives a scenario its own Redis database (Colyseus's keys have no prefix) and PostgreSQL database. */
export function claimSpace(stage: ChaosStage, name: string): ScenarioSpace {
  const id = randomBytes(3).toString("hex");
  const db = nextRedisDb;
  nextRedisDb = (nextRedisDb % 15) + 1;
  return {
    redisUrl: stage.redis.url(db),
    prefix: `chaos-${name}-${id}:`,
    databaseUrl: stage.postgres.url(`chaos_${name.replace(/\W/g, "_")}_${id}`),
    jwtSecret: `chaos-secret-${id}-0123456789abcdef0123456789abcdef`,
  };
}

/**
 * Environment of a game node or worker in a scenario: short rounds, flushes and sweeps so the
 * scenarios finish in seconds, and no per-address rate limits (every bot shares 127.0.0.1).
 */
export function processEnv(space: ScenarioSpace, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    STORAGE_MODE: "external",
    TRANSPORT: "ws",
    REDIS_URL: space.redisUrl,
    REDIS_PREFIX: space.prefix,
    DATABASE_URL: space.databaseUrl,
    JWT_SECRET: space.jwtSecret,
    LOG_LEVEL: "info",
    ROUND_SECONDS: "3",
    RESULTS_SECONDS: "1",
    RECONNECT_SECONDS: "5",
    PROFILE_FLUSH_DELAY_MS: "300",
    PROFILE_SWEEP_INTERVAL_MS: "1000",
    PROFILE_SWEEP_AGE_MS: "2000",
    JOB_BACKOFF_MS: "200",
    JOB_LOCK_MS: "3000",
    JOB_WATCHDOG_MS: "5000",
    SHUTDOWN_TIMEOUT_MS: "5000",
    GUEST_RATE_PER_MINUTE: "0",
    JOIN_RATE_PER_MINUTE: "0",
    ...overrides,
  };
}
