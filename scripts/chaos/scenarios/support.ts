import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { openPostgres, type Database } from "../../../src/db/database.ts";
import { insertPlayer } from "../../../src/db/players.ts";
import { BullJobs } from "../../../src/jobs/bullmq-jobs.ts";
import type { RoundResult } from "../../../src/jobs/round-result.ts";
import { createLogger, type Logger } from "../../../src/logger.ts";
import { createRedisKeys } from "../../../src/redis/keys.ts";
import type { ScenarioSpace } from "../stage.ts";

export const quiet: Logger = createLogger(process.env.CHAOS_LOG_LEVEL ?? "silent", "chaos");

/** A job producer like a game node's, without workers: the scenario's stand-in for rooms. */
export interface Producer {
  jobs: BullJobs;
  redis: Redis;
  close(): Promise<void>;
}

export function openProducer(space: ScenarioSpace): Producer {
  const redis = new Redis(space.redisUrl, { maxRetriesPerRequest: 1 });
  const jobs = new BullJobs({
    connection: redis,
    workerUrl: space.redisUrl,
    keys: createRedisKeys(space.prefix),
    policy: { attempts: 3, backoffMs: 200 },
    flushDelayMs: 100,
    sweepIntervalMs: 1000,
    sweepAgeMs: 2000,
    log: quiet,
  });
  return {
    jobs,
    redis,
    async close() {
      await jobs.close(1000);
      redis.disconnect();
    },
  };
}

export function openDatabase(space: ScenarioSpace): Database {
  return openPostgres(space.databaseUrl, quiet, 4);
}

/** Inserts `count` players straight into PostgreSQL and returns their ids. */
export async function makePlayers(db: Database, count: number, name = "Chaos"): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = randomUUID();
    await insertPlayer(db, id, `${name}${index}`);
    ids.push(id);
  }
  return ids;
}

/** `count` finished rounds of `perRound` random players each, with random scores. */
export function makeRounds(players: readonly string[], count: number, perRound: number): RoundResult[] {
  return Array.from({ length: count }, (_, index) => {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(perRound, players.length)) chosen.add(players[Math.floor(Math.random() * players.length)]!);
    return {
      roomId: `chaos-room-${index % 7}`,
      roundId: randomUUID(),
      round: index + 1,
      finishedAt: Date.now(),
      results: [...chosen].map((playerId) => ({ playerId, name: "Chaos", score: Math.floor(Math.random() * 50) })),
    };
  });
}

/** Makes every statement on `table` take `seconds` longer, so a fault lands while jobs write. */
export async function slowDown(db: Database, table: "scores" | "players", seconds: number): Promise<void> {
  await db.query(`
    CREATE OR REPLACE FUNCTION chaos_slow_${table}() RETURNS trigger AS $$
      BEGIN PERFORM pg_sleep(${seconds}); RETURN NULL; END
    $$ LANGUAGE plpgsql;
    DROP TRIGGER IF EXISTS chaos_slow_${table} ON ${table};
    CREATE TRIGGER chaos_slow_${table} BEFORE INSERT OR UPDATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION chaos_slow_${table}();
  `);
}

export async function removeSlowDown(db: Database, table: "scores" | "players"): Promise<void> {
  await db.query(`DROP TRIGGER IF EXISTS chaos_slow_${table} ON ${table}`);
}

/** Score rows of the given rounds, and how many distinct (player, round) pairs they cover. */
export async function storedScores(db: Database, roundIds: readonly string[]): Promise<{ rows: number; points: number }> {
  const result = await db.query<{ rows: string; points: string | null }>(
    "SELECT count(*) AS rows, sum(score) AS points FROM scores WHERE round_id = ANY($1)",
    [roundIds],
  );
  return { rows: Number(result.rows[0]!.rows), points: Number(result.rows[0]!.points ?? 0) };
}

export function totalRows(rounds: readonly RoundResult[]): { rows: number; points: number } {
  let rows = 0;
  let points = 0;
  for (const round of rounds) {
    rows += round.results.length;
    points += round.results.reduce((sum, player) => sum + player.score, 0);
  }
  return { rows, points };
}

/** Jobs not finished yet in both queues, the sweep's repeating job left out. */
export async function unfinishedJobs(jobs: BullJobs): Promise<number> {
  const states = ["waiting", "active", "delayed", "prioritized"] as const;
  const scores = await jobs.scoresQueue.getJobCounts(...states);
  const profiles = await jobs.profilesQueue.getJobs([...states], 0, 1000);
  return states.reduce((sum, state) => sum + (scores[state] ?? 0), 0) + profiles.filter((job) => job.name !== "sweep").length;
}
