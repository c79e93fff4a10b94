import type { Profile, RoundScoreChange } from "./profile.ts";

/** Outcome of one round score change (`ProfileStore.recordRoundScore`, or one entry of `recordRoundScores`). */
export type ChangeOutcome =
  | { status: "applied"; profile: Profile }
  /** The round was already finished for this player; nothing changed. */
  | { status: "round-already-final" }
  /** No player with that id exists in the cache or the database. */
  | { status: "unknown-player" }
  /** The change carried the epoch of a session that another session took over; nothing changed. */
  | { status: "fenced" };

/** One player's change in a `ProfileStore.recordRoundScores` batch. */
export interface PlayerRoundScore {
  playerId: string;
  change: RoundScoreChange;
}

/** Outcome of one `ProfileStore.flush` call. */
export type FlushOutcome =
  /** The database row now contains the cached version and the profile is clean. */
  | { status: "flushed"; version: number; wrote: boolean }
  /** The row was written but the profile changed meanwhile and stays dirty for the next flush. */
  | { status: "changed-during-flush"; version: number }
  /** Nothing was dirty. */
  | { status: "clean" };

/**
 * The profile cache: reads come from the cache and are loaded from the database on a miss;
 * changes land in the cache together with a dirty marker and reach the database through
 * `flush`, which the write-behind job calls. The cache is the truth for dirty profiles.
 */
export interface ProfileStore {
  /** Returns the profile, loading it from the database on a miss; concurrent misses load once. */
  get(playerId: string): Promise<Profile | undefined>;

  /** Records a round score in the cache and marks the profile dirty in the same atomic step. */
  recordRoundScore(playerId: string, change: RoundScoreChange): Promise<ChangeOutcome>;

  /**
   * Records several round scores with the semantics of `recordRoundScore`, in the order given,
   * and returns one outcome per change in that order. Each change is atomic with its dirty
   * marker, but the batch as a whole is not: after a failure some of its changes may be applied.
   * A retry of the batch is still safe, because changes carry absolute scores and finals count
   * once. Profiles
   * not cached are loaded from the database once each, and only their changes are applied again.
   * Throws RangeError, before changing anything, when any score is not a non-negative integer.
   */
  recordRoundScores(changes: readonly PlayerRoundScore[]): Promise<ChangeOutcome[]>;

  /** Writes the cached profile to the database if dirty, guarded by version. */
  flush(playerId: string): Promise<FlushOutcome>;

  /** Returns the ids of profiles dirty for longer than `minAgeMs`, oldest first, at most `limit`. */
  findStaleDirty(minAgeMs: number, limit: number): Promise<string[]>;

  /** Reads served from the cache (hit) and loaded from the database (miss) since start. */
  readStats(): { hit: number; miss: number };

  /** Number of dirty profiles and the age in ms of the oldest one (0 when none). */
  backlog(): Promise<{ count: number; oldestAgeMs: number }>;

  /** Puts a freshly created profile into the cache. */
  seed(profile: Profile): Promise<void>;

  /** Marks a running round's checkpoint as alive, so recovery leaves it alone. */
  touchRound(roundId: string): Promise<void>;

  /** Deletes a round's checkpoint once its result is stored. */
  forgetRound(roundId: string): Promise<void>;
}
