import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RedisProfileStore } from "../src/cache/redis-profile-store.ts";
import { openPostgres, type Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { insertPlayer } from "../src/db/players.ts";
import { ensureDatabaseExists } from "../src/db/database.ts";
import { RedisLeaderboard } from "../src/leaderboard/redis-leaderboard.ts";
import { createRedisKeys } from "../src/redis/keys.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";

/** Wraps a database so the test can count the profile reads that reach PostgreSQL. */
function countingSelects(db: Database): { db: Database; selects: () => number } {
  let selects = 0;
  const counted: Database = {
    ...db,
    query: (text, values) => {
      if (/^\s*SELECT .* FROM players WHERE id/s.test(text)) selects += 1;
      return db.query(text, values);
    },
  };
  return { db: counted, selects: () => selects };
}

describe("profile cache", () => {
  let env: TestEnvironment;
  let db: Database;
  let redis: Redis;

  beforeAll(async () => {
    env = await createTestEnvironment();
    await ensureDatabaseExists(env.config.DATABASE_URL, env.log);
    db = openPostgres(env.config.DATABASE_URL, env.log);
    await migrate(db, env.log);
    redis = new Redis(env.config.REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await db?.close();
    await env?.cleanup();
  });

  function storeOn(database: Database): RedisProfileStore {
    return new RedisProfileStore({
      redis,
      keys: createRedisKeys(env.config.REDIS_PREFIX),
      db: database,
      log: env.log,
      cacheTtlSeconds: 60, roundMarkerTtlSeconds: 86_400,
      onDirty: () => undefined,
    });
  }

  it("loads a missing profile once for concurrent reads", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Cold");
    const { db: counted, selects } = countingSelects(db);
    const store = storeOn(counted);

    const profiles = await Promise.all(Array.from({ length: 20 }, () => store.get(playerId)));
    expect(profiles.every((profile) => profile?.name === "Cold")).toBe(true);
    expect(selects()).toBe(1);
  });

  it("serves a cached profile without the database", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Warm");
    const { db: counted, selects } = countingSelects(db);
    const store = storeOn(counted);
    await store.get(playerId);
    await store.get(playerId);

    expect(selects()).toBe(1);
  });

  it("keeps a dirty profile cached without expiry", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Dirty");
    const store = storeOn(db);
    await store.recordRoundScore(playerId, { roundId: randomUUID(), score: 3, final: false });

    expect(await redis.ttl(createRedisKeys(env.config.REDIS_PREFIX).profile(playerId))).toBe(-1);
  });

  it("rebuilds a missing leaderboard from PostgreSQL", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Veteran");
    await db.query("UPDATE players SET total_score = 987654, version = 5 WHERE id = $1", [playerId]);
    const keys = createRedisKeys(env.config.REDIS_PREFIX);
    await redis.del(keys.leaderboard, keys.leaderboardReady);

    const leaderboard = new RedisLeaderboard(redis, keys, db, storeOn(db), env.log);
    const [first] = await leaderboard.top(1);
    expect(first).toMatchObject({ playerId, name: "Veteran", totalScore: 987654 });
  });
});
