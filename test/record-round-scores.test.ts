import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "../scripts/chaos/redis-server.ts";
import { MemoryProfileStore } from "../src/cache/memory-profile-store.ts";
import type { RoundScoreChange } from "../src/cache/profile.ts";
import type { PlayerRoundScore, ProfileStore } from "../src/cache/profile-store.ts";
import { RedisProfileStore } from "../src/cache/redis-profile-store.ts";
import { LocalSessionRegistry } from "../src/cluster/local-session-registry.ts";
import { RedisSessionRegistry } from "../src/cluster/redis-session-registry.ts";
import type { SessionRegistry } from "../src/cluster/session-registry.ts";
import { ensureDatabaseExists, openPostgres, type Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { insertPlayer } from "../src/db/players.ts";
import { createRedisKeys, type RedisKeys } from "../src/redis/keys.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";

/** Calls per Redis command name, from INFO commandstats. */
type CommandCalls = Record<string, number>;

/** One store under test with what the cases need around it. */
interface Harness {
  store: ProfileStore;
  sessions: SessionRegistry;
  /** Player ids passed to the store's onDirty hook, in call order. */
  dirty: string[];
  /** Player profile reads that reached PostgreSQL. */
  selects(): number;
  /** Fields of a round's checkpoint; undefined for the memory store, which keeps no checkpoints. */
  checkpoint(roundId: string): Promise<Record<string, string> | undefined>;
  /** Resets the command statistics of the Redis servers the store uses. */
  resetCommandStats(): Promise<void>;
  /** Commands run on the cache Redis and the queue Redis since the reset; undefined for the memory store. */
  commandCalls(): Promise<{ cache: CommandCalls; queue: CommandCalls } | undefined>;
}

interface HarnessKind {
  name: "memory" | "redis" | "split redis";
  create(): Promise<Harness>;
}

let env: TestEnvironment;
let db: Database;
/** Redis servers of this file only, so their command statistics count this file's commands only. */
let queueServer: RedisServer;
let cacheServer: RedisServer;
const clients: Redis[] = [];

/** Wraps the database to count the profile reads that reach PostgreSQL. */
function countingSelects(database: Database): { db: Database; selects: () => number } {
  let selects = 0;
  const counted: Database = {
    ...database,
    query: (text, values) => {
      if (/^\s*SELECT .* FROM players WHERE id/s.test(text)) selects += 1;
      return database.query(text, values);
    },
  };
  return { db: counted, selects: () => selects };
}

function parseCommandStats(info: string): CommandCalls {
  const calls: CommandCalls = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2]);
  return calls;
}

function connect(server: RedisServer): Redis {
  const client = new Redis(server.url(0));
  clients.push(client);
  return client;
}

/** Builds a Redis store with its cache on `cache` and its sessions and checkpoints on `queue`. */
function redisHarness(cache: Redis, queue: Redis): Harness {
  const keys: RedisKeys = createRedisKeys(`record-scores-${randomUUID()}:`);
  const counted = countingSelects(db);
  const dirty: string[] = [];
  const store = new RedisProfileStore({
    redis: cache,
    durable: queue === cache ? undefined : queue,
    keys,
    db: counted.db,
    log: env.log,
    cacheTtlSeconds: 60,
    roundMarkerTtlSeconds: 86_400,
    onDirty: (playerId) => dirty.push(playerId),
  });
  return {
    store,
    sessions: new RedisSessionRegistry(queue, keys),
    dirty,
    selects: counted.selects,
    checkpoint: (roundId) => queue.hgetall(keys.roundCheckpoint(roundId)),
    async resetCommandStats() {
      await Promise.all([cache.config("RESETSTAT"), queue.config("RESETSTAT")]);
    },
    async commandCalls() {
      const [cacheInfo, queueInfo] = await Promise.all([cache.info("commandstats"), queue.info("commandstats")]);
      return { cache: parseCommandStats(cacheInfo), queue: parseCommandStats(queueInfo) };
    },
  };
}

const KINDS: HarnessKind[] = [
  {
    name: "memory",
    async create() {
      const counted = countingSelects(db);
      const sessions = new LocalSessionRegistry();
      const dirty: string[] = [];
      const store = new MemoryProfileStore({
        db: counted.db,
        log: env.log,
        cacheTtlSeconds: 60,
        roundMarkerTtlSeconds: 86_400,
        onDirty: (playerId) => dirty.push(playerId),
        onTotalScore: () => undefined,
        acceptsEpoch: (playerId, epoch) => sessions.acceptsNow(playerId, epoch),
      });
      return {
        store,
        sessions,
        dirty,
        selects: counted.selects,
        checkpoint: async () => undefined,
        resetCommandStats: async () => undefined,
        commandCalls: async () => undefined,
      };
    },
  },
  {
    name: "redis",
    async create() {
      const redis = connect(queueServer);
      return redisHarness(redis, redis);
    },
  },
  {
    name: "split redis",
    async create() {
      return redisHarness(connect(cacheServer), connect(queueServer));
    },
  },
];

