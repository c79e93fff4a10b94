import type { ProfileStore } from "../cache/profile-store.ts";
import type { Database } from "../db/database.ts";
import { selectTopTotals } from "../db/players.ts";
import type { Logger } from "../logger.ts";
import type { Leaderboard, LeaderboardEntry } from "./leaderboard.ts";

/** Maximum number of players a rebuild copies from the database, as for the Redis leaderboard. */
const REBUILD_SIZE = 10_000;

/** Orders ids by UTF-16 code units, which matches Redis's byte order for ASCII ids such as UUIDs. */
function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/**
 * Leaderboard in this process's memory, for the embedded mode. The memory profile store
 * raises a player's total in the same step as each change, and totals never decrease. So a
 * rebuild from the database and live changes may interleave in any order, and the board still
 * ends at the highest value for each player.
 */
export class MemoryLeaderboard implements Leaderboard {
  readonly #db: Database;
  readonly #profiles: ProfileStore;
  readonly #log: Logger;
  readonly #totals = new Map<string, number>();
  /** Sorted copy of `#totals`, rebuilt on the first read after a change. */
  #ranking: Array<[string, number]> | undefined;
  #ready: Promise<void> | undefined;

  constructor(db: Database, profiles: ProfileStore, log: Logger) {
    this.#db = db;
    this.#profiles = profiles;
    this.#log = log;
  }

  /** Sets a player's total unless the board already has a higher one, like Redis's `ZADD GT`. */
  raise(playerId: string, totalScore: number): void {
    const known = this.#totals.get(playerId);
    if (known !== undefined && known >= totalScore) return;
    this.#totals.set(playerId, totalScore);
    this.#ranking = undefined;
  }

  async top(limit: number): Promise<LeaderboardEntry[]> {
    await this.rebuild();
    const entries: LeaderboardEntry[] = [];
    for (const [playerId, totalScore] of this.#rank().slice(0, limit)) {
      const profile = await this.#profiles.get(playerId);
      entries.push({ rank: entries.length + 1, playerId, name: profile?.name ?? "", totalScore });
    }
    return entries;
  }

  /**
   * Copies totals from the database, then from profiles still dirty in the cache (which are
   * newer than their rows). Runs once, and a failed rebuild is tried again on the next call.
   */
  rebuild(): Promise<void> {
    this.#ready ??= this.#copyTotals().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #copyTotals(): Promise<void> {
    const started = Date.now();
    const rows = await selectTopTotals(this.#db, REBUILD_SIZE);
    for (const row of rows) this.raise(row.id, row.totalScore);

    const dirtyIds = await this.#profiles.findStaleDirty(0, REBUILD_SIZE);
    for (const playerId of dirtyIds) {
      const profile = await this.#profiles.get(playerId);
      if (profile && profile.totalScore > 0) this.raise(playerId, profile.totalScore);
    }
    this.#log.info({ players: rows.length, dirty: dirtyIds.length, ms: Date.now() - started }, "rebuilt leaderboard");
  }

  /** Highest total first; equal totals in reverse id order, as Redis's ZREVRANGE returns them. */
  #rank(): Array<[string, number]> {
    this.#ranking ??= [...this.#totals].sort(([idA, totalA], [idB, totalB]) => totalB - totalA || compareIds(idB, idA));
    return this.#ranking;
  }
}
