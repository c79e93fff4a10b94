import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../logger.ts";
import { redactUrl } from "../db/database.ts";

/**
 * How a connection treats commands while Redis is down.
 * - "command": fail fast (no offline queue) so request paths return an error instead of hanging.
 * - "blocking": BullMQ workers and queue events, which need `maxRetriesPerRequest: null` and wait for Redis.
 */
export type ConnectionRole = "command" | "blocking";

/**
 * Opens an ioredis connection for one role and logs its state changes with the connection name.
 * Passwords in the URL are never logged.
 */
export function openRedis(url: string, role: ConnectionRole, name: string, log: Logger): Redis {
  const options: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    ...(role === "blocking"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: true, commandTimeout: 5000 }),
  };
  const redis = new Redis(url, options);

  let wasReady = false;
  redis.on("ready", () => {
    if (wasReady) log.info({ connection: name }, "Redis connection restored");
    wasReady = true;
  });
  redis.on("error", (error: Error) => {
    log.warn({ connection: name, url: redactUrl(url), err: error.message }, "Redis connection error");
  });
  return redis;
}

/**
 * Waits until a connection is ready, or fails after `timeoutMs` with a message naming the URL.
 * Also fails when Redis rejected the database number of the URL.
 */
export async function waitForRedis(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  await waitForReady(redis, url, timeoutMs);
  await checkSelectedDatabase(redis, url);
}

/**
 * Fails when the connection is not on the URL's database. ioredis logs a rejected SELECT (for
 * example `ERR DB index is out of range`) and goes on with database 0, where this project's keys
 * would mix with another deployment's.
 */
async function checkSelectedDatabase(redis: Redis, url: string): Promise<void> {
  const requested = Number(new URL(url).pathname.slice(1) || "0");
  if (!Number.isInteger(requested) || requested === 0) return;

  let info: string;
  try {
    info = String(await redis.call("CLIENT", "INFO"));
  } catch (error) {
    // CLIENT INFO exists from Redis 6.2 on, and managed services may rename it: skip the check.
    if (/unknown (sub)?command/i.test((error as Error).message)) return;
    throw error;
  }
  const selected = /\bdb=(\d+)/.exec(info)?.[1];
  if (selected !== undefined && Number(selected) !== requested) {
    throw new Error(
      `Redis at ${redactUrl(url)} rejected database ${requested} (the connection stayed on database ${selected}); use a database number below the server's 'databases' setting (16 by default) in the URL`,
    );
  }
}

async function waitForReady(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis at ${redactUrl(url)} did not respond within ${timeoutMs} ms; start Redis or fix REDIS_URL`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
    };
    redis.on("ready", onReady);
  });
}
