import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import path from "node:path";
import { startGame, startWorker, stopAll } from "./cast.ts";
import { startPostgresCluster } from "./postgres-cluster.ts";
import { startRedisServer, type RedisServer } from "./redis-server.ts";
import { replaceSection } from "./report.ts";
import { seatBots, type Table } from "./scenarios/table.ts";
import { claimSpace } from "./stage.ts";
import { sleep } from "./wait.ts";

/**
 * `npm run soak`: plays for SOAK_MINUTES (default 10) on a game node and a worker of its own,
 * with two tables of four bots. Every SOAK_CHURN_SECONDS one table leaves and rejoins in a new
 * room. Redis memory and both processes' RSS are sampled every SOAK_SAMPLE_SECONDS.
 * After a warm-up (the first 30 %) each series must be flat: its fitted slope below the stated
 * bound. The retention settings are scaled down with the run (JOB_KEEP_COMPLETED=20,
 * ROUND_MARKER_TTL_SECONDS=60), so the queues and the round markers reach the size at which
 * trimming and expiry hold them within the warm-up, as the defaults do after a day in
 * production. The result goes into docs/reliability.md.
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 15) * 1000;
const CHURN_MS = Number(process.env.SOAK_CHURN_SECONDS ?? 120) * 1000;
/** Largest growth after the warm-up that still counts as flat, per minute. */
const BOUNDS = { redisBytes: 64 * 1024, rssBytes: 2 * 1024 * 1024, heapBytes: 512 * 1024 };

interface Sample {
  minute: number;
  redisUsed: number;
  redisKeys: number;
  gameRss: number;
  gameHeap: number;
  workerRss: number;
  rounds: number;
}

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * Returns the game node's V8 heap in use, read from its /metrics. RSS also moves when V8 resizes
 * its heap or the allocator keeps freed pages, so the heap in use is what shows a leak.
 */
async function heapUsed(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^orbit_process_nodejs_heap_size_used_bytes (\d+)/m.exec(text)?.[1] ?? 0);
}

