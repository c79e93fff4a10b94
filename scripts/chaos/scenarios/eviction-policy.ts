import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { RedisProfileStore } from "../../../src/cache/redis-profile-store.ts";
import { createRedisKeys } from "../../../src/redis/keys.ts";
import { startNodeProcess } from "../node-process.ts";
import { freePort } from "../ports.ts";
import { sqlOnce } from "../postgres-cluster.ts";
import { startRedisServer, type RedisServer } from "../redis-server.ts";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, processEnv, type ChaosStage, type ScenarioSpace } from "../stage.ts";
import { startWorker, stopAll } from "../cast.ts";
import { waitUntil } from "../wait.ts";
import { makePlayers, openDatabase, quiet } from "./support.ts";

const DIRTY = 100;
const CLEAN = 40_000;

/** Starts a worker that is expected to refuse; returns its exit code and stderr. */
async function refusal(space: ScenarioSpace, overrides: Record<string, string>): Promise<{ code: number | NodeJS.Signals | null; stderr: string; ms: number }> {
  const startedAt = Date.now();
  const worker = startNodeProcess("refused-worker", "src/jobs/worker-main.ts", processEnv(space, { WORKER_PORT: String(await freePort()), ...overrides }));
  const code = await Promise.race([worker.exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 30_000))]);
  if (code === "running") {
    await worker.stop("SIGKILL");
    return { code: null, stderr: "still running after 30 s", ms: Date.now() - startedAt };
  }
  return { code, stderr: worker.stderr(), ms: Date.now() - startedAt };
}

/**
 * Scenario 7: Redis eviction policies. A queue Redis with allkeys-lru and a cache Redis with
 * allkeys-lru must each stop the process with a message naming the policy to set; a Redis that
 * refuses CONFIG only warns. Then a cache Redis with volatile-lru and a small maxmemory is
 * filled with clean profiles until it evicts: no dirty profile may be evicted, and all reach
 * PostgreSQL once a worker runs.
 */
export async function evictionPolicy(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "eviction");
  const servers: RedisServer[] = [];
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  const db = openDatabase(space);
  try {
    const lru = await startRedisServer({ args: ["--maxmemory-policy", "allkeys-lru"] });
    servers.push(lru);
    const noConfig = await startRedisServer({ args: ["--rename-command", "CONFIG", ""] });
    servers.push(noConfig);
    const cache = await startRedisServer({ args: ["--maxmemory-policy", "volatile-lru", "--maxmemory", "12mb"] });
    servers.push(cache);

    const queueRefused = await refusal(space, { REDIS_URL: lru.url(0) });
    const cacheRefused = await refusal(space, { CACHE_REDIS_URL: lru.url(1) });
    const unchecked = await startWorker("no-config-worker", { ...space, redisUrl: noConfig.url(0) });
    const warned = unchecked.lines("could not read maxmemory-policy (CONFIG is disabled); make sure this Redis runs with noeviction").length;
    await unchecked.stop();

    // Dirty profiles on the cache Redis, with no worker running to flush them.
    const players = await makePlayers(db, DIRTY, "Dirty");
    const cacheRedis = new Redis(cache.url(0), { maxRetriesPerRequest: 1 });
    const queueRedis = new Redis(space.redisUrl, { maxRetriesPerRequest: 1 });
    const keys = createRedisKeys(space.prefix);
    const store = new RedisProfileStore({ redis: cacheRedis, durable: queueRedis, keys, db, log: quiet, cacheTtlSeconds: 3600, roundMarkerTtlSeconds: 86_400, onDirty: () => undefined });
    for (const [index, playerId] of players.entries()) await store.recordRoundScore(playerId, { roundId: randomUUID(), score: index + 1, final: false });
    // Clean profiles (with a TTL) until the cache must evict.
    for (let index = 0; index < CLEAN; index += 1) {
      await store.seed({ id: `clean-${index}`, name: `Clean player number ${index}`, totalScore: index, gamesPlayed: 1, bestRoundScore: 1, updatedAt: Date.now(), version: 1 });
    }
    const stats = String(await cache.command("INFO", "stats"));
    const evicted = Number(/evicted_keys:(\d+)/.exec(stats)?.[1] ?? 0);
    const dirtyLeft = (await Promise.all(players.map((id) => cacheRedis.exists(keys.profile(id))))).filter((exists) => exists === 1).length;
    cacheRedis.disconnect();
    queueRedis.disconnect();

    worker = await startWorker("cache-worker", space, { CACHE_REDIS_URL: cache.url(0), PROFILE_SWEEP_AGE_MS: "500" });
    const startedAt = Date.now();
    const flushed = await waitUntil("the dirty profiles in PostgreSQL", async () => {
      const rows = await sqlOnce<{ n: string }>(space.databaseUrl, "SELECT count(*) AS n FROM players WHERE id = ANY($1) AND total_score > 0", [players]);
      return Number(rows[0]!.n) >= DIRTY ? DIRTY : undefined;
    }, 30_000, 200).catch(async () => Number((await sqlOnce<{ n: string }>(space.databaseUrl, "SELECT count(*) AS n FROM players WHERE id = ANY($1) AND total_score > 0", [players]))[0]!.n));

    const mentions = (stderr: string, ...words: string[]) => words.every((word) => stderr.includes(word));
    return {
      id: "7",
      scenario: "Redis eviction policy",
      action: `worker started against a queue Redis with allkeys-lru, a cache Redis (CACHE_REDIS_URL) with allkeys-lru, a Redis without CONFIG; then ${DIRTY} dirty profiles and ${CLEAN} clean ones written to a volatile-lru cache Redis with maxmemory 12mb`,
      counted: `queue allkeys-lru: exit ${String(queueRefused.code)} in ${queueRefused.ms} ms; cache allkeys-lru: exit ${String(cacheRefused.code)}; CONFIG disabled: started with ${warned} warning; ${evicted} keys evicted, ${dirtyLeft}/${DIRTY} dirty profiles still cached, ${flushed}/${DIRTY} in PostgreSQL after a worker started`,
      loss: DIRTY - Math.min(dirtyLeft, flushed),
      bound: 0,
      unit: "profiles",
      recoveryMs: Date.now() - startedAt,
      checks: [
        { what: "queue refused with advice", ok: queueRefused.code === 1 && mentions(queueRefused.stderr, "allkeys-lru", "noeviction") },
        { what: "cache refused with advice", ok: cacheRefused.code === 1 && mentions(cacheRefused.stderr, "allkeys-lru", "volatile-lru") },
        { what: "CONFIG disabled warns", ok: warned === 1 },
        { what: "cache evicted", ok: evicted > 0 },
      ],
    };
  } finally {
    await stopAll([worker]);
    await db.close();
    await Promise.all(servers.map((server) => server.destroy()));
  }
}
