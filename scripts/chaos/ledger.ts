import { Redis } from "ioredis";
import { createRedisKeys } from "../../src/redis/keys.ts";
import type { SeenResult } from "./bot.ts";
import { sqlOnce } from "./postgres-cluster.ts";

/** Rounds the players saw the results of, once per room and round; rounds nobody scored in are kept too. */
export function seenRounds(results: readonly SeenResult[]): SeenResult[] {
  const unique = new Map<string, SeenResult>();
  for (const result of results) {
    if (result.standings.length > 0) unique.set(`${result.roomId}/${result.round}`, result);
  }
  return [...unique.values()];
}

/** Counts of the seen rounds that PostgreSQL stores with exactly the scores the players saw. */
export interface RoundAudit {
  expected: number;
  stored: number;
  lostRounds: number;
  lostPoints: number;
  /** Score rows in PostgreSQL for the audited rooms. */
  rows: number;
}

function signature(standings: ReadonlyArray<{ playerId: string; score: number }>): string {
  return standings.map((entry) => `${entry.playerId}:${entry.score}`).sort().join(",");
}

/**
 * Matches every seen round to a stored round of the same room with the same players and scores.
 * A seen round without such a match is lost; stored rounds nobody saw (a room disposed when its
 * last player left) are not counted either way.
 */
export async function auditRounds(databaseUrl: string, seen: readonly SeenResult[]): Promise<RoundAudit> {
  const roomIds = [...new Set(seen.map((round) => round.roomId))];
  const rows = await sqlOnce<{ room_id: string; round_id: string; player_id: string; score: number }>(
    databaseUrl,
    "SELECT room_id, round_id, player_id, score FROM scores WHERE room_id = ANY($1)",
    [roomIds],
  );
  const storedByRound = new Map<string, Array<{ playerId: string; score: number }>>();
  for (const row of rows) {
    const key = `${row.room_id}/${row.round_id}`;
    const list = storedByRound.get(key) ?? [];
    list.push({ playerId: row.player_id, score: row.score });
    storedByRound.set(key, list);
  }
  const available = new Map<string, number>();
  for (const [key, standings] of storedByRound) {
    const id = `${key.split("/")[0]}|${signature(standings)}`;
    available.set(id, (available.get(id) ?? 0) + 1);
  }
  let lostRounds = 0;
  let lostPoints = 0;
  for (const round of seen) {
    const id = `${round.roomId}|${signature(round.standings)}`;
    const left = available.get(id) ?? 0;
    if (left > 0) {
      available.set(id, left - 1);
      continue;
    }
    lostRounds += 1;
    lostPoints += round.standings.reduce((sum, entry) => sum + entry.score, 0);
  }
  return { expected: seen.length, stored: seen.length - lostRounds, lostRounds, lostPoints, rows: rows.length };
}

/** Profiles whose PostgreSQL row differs from their score rows or their cached copy. */
export interface ProfileAudit {
  players: number;
  /** Players whose row does not equal the sum of their score rows, or the cached profile, or who are still dirty. */
  behind: number;
  details: string[];
}

/**
 * Checks, for each player, that the `players` row has the cached profile's version, that no
 * profile is still dirty and (unless `againstScores` is false, for live changes outside any
 * stored round) that its total and games equal the player's rows in `scores`. A profile change that never reached PostgreSQL shows up here.
 */
export async function auditProfiles(
  databaseUrl: string,
  redisUrl: string,
  prefix: string,
  playerIds: readonly string[],
  options: { againstScores: boolean } = { againstScores: true },
): Promise<ProfileAudit> {
  const keys = createRedisKeys(prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const rows = await sqlOnce<{ id: string; total_score: string; games_played: number; version: string; sum: string | null; games: string }>(
      databaseUrl,
      `SELECT p.id, p.total_score, p.games_played, p.version,
              (SELECT sum(score) FROM scores s WHERE s.player_id = p.id) AS sum,
              (SELECT count(*) FROM scores s WHERE s.player_id = p.id) AS games
         FROM players p WHERE p.id = ANY($1)`,
      [playerIds],
    );
    const details: string[] = [];
    for (const row of rows) {
      const cached = await redis.hgetall(keys.profile(row.id));
      const dirty = (await redis.zscore(keys.dirtyProfiles, row.id)) !== null;
      const sum = Number(row.sum ?? 0);
      const problems = [
        options.againstScores && Number(row.total_score) !== sum && `row total ${row.total_score} != scores ${sum}`,
        options.againstScores && row.games_played !== Number(row.games) && `row games ${row.games_played} != scores ${row.games}`,
        cached.version !== undefined && cached.version !== row.version && `row version ${row.version} != cache ${cached.version}`,
        dirty && "still dirty",
      ].filter(Boolean);
      if (problems.length > 0) details.push(`${row.id.slice(0, 8)}: ${problems.join("; ")}`);
    }
    return { players: rows.length, behind: details.length, details };
  } finally {
    redis.disconnect();
  }
}
