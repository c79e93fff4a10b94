import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Redis } from "ioredis";
import { MemoryProfileStore } from "../src/cache/memory-profile-store.ts";
import type { ProfileStore } from "../src/cache/profile-store.ts";
import { RedisProfileStore } from "../src/cache/redis-profile-store.ts";
import { ensureDatabaseExists, openPostgres, type Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { insertPlayer, selectPlayer } from "../src/db/players.ts";
import { createRedisKeys } from "../src/redis/keys.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";

/** Arguments of the store's hook calls, recorded so that cases can check them. */
interface Hooks {
  dirty: string[];
  totals: Array<[string, number]>;
}

interface StoreKind {
  name: "memory" | "redis";
  create(db: Database, hooks: Hooks): ProfileStore;
}

let env: TestEnvironment;
let db: Database;
let redis: Redis;

/** The same cases run on both stores, so the memory store is held to the Redis store's behaviour. */
const STORE_KINDS: StoreKind[] = [
  {
    name: "memory",
    create: (database, hooks) =>
      new MemoryProfileStore({
        db: database,
        log: env.log,
        cacheTtlSeconds: 60, roundMarkerTtlSeconds: 86_400,
        onDirty: (playerId) => hooks.dirty.push(playerId),
        onTotalScore: (playerId, total) => hooks.totals.push([playerId, total]),
        acceptsEpoch: () => true,
      }),
  },
  {
    name: "redis",
    create: (database, hooks) =>
      new RedisProfileStore({
        redis,
        keys: createRedisKeys(`${env.config.REDIS_PREFIX}${randomUUID()}:`),
        db: database,
        log: env.log,
        cacheTtlSeconds: 60, roundMarkerTtlSeconds: 86_400,
        onDirty: (playerId) => hooks.dirty.push(playerId),
      }),
  },
];

/** Wraps a database to count profile reads and to run `beforeWrite` before each profile write. */
function instrumented(database: Database, beforeWrite?: () => Promise<void>): { db: Database; selects: () => number } {
  let selects = 0;
  const wrapped: Database = {
    ...database,
    query: async (text, values) => {
      if (/^\s*SELECT .* FROM players WHERE id/s.test(text)) selects += 1;
      if (/^\s*UPDATE players/.test(text) && beforeWrite) await beforeWrite();
      return database.query(text, values);
    },
  };
  return { db: wrapped, selects: () => selects };
}

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

describe.each(STORE_KINDS)("profile store semantics ($name)", (kind) => {
  let hooks: Hooks;
  let store: ProfileStore;

  async function newPlayer(name = "Player"): Promise<string> {
    const playerId = randomUUID();
    await store.seed(await insertPlayer(db, playerId, name));
    return playerId;
  }

  beforeAll(() => {
    hooks = { dirty: [], totals: [] };
    store = kind.create(db, hooks);
  });

  it("counts only the difference of absolute live scores", async () => {
    const playerId = await newPlayer();
    const roundId = randomUUID();
    await store.recordRoundScore(playerId, { roundId, score: 4, final: false });
    const outcome = await store.recordRoundScore(playerId, { roundId, score: 10, final: false });

    expect(outcome).toMatchObject({ status: "applied", profile: { totalScore: 10, version: 2, gamesPlayed: 0 } });
  });

  it("leaves the version alone for a repeated live score", async () => {
    const playerId = await newPlayer();
    const roundId = randomUUID();
    await store.recordRoundScore(playerId, { roundId, score: 6, final: false });
    const repeated = await store.recordRoundScore(playerId, { roundId, score: 6, final: false });

    expect(repeated).toMatchObject({ status: "applied", profile: { totalScore: 6, version: 1 } });
    expect(hooks.dirty.filter((id) => id === playerId)).toHaveLength(2);
  });

  it("lowers the total when a live score drops", async () => {
    const playerId = await newPlayer();
    const roundId = randomUUID();
    await store.recordRoundScore(playerId, { roundId, score: 9, final: false });
    const outcome = await store.recordRoundScore(playerId, { roundId, score: 5, final: false });

    expect(outcome).toMatchObject({ status: "applied", profile: { totalScore: 5, version: 2 } });
  });

  it("counts a final result once per round", async () => {
    const playerId = await newPlayer();
    const roundId = randomUUID();
    await store.recordRoundScore(playerId, { roundId, score: 3, final: false });
    const final = await store.recordRoundScore(playerId, { roundId, score: 8, final: true });
    const again = await store.recordRoundScore(playerId, { roundId, score: 8, final: true });
    const late = await store.recordRoundScore(playerId, { roundId, score: 20, final: false });

    expect(final).toMatchObject({ status: "applied", profile: { totalScore: 8, gamesPlayed: 1, bestRoundScore: 8, version: 2 } });
    expect(again).toEqual({ status: "round-already-final" });
    expect(late).toEqual({ status: "round-already-final" });
    expect(await store.get(playerId)).toMatchObject({ totalScore: 8, gamesPlayed: 1, version: 2 });
  });

  it("keeps the best round score across rounds", async () => {
    const playerId = await newPlayer();
    await store.recordRoundScore(playerId, { roundId: randomUUID(), score: 12, final: true });
    await store.recordRoundScore(playerId, { roundId: randomUUID(), score: 5, final: true });

    expect(await store.get(playerId)).toMatchObject({ totalScore: 17, gamesPlayed: 2, bestRoundScore: 12 });
  });

  it("reports an unknown player", async () => {
    const outcome = await store.recordRoundScore(randomUUID(), { roundId: randomUUID(), score: 1, final: false });
    expect(outcome).toEqual({ status: "unknown-player" });
  });

  it("rejects a negative or fractional score", async () => {
    const playerId = await newPlayer();
    await expect(store.recordRoundScore(playerId, { roundId: randomUUID(), score: -1, final: false })).rejects.toThrow(RangeError);
    await expect(store.recordRoundScore(playerId, { roundId: randomUUID(), score: 1.5, final: false })).rejects.toThrow(RangeError);
  });

  it("loads an uncached profile from the database on a change", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Cold");
    const outcome = await store.recordRoundScore(playerId, { roundId: randomUUID(), score: 2, final: false });

    expect(outcome).toMatchObject({ status: "applied", profile: { name: "Cold", totalScore: 2, version: 1 } });
  });

  it("loads a missing profile once for concurrent reads", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Crowd");
    const counting = instrumented(db);
    const fresh = kind.create(counting.db, { dirty: [], totals: [] });

    const profiles = await Promise.all(Array.from({ length: 20 }, () => fresh.get(playerId)));
    expect(profiles.every((profile) => profile?.name === "Crowd")).toBe(true);
    expect(counting.selects()).toBe(1);
  });

  it("keeps a cached profile over a newer seed", async () => {
    const playerId = await newPlayer("First");
    await store.recordRoundScore(playerId, { roundId: randomUUID(), score: 4, final: false });
    await store.seed({ id: playerId, name: "Second", totalScore: 0, gamesPlayed: 0, bestRoundScore: 0, updatedAt: 0, version: 0 });

    expect(await store.get(playerId)).toMatchObject({ name: "First", totalScore: 4 });
  });

  it("flushes a dirty profile once and cleans it", async () => {
    const playerId = await newPlayer();
    await store.recordRoundScore(playerId, { roundId: randomUUID(), score: 7, final: true });

    expect(await store.flush(playerId)).toEqual({ status: "flushed", version: 1, wrote: true });
    expect(await store.flush(playerId)).toEqual({ status: "clean" });
    expect(await selectPlayer(db, playerId)).toMatchObject({ totalScore: 7, gamesPlayed: 1, bestRoundScore: 7, version: 1 });
    expect(await store.findStaleDirty(0, 10_000)).not.toContain(playerId);
  });

  it("stays dirty when a change lands during the flush", async () => {
    const playerId = randomUUID();
    const roundId = randomUUID();
    let raced = false;
    // The store's database write first applies one more change through the same store.
    const racing: ProfileStore = kind.create(
      instrumented(db, async () => {
        if (raced) return;
        raced = true;
        await racing.recordRoundScore(playerId, { roundId, score: 2, final: false });
      }).db,
      { dirty: [], totals: [] },
    );
    await racing.seed(await insertPlayer(db, playerId, "Racer"));
    await racing.recordRoundScore(playerId, { roundId, score: 1, final: false });

    expect(await racing.flush(playerId)).toEqual({ status: "changed-during-flush", version: 1 });
    expect(await racing.findStaleDirty(0, 10_000)).toContain(playerId);
    expect(await racing.flush(playerId)).toEqual({ status: "flushed", version: 2, wrote: true });
    expect(await selectPlayer(db, playerId)).toMatchObject({ totalScore: 2, version: 2 });
  });

  it("never writes over a newer database row", async () => {
    const playerId = await newPlayer();
    await db.query("UPDATE players SET total_score = 50, version = 100 WHERE id = $1", [playerId]);
    await store.recordRoundScore(playerId, { roundId: randomUUID(), score: 1, final: false });

    expect(await store.flush(playerId)).toEqual({ status: "flushed", version: 1, wrote: false });
    expect(await selectPlayer(db, playerId)).toMatchObject({ totalScore: 50, version: 100 });
  });

  it("keeps the first-dirty time and orders stale profiles by it", async () => {
    const first = await newPlayer();
    await store.recordRoundScore(first, { roundId: randomUUID(), score: 1, final: false });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await newPlayer();
    await store.recordRoundScore(second, { roundId: randomUUID(), score: 1, final: false });
    await store.recordRoundScore(first, { roundId: randomUUID(), score: 1, final: false });

    const stale = await store.findStaleDirty(0, 10_000);
    expect(stale.indexOf(first)).toBeLessThan(stale.indexOf(second));
    expect(await store.findStaleDirty(60_000, 10_000)).not.toContain(first);
    const backlog = await store.backlog();
    expect(backlog.count).toBeGreaterThanOrEqual(2);
    expect(backlog.oldestAgeMs).toBeGreaterThanOrEqual(30);
  });
});

