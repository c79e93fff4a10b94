import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { ProfileStore } from "../cache/profile-store.ts";
import type { Database } from "../db/database.ts";
import { selectTopTotals } from "../db/players.ts";
import type { Logger } from "../logger.ts";
import type { RedisKeys } from "../redis/keys.ts";
import type { Leaderboard, LeaderboardEntry } from "./leaderboard.ts";

/** How many players a rebuild copies from PostgreSQL. */
const REBUILD_SIZE = 10_000;

/**
 * Leaderboard on a Redis sorted set. Profile changes raise members with `ZADD GT`, and totals
 * never decrease, so a rebuild from PostgreSQL and concurrent live changes can interleave in
 * any order and the set still ends at the highest value for each player.
 */
export class RedisLeaderboard implements Leaderboard {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #db: Database;
  readonly #profiles: ProfileStore;
  readonly #log: Logger;

  constructor(redis: Redis, keys: RedisKeys, db: Database, profiles: ProfileStore, log: Logger) {
    this.#redis = redis;
    this.#keys = keys;
    this.#db = db;
    this.#profiles = profiles;
    this.#log = log;
  }

  async top(limit: number): Promise<LeaderboardEntry[]> {
    if ((await this.#redis.exists(this.#keys.leaderboardReady)) === 0) {
      await this.rebuild();
    }
    const flat = await this.#redis.zrevrange(this.#keys.leaderboard, 0, limit - 1, "WITHSCORES");

    const ranked: Array<{ playerId: string; totalScore: number }> = [];
    for (let index = 0; index + 1 < flat.length; index += 2) {
      ranked.push({ playerId: flat[index]!, totalScore: Number(flat[index + 1]) });
    }
    // Names come from the profile cache; the reads run together rather than one after another.
    const profiles = await Promise.all(ranked.map((entry) => this.#profiles.get(entry.playerId)));
    return ranked.map((entry, index): LeaderboardEntry => ({
      rank: index + 1,
      playerId: entry.playerId,
      name: profiles[index]?.name ?? "",
      totalScore: entry.totalScore,
    }));
  }

  /**
   * Copies totals from PostgreSQL into the sorted set, then those of profiles still dirty in the
   * cache, which are newer than their rows. One process rebuilds at a time. The others read the
   * set as it is, which may be incomplete while the rebuild runs.
   */
  async rebuild(): Promise<void> {
    const lockToken = randomUUID();
    const locked = await this.#redis.set(this.#keys.leaderboardRebuildLock, lockToken, "PX", 30_000, "NX");
    if (locked === null) return;

    try {
      const started = Date.now();
      const rows = await selectTopTotals(this.#db, REBUILD_SIZE);
      const dirtyIds = await this.#profiles.findStaleDirty(0, REBUILD_SIZE);

      const pipeline = this.#redis.pipeline();
      for (const row of rows) pipeline.zadd(this.#keys.leaderboard, "GT", row.totalScore, row.id);
      for (const playerId of dirtyIds) {
        const profile = await this.#profiles.get(playerId);
        if (profile && profile.totalScore > 0) {
          pipeline.zadd(this.#keys.leaderboard, "GT", profile.totalScore, playerId);
        }
      }
      pipeline.set(this.#keys.leaderboardReady, String(Date.now()));
      await pipeline.exec();
      this.#log.info({ players: rows.length, dirty: dirtyIds.length, ms: Date.now() - started }, "rebuilt leaderboard");
    } finally {
      await this.#redis.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        this.#keys.leaderboardRebuildLock,
        lockToken,
      );
    }
  }
}
