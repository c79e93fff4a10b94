import type { Profile } from "../cache/profile.ts";
import type { Queryable } from "./database.ts";

interface PlayerRow {
  id: string;
  name: string;
  total_score: string;
  games_played: number;
  best_round_score: number;
  version: string;
  updated_at: Date;
}

function toProfile(row: PlayerRow): Profile {
  return {
    id: row.id,
    name: row.name,
    totalScore: Number(row.total_score),
    gamesPlayed: row.games_played,
    bestRoundScore: row.best_round_score,
    updatedAt: row.updated_at.getTime(),
    version: Number(row.version),
  };
}

const PLAYER_COLUMNS = "id, name, total_score, games_played, best_round_score, version, updated_at";

/** Inserts a new player with an empty record at version 0. */
export async function insertPlayer(db: Queryable, id: string, name: string): Promise<Profile> {
  const result = await db.query<PlayerRow>(
    `INSERT INTO players (id, name) VALUES ($1, $2) RETURNING ${PLAYER_COLUMNS}`,
    [id, name],
  );
  return toProfile(result.rows[0]!);
}

/** Returns the stored profile of a player, or undefined when the id is unknown. */
export async function selectPlayer(db: Queryable, id: string): Promise<Profile | undefined> {
  const result = await db.query<PlayerRow>(`SELECT ${PLAYER_COLUMNS} FROM players WHERE id = $1`, [id]);
  const row = result.rows[0];
  return row ? toProfile(row) : undefined;
}

/**
 * Writes a cached profile to its row unless the row already holds the same or a newer version,
 * so a late or repeated flush never undoes a newer one. Returns true when the row changed.
 */
export async function writeProfileIfNewer(db: Queryable, profile: Profile): Promise<boolean> {
  const result = await db.query(
    `UPDATE players
        SET name = $2, total_score = $3, games_played = $4, best_round_score = $5,
            version = $6, updated_at = to_timestamp($7 / 1000.0)
      WHERE id = $1 AND version < $6`,
    [
      profile.id,
      profile.name,
      profile.totalScore,
      profile.gamesPlayed,
      profile.bestRoundScore,
      profile.version,
      profile.updatedAt,
    ],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Returns the top players by total score from the database, for rebuilding the leaderboard. */
export async function selectTopTotals(
  db: Queryable,
  limit: number,
): Promise<Array<{ id: string; totalScore: number }>> {
  const result = await db.query<{ id: string; total_score: string }>(
    "SELECT id, total_score FROM players WHERE total_score > 0 ORDER BY total_score DESC, id LIMIT $1",
    [limit],
  );
  return result.rows.map((row) => ({ id: row.id, totalScore: Number(row.total_score) }));
}
