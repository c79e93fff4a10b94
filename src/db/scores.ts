import type { Queryable } from "./database.ts";

/** One player's result of one finished round. */
export interface ScoreRow {
  playerId: string;
  roomId: string;
  roundId: string;
  score: number;
  finishedAt: number;
}

/**
 * Inserts a round's scores in one statement. Rows that already exist (same player, room and
 * round) are skipped, so running the same job twice leaves one row each. Returns how many rows
 * were new.
 */
export async function insertScores(db: Queryable, rows: readonly ScoreRow[]): Promise<number> {
  if (rows.length === 0) return 0;

  const result = await db.query(
    `INSERT INTO scores (player_id, room_id, round_id, score, finished_at)
     SELECT player_id, room_id, round_id, score, to_timestamp(finished_at / 1000.0)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::float8[])
            AS input(player_id, room_id, round_id, score, finished_at)
     ON CONFLICT (player_id, room_id, round_id) DO NOTHING`,
    [
      rows.map((row) => row.playerId),
      rows.map((row) => row.roomId),
      rows.map((row) => row.roundId),
      rows.map((row) => row.score),
      rows.map((row) => row.finishedAt),
    ],
  );
  return result.rowCount ?? 0;
}
