import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "../scripts/chaos/redis-server.ts";
import { RedisProfileStore } from "../src/cache/redis-profile-store.ts";
import { RedisSessionRegistry } from "../src/cluster/redis-session-registry.ts";
import { openPostgres, type Database } from "../src/db/database.ts";
import { insertPlayer } from "../src/db/players.ts";
import { migrate } from "../src/db/migrate.ts";
import { ensureDatabaseExists } from "../src/db/database.ts";
import { createRedisKeys } from "../src/redis/keys.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";

/**
 * With CACHE_REDIS_URL the profile cache lives on a Redis that may evict (volatile-lru), while
 * session epochs and round checkpoints stay on the queue Redis. Fencing and checkpoints must
 * work across the two, and nothing the cache Redis holds for a running job may have a TTL.
 */
describe("profile cache on its own Redis", () => {
  let env: TestEnvironment;
  let cacheServer: RedisServer;
  let cache: Redis;
  let queue: Redis;
  let db: Database;
  let store: RedisProfileStore;
  const keys = () => createRedisKeys(env.config.REDIS_PREFIX);

  beforeAll(async () => {
    env = await createTestEnvironment({ STORAGE_MODE: "external" });
    cacheServer = await startRedisServer({ args: ["--maxmemory-policy", "volatile-lru"] });
    cache = new Redis(cacheServer.url(0));
    queue = new Redis(env.config.REDIS_URL);
    await ensureDatabaseExists(env.config.DATABASE_URL, env.log);
    db = openPostgres(env.config.DATABASE_URL, env.log);
    await migrate(db, env.log);
    store = new RedisProfileStore({ redis: cache, durable: queue, keys: keys(), db, log: env.log, cacheTtlSeconds: 60, roundMarkerTtlSeconds: 86_400, onDirty: () => undefined });
  });

  afterAll(async () => {
    cache?.disconnect();
    queue?.disconnect();
    await db?.close();
    await cacheServer?.destroy();
    await env?.cleanup();
  });

  it("split stores: fencing and checkpoint", async () => {
    const playerId = randomUUID();
    await store.seed(await insertPlayer(db, playerId, "Split"));
    const sessions = new RedisSessionRegistry(queue, keys());
    const first = await sessions.claim({ playerId, nodeId: "n1", roomId: "r1", sessionId: "s1" });
    const second = await sessions.claim({ playerId, nodeId: "n1", roomId: "r1", sessionId: "s2" });
    const roundId = randomUUID();
    const checkpoint = { roomId: "r1", round: 1, nodeId: "n1", name: "Split" };

    expect((await store.recordRoundScore(playerId, { roundId, score: 5, final: false, epoch: first.epoch, checkpoint })).status).toBe("fenced");
    expect((await store.recordRoundScore(playerId, { roundId, score: 7, final: false, epoch: second.epoch, checkpoint })).status).toBe("applied");

    expect(await queue.exists(keys().roundCheckpoint(roundId))).toBe(1);
    expect(await cache.exists(keys().roundCheckpoint(roundId))).toBe(0);
    expect(await cache.hget(keys().profile(playerId), "totalScore")).toBe("7");
    // A dirty profile has no TTL, so volatile-lru cannot evict it.
    expect(await cache.ttl(keys().profile(playerId))).toBe(-1);
  });

  it("finished marker: TTL only after the job", async () => {
    const playerId = randomUUID();
    await store.seed(await insertPlayer(db, playerId, "Marker"));
    const roundId = randomUUID();
    await store.recordRoundScore(playerId, { roundId, score: 3, final: true });
    expect(await cache.ttl(keys().roundFinished(roundId))).toBe(-1);
    expect((await store.recordRoundScore(playerId, { roundId, score: 3, final: true })).status).toBe("round-already-final");

    await store.forgetRound(roundId);
    expect(await cache.ttl(keys().roundFinished(roundId))).toBeGreaterThan(0);
  });
});
