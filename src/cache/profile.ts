/** A player's profile: the cache holds it, PostgreSQL's `players` table is its system of record. */
export interface Profile {
  id: string;
  name: string;
  /** Sum of the points of every round, counted live while a round runs. */
  totalScore: number;
  /** Number of finished rounds the player took part in. */
  gamesPlayed: number;
  bestRoundScore: number;
  /** Epoch milliseconds of the last change. */
  updatedAt: number;
  /** Increases by one with every change; a database write never replaces a higher version. */
  version: number;
}

/**
 * A player's score in one round. Scores are absolute, not deltas: the cache remembers how many
 * of the round's points it already counted into `totalScore` and adds only the difference, so a
 * repeated or retried change never counts a point twice. A `final` change also counts the game
 * played and the best round score, once per round; later changes for that round are ignored.
 */
export interface RoundScoreChange {
  roundId: string;
  score: number;
  final: boolean;
  /**
   * Fencing epoch of the session that produced the score. When given, the change is rejected
   * unless the session registry still accepts writes of that epoch.
   */
  epoch?: number;
  /**
   * Room and round number of a running round. When given with a non-final change, the store
   * also checkpoints the score, so the round can be recovered if its node dies.
   */
  checkpoint?: { roomId: string; round: number; nodeId: string; name: string };
}