describe("memory profile store", () => {
  let hooks: Hooks;
  let store: MemoryProfileStore;

  beforeAll(() => {
    hooks = { dirty: [], totals: [] };
    store = STORE_KINDS[0]!.create(db, hooks) as MemoryProfileStore;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("reports each positive total to the leaderboard hook", async () => {
    const playerId = randomUUID();
    await store.seed(await insertPlayer(db, playerId, "Climber"));
    const roundId = randomUUID();
    await store.recordRoundScore(playerId, { roundId, score: 0, final: false });
    await store.recordRoundScore(playerId, { roundId, score: 5, final: false });
    await store.recordRoundScore(playerId, { roundId, score: 9, final: true });

    expect(hooks.totals.filter(([id]) => id === playerId)).toEqual([
      [playerId, 5],
      [playerId, 9],
    ]);
  });

  it("drops a clean profile after the cache TTL", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Fleeting");
    const counting = instrumented(db);
    const fresh = STORE_KINDS[0]!.create(counting.db, { dirty: [], totals: [] });
    vi.useFakeTimers({ toFake: ["Date"] });

    await fresh.get(playerId);
    vi.setSystemTime(Date.now() + 59_000);
    await fresh.get(playerId);
    expect(counting.selects()).toBe(1);
    vi.setSystemTime(Date.now() + 2_000);
    await fresh.get(playerId);
    expect(counting.selects()).toBe(2);
  });

  it("keeps a dirty profile past the cache TTL", async () => {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, "Pending");
    const counting = instrumented(db);
    const fresh = STORE_KINDS[0]!.create(counting.db, { dirty: [], totals: [] });
    vi.useFakeTimers({ toFake: ["Date"] });

    await fresh.recordRoundScore(playerId, { roundId: randomUUID(), score: 3, final: false });
    vi.setSystemTime(Date.now() + 3_600_000);
    expect(await fresh.get(playerId)).toMatchObject({ totalScore: 3 });
    expect(counting.selects()).toBe(1);
  });
});
