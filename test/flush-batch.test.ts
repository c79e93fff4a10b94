import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startRedisServer, type RedisServer } from "../scripts/chaos/redis-server.ts";
import { BullJobs } from "../src/jobs/bullmq-jobs.ts";
import { createLogger } from "../src/logger.ts";
import { openRedis } from "../src/redis/connection.ts";
import { createRedisKeys } from "../src/redis/keys.ts";
import { waitFor } from "./support/wait.ts";

const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent", "flush-batch-test");

/**
 * Flushes scheduled in one event loop turn reach BullMQ as one addBulk. These run on a Redis
 * server of their own, which one case stops to make the adds fail.
 */
describe("batched flush scheduling", () => {
  let server: RedisServer;
  let connection: Redis;
  let jobs: BullJobs;

  beforeAll(async () => {
    server = await startRedisServer();
    connection = openRedis(server.url(0), "command", "flush-batch-test", log);
    jobs = new BullJobs({
      connection,
      workerUrl: server.url(0),
      keys: createRedisKeys("flush-batch:"),
      policy: { attempts: 3, backoffMs: 100 },
      // Long enough that every flush stays delayed while the cases look at it.
      flushDelayMs: 600_000,
      sweepIntervalMs: 600_000,
      sweepAgeMs: 600_000,
      log,
    });
  });

  afterAll(async () => {
    await jobs?.close(1000);
    connection?.disconnect();
    await server?.destroy();
  });

  async function delayedPlayers(): Promise<string[]> {
    const delayed = await jobs.profilesQueue.getDelayed();
    return delayed.map((job) => (job.data as { playerId: string }).playerId).sort();
  }

  it("adds one delayed flush per player", async () => {
    // Forty calls in one turn, each player twice: the second call is skipped or deduplicated.
    const players = Array.from({ length: 20 }, (_, index) => `player-${String(index).padStart(2, "0")}`);

    for (const playerId of [...players, ...players]) jobs.scheduleFlush(playerId);

    const added = await waitFor("the flushes in the delayed set", async () => {
      const delayed = await delayedPlayers();
      return delayed.length === players.length ? delayed : undefined;
    });
    expect(added).toEqual(players);
  });

  it("failed batch leaves players to schedule again", async () => {
    await server.kill();
    jobs.scheduleFlush("player-outage");
    // The add fails once ioredis gives up on the stopped server (maxRetriesPerRequest 1).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await server.start();
    await waitFor("the queue connection", () => (connection.status === "ready" ? true : undefined));

    // Within the skip window, so only a failed add lets this call through.
    jobs.scheduleFlush("player-outage");

    await waitFor("the flush after the outage", async () => ((await delayedPlayers()).includes("player-outage") ? true : undefined));
  });
});