async function redisMemory(redis: RedisServer): Promise<{ used: number; keys: number }> {
  const info = String(await redis.command("INFO", "memory"));
  const keyspace = String(await redis.command("INFO", "keyspace"));
  const keys = [...keyspace.matchAll(/keys=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  return { used: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0), keys };
}

/**
 * Counts Redis keys by family (ids and numbers replaced by `*`), with the members of BullMQ's
 * completed sets, so growth can be traced to one kind of key.
 */
async function keyCensus(redis: RedisServer, db: number): Promise<Map<string, number>> {
  const census = new Map<string, number>();
  const client = new Redis(redis.url(db), { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const family = key.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "*").replace(/\b[0-9a-f]{6,}\b/g, "*").replace(/\d+/g, "*");
        census.set(family, (census.get(family) ?? 0) + 1);
        if (key.endsWith(":completed")) census.set(`${family} (members)`, await client.zcard(key));
      }
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
  return census;
}

/** Least-squares slope of `values` over `minutes`, per minute. */
function slope(minutes: number[], values: number[]): number {
  const n = minutes.length;
  const meanX = minutes.reduce((a, b) => a + b, 0) / n;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    num += (minutes[i]! - meanX) * (values[i]! - meanY);
    den += (minutes[i]! - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  const redis = await startRedisServer();
  const postgres = await startPostgresCluster();
  const space = claimSpace({ redis, postgres }, "soak");
  const settings = { ROUND_SECONDS: "15", RESULTS_SECONDS: "2", PROFILE_FLUSH_DELAY_MS: "2000", JOB_KEEP_COMPLETED: "20", ROUND_MARKER_TTL_SECONDS: "60", RUN_WORKER: "false" };
  const game = await startGame("game", space, settings);
  const worker = await startWorker("worker", space, settings);
  const tables: Table[] = [await seatBots(game.baseUrl, 4, "SoakA"), await seatBots(game.baseUrl, 4, "SoakB")];
  const retired: Table[] = [];
  const samples: Sample[] = [];
  const startedAt = Date.now();
  let lastChurn = startedAt;
  let generation = 0;
  let census = new Map<string, number>();
  console.log(`soak: ${MINUTES} min, sample every ${SAMPLE_MS / 1000} s, a table replaced every ${CHURN_MS / 1000} s`);
  if (MINUTES < 10) {
    console.warn("soak: runs shorter than 10 minutes fit their slopes mostly over the warm-up and usually fail; set SOAK_MINUTES=10 or more");
  }
  try {
    while (Date.now() - startedAt < MINUTES * 60_000) {
      await sleep(SAMPLE_MS);
      if (Date.now() - lastChurn >= CHURN_MS) {
        const old = tables.shift()!;
        await old.leave();
        retired.push(old);
        generation += 1;
        // The same players in a new room: per-player state (profiles, session epochs) is a
        // function of how many players exist, which a soak must hold constant to see leaks.
        tables.push(await seatBots(game.baseUrl, 4, `Soak${generation}`, old.bots.map((bot) => bot.guest)));
        lastChurn = Date.now();
      }
      const memory = await redisMemory(redis);
      const rounds = [...retired, ...tables].reduce((sum, table) => sum + new Set(table.results().map((r) => `${r.roomId}/${r.round}`)).size, 0);
      const sample = { minute: (Date.now() - startedAt) / 60_000, redisUsed: memory.used, redisKeys: memory.keys, gameRss: rssOf(game.process.child.pid), gameHeap: await heapUsed(game.baseUrl), workerRss: rssOf(worker.child.pid), rounds };
      samples.push(sample);
      console.log(`soak: ${sample.minute.toFixed(1)} min  redis ${mb(sample.redisUsed)} (${sample.redisKeys} keys)  game ${mb(sample.gameRss)} (heap ${mb(sample.gameHeap)})  worker ${mb(sample.workerRss)}  rounds ${rounds}`);
    }
    census = await keyCensus(redis, Number(new URL(space.redisUrl).pathname.slice(1)));
  } finally {
    await Promise.all(tables.map((table) => table.leave()));
    await stopAll([game.process, worker]);
    await postgres.destroy();
    await redis.destroy();
  }

  const steady = samples.filter((sample) => sample.minute >= MINUTES * 0.3);
  const minutes = steady.map((sample) => sample.minute);
  const series = [
    { name: "Redis used_memory", values: steady.map((s) => s.redisUsed), bound: BOUNDS.redisBytes },
    { name: "game node RSS", values: steady.map((s) => s.gameRss), bound: BOUNDS.rssBytes },
    { name: "game node V8 heap used", values: steady.map((s) => s.gameHeap), bound: BOUNDS.heapBytes },
    { name: "worker RSS", values: steady.map((s) => s.workerRss), bound: BOUNDS.rssBytes },
  ];
  const rows = series.map((entry) => {
    const perMinute = slope(minutes, entry.values);
    return { ...entry, perMinute, flat: steady.length >= 3 && perMinute <= entry.bound, from: entry.values[0] ?? 0, to: entry.values.at(-1) ?? 0 };
  });
  const last = samples.at(-1);
  const table = [
    `Soak of ${MINUTES} min (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC): 8 bots in two rooms, one table leaving and rejoining in a new room every ${CHURN_MS / 1000} s, 15 s rounds, ${last?.rounds ?? 0} rounds played, Redis keys at the end ${last?.redisKeys ?? 0}. Slopes fitted after the first 30 %.`,
    "",
    "| series | after warm-up | at the end | fitted slope | bound | flat |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row.name} | ${mb(row.from)} | ${mb(row.to)} | ${(row.perMinute / 1024).toFixed(1)} KB/min | ${(row.bound / 1024).toFixed(0)} KB/min | ${row.flat ? "yes" : "NO"} |`),
    "",
    `Redis keys at the end by family: ${[...census].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([family, count]) => `\`${family}\` ${count}`).join(", ")}.`,
  ].join("\n");
  console.log(`\n${table}\n`);
  if (!process.env.SOAK_NO_DOCS) replaceSection(path.resolve("docs/reliability.md"), "soak", table);
  return rows.every((row) => row.flat) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak: could not run: ${(error as Error).stack ?? String(error)}`);
    process.exit(2);
  },
);
