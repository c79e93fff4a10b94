import type { Redis } from "ioredis";
import { redactUrl } from "../db/database.ts";
import type { Logger } from "../logger.ts";

/** The role of one Redis, which decides the eviction policies it may run with. */
export type RedisUse = "queue" | "cache";

/** Raised when a Redis runs with an eviction policy that could silently drop data Orbit Arena needs. */
export class EvictionPolicyError extends Error {
  override name = "EvictionPolicyError";
}

/**
 * Policies each use accepts. The queue Redis stores BullMQ's jobs, Colyseus's presence, session
 * ownership and round checkpoints, none of which may vanish, so only `noeviction` fits. The
 * cache Redis may evict keys that have a TTL (volatile-*): clean profiles have one, while dirty
 * profiles, the dirty set, the leaderboard and unfinished rounds' markers have none. An allkeys-*
 * policy could evict a dirty profile, whose changes would then never reach PostgreSQL.
 */
function accepts(use: RedisUse, policy: string): boolean {
  if (policy === "noeviction") return true;
  return use === "cache" && policy.startsWith("volatile-");
}

function advice(use: RedisUse, variable: string): string {
  return use === "queue"
    ? `set maxmemory-policy noeviction on it (redis.conf, or CONFIG SET maxmemory-policy noeviction); to let the profile cache evict, give it its own Redis with CACHE_REDIS_URL and a volatile-lru policy`
    : `set maxmemory-policy volatile-lru (or another volatile-* policy, or noeviction) on the Redis at ${variable}`;
}

/**
 * Reads `maxmemory-policy` and throws EvictionPolicyError when it does not suit `use`. A Redis
 * that refuses CONFIG (renamed or disabled, as managed services do) cannot be checked, so that
 * only logs a warning naming the policy to set.
 */
export async function checkEvictionPolicy(redis: Redis, use: RedisUse, variable: string, url: string, log: Logger): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    policy = reply[1];
  } catch (error) {
    log.warn(
      { redis: redactUrl(url), use, err: (error as Error).message },
      `could not read maxmemory-policy (CONFIG is disabled); make sure this Redis runs with ${use === "queue" ? "noeviction" : "volatile-lru or noeviction"}`,
    );
    return;
  }
  if (policy === undefined || accepts(use, policy)) {
    log.info({ redis: redactUrl(url), use, policy }, "Redis eviction policy checked");
    return;
  }
  const contents = use === "queue" ? "the job queues, sessions and round checkpoints" : "profiles not yet written to PostgreSQL";
  throw new EvictionPolicyError(
    `Redis at ${redactUrl(url)} (${variable}) runs with maxmemory-policy ${policy}, which can evict ${contents} and lose scores; ${advice(use, variable)}.`,
  );
}
