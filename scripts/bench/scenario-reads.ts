import type pg from "pg";
import { RedisProfileStore } from "../../src/cache/redis-profile-store.ts";
import type { Database, Queryable } from "../../src/db/database.ts";
import { createLogger } from "../../src/logger.ts";
import { openRedis } from "../../src/redis/connection.ts";
import { createRedisKeys } from "../../src/redis/keys.ts";
import { newHistogram, percentiles, recordMs, type Percentiles } from "../loadtest/histogram.ts";
import { forEachLimited, insertPlayers, openBenchBackends } from "./bench-backends.ts";
import { log, type BenchContext } from "./context.ts";
import { fixed, table, type Section } from "./section.ts";

const PLAYERS = 10_000;
/** Share of players whose cache entry has expired (idle longer than PROFILE_CACHE_TTL_SECONDS). */
const EXPIRED_SHARE = 0.02;
/** Reads in flight at once: one alone, and a handful as concurrent leaderboard requests on one node make. */
const CONCURRENCIES = [1, 8];

/** Wraps the database to record which reads had to load from PostgreSQL. */
function countingDatabase(db: Database, loaded: Set<string>): Database {
  const query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    if (text.includes("FROM players WHERE id = $1") && typeof values?.[0] === "string") loaded.add(values[0]);
    return db.query<R>(text, values);
  };
  return {
    query,
    transaction: <T>(work: (tx: Queryable) => Promise<T>) => db.transaction(work),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

interface ReadFigures {
  concurrency: number;
  reads: number;
  misses: number;
  hitRatio: number;
  all: Percentiles;
  hits: Percentiles;
  missesLatency: Percentiles;
}

/** Reads `order` through the store with `concurrency` reads in flight; a read that loaded from PostgreSQL is a miss. */
async function timeReads(store: RedisProfileStore, loaded: Set<string>, order: string[], concurrency: number): Promise<ReadFigures> {
  const all = newHistogram();
  const hits = newHistogram();
  const misses = newHistogram();
  let missCount = 0;
  await forEachLimited(order, concurrency, async (playerId) => {
    const started = performance.now();
    await store.get(playerId);
    const ms = performance.now() - started;
    recordMs(all, ms);
    if (loaded.delete(playerId)) {
      missCount += 1;
      recordMs(misses, ms);
    } else recordMs(hits, ms);
  });
  return {
    concurrency,
    reads: order.length,
    misses: missCount,
    hitRatio: 1 - missCount / order.length,
    all: percentiles(all),
    hits: percentiles(hits),
    missesLatency: percentiles(misses),
  };
}

/**
 * Profile reads through `RedisProfileStore.get`: players created and cached as the guest route
 * does, a share of them expired from the cache, then reads spread evenly over all of them.
 */
export async function profileReads(context: BenchContext): Promise<Section> {
  const reads = context.quick ? 20_000 : 200_000;
  await context.redis.flush();
  const backends = await openBenchBackends(context);
  const log_ = createLogger("warn", "bench-reads");
  const redis = openRedis(context.redis.url, "command", "bench-reads", log_);
  const loaded = new Set<string>();
  const store = new RedisProfileStore({
    redis,
    keys: createRedisKeys("bench:"),
    db: countingDatabase(backends.db, loaded),
    log: log_,
    cacheTtlSeconds: 3600, roundMarkerTtlSeconds: 86_400,
    onDirty: () => undefined,
  });
  const figures: ReadFigures[] = [];
  try {
    const players = await insertPlayers(backends, `bench-read-${Date.now()}`, PLAYERS);
    for (const concurrency of CONCURRENCIES) {
      // Each pass starts from the same mix: every player cached except an expired share.
      await context.redis.flush();
      const cachedCount = Math.round(PLAYERS * (1 - EXPIRED_SHARE));
      await forEachLimited(players.slice(0, cachedCount), 64, async (playerId) => {
        await store.get(playerId);
      });
      loaded.clear();
      const order = Array.from({ length: reads }, () => players[Math.floor(Math.random() * players.length)]!);
      const result = await timeReads(store, loaded, order, concurrency);
      figures.push(result);
      log(`profile reads, ${concurrency} in flight: hit ratio ${fixed(result.hitRatio * 100, 3)} %, p99 ${result.all.p99} ms`);
    }
  } finally {
    redis.disconnect();
    await backends.close();
  }
  return describe(figures);
}

function describe(figures: ReadFigures[]): Section {
  const rows = figures.flatMap((result) => {
    const row = (label: string, p: Percentiles) => [result.concurrency, label, p.count, p.p50, p.p95, p.p99, p.p999, p.max];
    return [row("all", result.all), row("hits", result.hits), row("misses", result.missesLatency)];
  });
  const single = figures.find((result) => result.concurrency === 1) ?? figures[0];
  const markdown = [
    `The benchmark creates and caches ${PLAYERS} players as \`POST /api/guest\` does, then leaves ${EXPIRED_SHARE * 100} % of them out of the cache (an entry expired after PROFILE_CACHE_TTL_SECONDS). Then ${figures[0]?.reads ?? 0} reads through \`RedisProfileStore.get\` spread evenly over all players, once with one read in flight and once with ${CONCURRENCIES[1]}. A read counts as a miss when it loaded the row from PostgreSQL. The hit ratio depends on this mix: every miss here is the first read of an expired player, and later reads of that player hit.`,
    "",
    table(["in flight", "hit ratio", "misses", "reads"], figures.map((result) => [result.concurrency, `${fixed(result.hitRatio * 100, 3)} %`, result.misses, result.reads])),
    "",
    table(["in flight", "reads", "count", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms"], rows),
  ].join("\n");
  const hitRatio = single?.hitRatio ?? 0;
  const p99 = single?.all.p99 ?? 0;
  return {
    title: "Profile reads through the cache",
    markdown,
    data: figures,
    targets: [
      {
        name: "profile cache hit ratio and read p99 (one read in flight)",
        target: "≥ 99 % hits, p99 ≤ 1 ms",
        measured: `${fixed(hitRatio * 100, 2)} %, p99 ${p99} ms`,
        met: hitRatio >= 0.99 && p99 <= 1,
        note:
          p99 <= 1
            ? "met for this mix"
            : `p99 ${fixed(p99)} ms: a hit is one HGETALL round trip to Redis on the shared loopback, and a miss adds a PostgreSQL read and a Lua write`,
      },
    ],
  };
}
