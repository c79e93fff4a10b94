/** One row of the leaderboard as the HTTP API returns it. */
export interface LeaderboardEntry {
  rank: number;
  playerId: string;
  name: string;
  totalScore: number;
}

/** Players ranked by total score. */
export interface Leaderboard {
  /** Returns the best `limit` players, highest total first. */
  top(limit: number): Promise<LeaderboardEntry[]>;
}

/** Largest `limit` the leaderboard API accepts. */
export const LEADERBOARD_MAX_LIMIT = 100;