beforeAll(async () => {
  env = await createTestEnvironment();
  await ensureDatabaseExists(env.config.DATABASE_URL, env.log);
  db = openPostgres(env.config.DATABASE_URL, env.log);
  await migrate(db, env.log);
  queueServer = await startRedisServer();
  cacheServer = await startRedisServer({ args: ["--maxmemory-policy", "volatile-lru"] });
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await queueServer?.destroy();
  await cacheServer?.destroy();
  await db?.close();
  await env?.cleanup();
});

describe.each(KINDS)("recordRoundScores ($name)", (kind) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await kind.create();
  });

  /** Creates a player in PostgreSQL and, when `cached`, puts it in the profile cache. */
  async function newPlayer(name: string, cached = true): Promise<string> {
    const playerId = randomUUID();
    const profile = await insertPlayer(db, playerId, name);
    if (cached) await harness.store.seed(profile);
    return playerId;
  }

  /** Claims the player twice and returns the first, fenced epoch and the current one. */
  async function takenOver(playerId: string): Promise<{ fenced: number; current: number }> {
    const first = await harness.sessions.claim({ playerId, nodeId: "n1", roomId: "r1", sessionId: randomUUID() });
    const second = await harness.sessions.claim({ playerId, nodeId: "n2", roomId: "r2", sessionId: randomUUID() });
    return { fenced: first.epoch, current: second.epoch };
  }

  function final(roundId: string, score: number): RoundScoreChange {
    return { roundId, score, final: true };
  }

  it("mixed batch: one outcome per change", async () => {
    const cached = await newPlayer("Warm");
    const uncached = await newPlayer("Cold", false);
    const unknown = randomUUID();
    const fencedPlayer = await newPlayer("Replaced");
    const { fenced } = await takenOver(fencedPlayer);
    const roundId = randomUUID();
    const selectsBefore = harness.selects();
    const dirtyBefore = harness.dirty.length;

    const outcomes = await harness.store.recordRoundScores([
      { playerId: cached, change: final(roundId, 7) },
      { playerId: uncached, change: final(roundId, 4) },
      { playerId: unknown, change: final(roundId, 3) },
      { playerId: fencedPlayer, change: { roundId, score: 9, final: false, epoch: fenced } },
    ]);

    expect(outcomes).toHaveLength(4);
    expect(outcomes[0]).toMatchObject({ status: "applied", profile: { id: cached, name: "Warm", totalScore: 7, gamesPlayed: 1, bestRoundScore: 7, version: 1 } });
    expect(outcomes[1]).toMatchObject({ status: "applied", profile: { id: uncached, name: "Cold", totalScore: 4, gamesPlayed: 1, version: 1 } });
    expect(outcomes[2]).toEqual({ status: "unknown-player" });
    expect(outcomes[3]).toEqual({ status: "fenced" });
    // Only the uncached and the unknown player were read from PostgreSQL, once each.
    expect(harness.selects() - selectsBefore).toBe(2);
    // The cached player's change ran once, not again with the retry of the uncached one.
    expect(harness.dirty.slice(dirtyBefore)).toEqual([cached, uncached]);
    expect(await harness.store.get(fencedPlayer)).toMatchObject({ totalScore: 0, version: 0 });
    expect(await harness.store.get(uncached)).toMatchObject({ totalScore: 4, gamesPlayed: 1, version: 1 });
  });

  it("repeated final counts once", async () => {
    const playerId = await newPlayer("Twice");
    const roundId = randomUUID();

    const first = await harness.store.recordRoundScores([
      { playerId, change: final(roundId, 8) },
      { playerId, change: final(roundId, 8) },
    ]);
    const retried = await harness.store.recordRoundScores([{ playerId, change: final(roundId, 8) }]);

    expect(first[0]).toMatchObject({ status: "applied", profile: { totalScore: 8, gamesPlayed: 1, bestRoundScore: 8 } });
    expect(first[1]).toEqual({ status: "round-already-final" });
    expect(retried).toEqual([{ status: "round-already-final" }]);
    expect(await harness.store.get(playerId)).toMatchObject({ totalScore: 8, gamesPlayed: 1, bestRoundScore: 8, version: 1 });
  });

  it("uncached player's changes keep their order", async () => {
    const playerId = await newPlayer("Ordered", false);
    const roundId = randomUUID();
    const selectsBefore = harness.selects();

    const outcomes = await harness.store.recordRoundScores([
      { playerId, change: { roundId, score: 5, final: false } },
      { playerId, change: { roundId, score: 9, final: false } },
    ]);

    expect(outcomes[0]).toMatchObject({ status: "applied", profile: { totalScore: 5, version: 1 } });
    expect(outcomes[1]).toMatchObject({ status: "applied", profile: { totalScore: 9, version: 2 } });
    expect(harness.selects() - selectsBefore).toBe(1);
  });

  it("live changes with epochs and checkpoints", async () => {
    const live = await newPlayer("Live");
    const replaced = await newPlayer("Replaced");
    const liveEpoch = (await takenOver(live)).current;
    const { fenced } = await takenOver(replaced);
    const roundId = randomUUID();
    const checkpoint = { roomId: "room-1", round: 3, nodeId: "node-1" };

    const outcomes = await harness.store.recordRoundScores([
      { playerId: live, change: { roundId, score: 12, final: false, epoch: liveEpoch, checkpoint: { ...checkpoint, name: "Live" } } },
      { playerId: replaced, change: { roundId, score: 30, final: false, epoch: fenced, checkpoint: { ...checkpoint, name: "Replaced" } } },
    ]);

    expect(outcomes[0]).toMatchObject({ status: "applied", profile: { totalScore: 12, gamesPlayed: 0, version: 1 } });
    expect(outcomes[1]).toEqual({ status: "fenced" });
    const stored = await harness.checkpoint(roundId);
    if (stored === undefined) return;
    expect(JSON.parse(stored.meta!)).toEqual(checkpoint);
    expect(JSON.parse(stored[live]!)).toEqual({ name: "Live", score: 12, epoch: liveEpoch });
    // A fenced change writes no checkpoint entry.
    expect(stored[replaced]).toBeUndefined();
  });

  it("invalid score rejects whole batch", async () => {
    const playerId = await newPlayer("Valid");
    const roundId = randomUUID();

    await expect(
      harness.store.recordRoundScores([
        { playerId, change: final(roundId, 5) },
        { playerId, change: { roundId: randomUUID(), score: -1, final: false } },
      ]),
    ).rejects.toThrow(RangeError);
    expect(await harness.store.get(playerId)).toMatchObject({ totalScore: 0, version: 0 });
  });

  it("cached round: one script call", async (context) => {
    if (kind.name === "memory") context.skip();
    const players = await Promise.all(Array.from({ length: 16 }, (_, index) => newPlayer(`Round ${index}`)));
    // The first call after a Redis start may need EVAL to load the script; warm it up.
    await harness.store.recordRoundScores([{ playerId: players[0]!, change: { roundId: randomUUID(), score: 0, final: false } }]);
    const roundId = randomUUID();
    await harness.resetCommandStats();

    const outcomes = await harness.store.recordRoundScores(players.map((playerId, index) => ({ playerId, change: final(roundId, index) })));

    expect(outcomes.every((outcome) => outcome.status === "applied")).toBe(true);
    const calls = (await harness.commandCalls())!;
    expect(calls.cache.evalsha).toBe(1);
    expect(calls.cache.eval).toBeUndefined();
    expect(calls.cache.hgetall).toBeUndefined();
    if (kind.name === "split redis") {
      // Final results carry neither an epoch nor a checkpoint, so the queue Redis is not asked.
      expect(calls.queue.evalsha).toBeUndefined();
    }
  });

  it("live sync on split Redis: one call each", async (context) => {
    if (kind.name !== "split redis") context.skip();
    const players = await Promise.all(Array.from({ length: 8 }, (_, index) => newPlayer(`Sync ${index}`)));
    const epochs = await Promise.all(players.map(async (playerId) => (await takenOver(playerId)).current));
    await harness.store.recordRoundScores([{ playerId: players[0]!, change: { roundId: randomUUID(), score: 0, final: false, epoch: epochs[0]! } }]);
    const roundId = randomUUID();
    await harness.resetCommandStats();

    const changes: PlayerRoundScore[] = players.map((playerId, index) => ({
      playerId,
      change: { roundId, score: index + 1, final: false, epoch: epochs[index]!, checkpoint: { roomId: "room-2", round: 1, nodeId: "node-1", name: "Sync" } },
    }));
    const outcomes = await harness.store.recordRoundScores(changes);

    expect(outcomes.every((outcome) => outcome.status === "applied")).toBe(true);
    const calls = (await harness.commandCalls())!;
    expect(calls.queue.evalsha).toBe(1);
    expect(calls.cache.evalsha).toBe(1);
    expect(Object.keys((await harness.checkpoint(roundId))!)).toHaveLength(players.length + 1);
  });

  it("batch longer than one script", async () => {
    const players = await Promise.all(Array.from({ length: 130 }, (_, index) => newPlayer(`Crowd ${index}`)));
    const roundId = randomUUID();

    const outcomes = await harness.store.recordRoundScores(players.map((playerId) => ({ playerId, change: final(roundId, 2) })));

    expect(outcomes).toHaveLength(130);
    expect(outcomes.filter((outcome) => outcome.status === "applied")).toHaveLength(130);
    expect(await harness.store.get(players[129]!)).toMatchObject({ totalScore: 2, gamesPlayed: 1 });
  });
});
