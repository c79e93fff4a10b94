import { loadConfig } from "../../src/config/env.ts";
import { createLogger } from "../../src/logger.ts";
import type { Backends } from "../../src/server/backends.ts";
import { openRedisBackends } from "../../src/server/redis-backends.ts";
import type { BenchContext } from "./context.ts";

/** Opens the project's own back ends in the benchmark process, on the benchmark's databases. */
export async function openBenchBackends(context: BenchContext): Promise<Backends> {
  const config = loadConfig({ ...context.arenaEnv(), LOG_LEVEL: "warn" });
  return openRedisBackends(config, createLogger("warn", "bench"), { withMatchmaking: false });
}

/** Inserts `count` players named `<prefix>-<n>` in one statement and returns their ids. */
export async function insertPlayers(backends: Backends, prefix: string, count: number): Promise<string[]> {
  const result = await backends.db.query<{ id: string }>(
    "INSERT INTO players (id, name) SELECT $1 || '-' || n, 'bench' FROM generate_series(1, $2::int) AS n RETURNING id",
    [prefix, count],
  );
  return result.rows.map((row) => row.id);
}

/** Runs `task` for every item with at most `concurrency` in flight. */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await task(item);
    }
  });
  await Promise.all(lanes);
}
