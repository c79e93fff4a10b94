import type { Redis } from "ioredis";
import type { Database } from "../db/database.ts";
import { selectPlayer, writeProfileIfNewer } from "../db/players.ts";
import type { Logger } from "../logger.ts";
import type { RedisKeys } from "../redis/keys.ts";
import type { Profile, RoundScoreChange } from "./profile.ts";
import type { ChangeOutcome, FlushOutcome, ProfileStore } from "./profile-store.ts";
import { APPLY_ROUND_SCORE, FENCE_AND_CHECKPOINT, LOAD_IF_ABSENT, MARK_CLEAN } from "./redis-scripts.ts";
import { SingleFlight } from "./single-flight.ts";

/**
 * How long round checkpoints live, and round-finished markers once their round's job is done;
 * a round's job is never retried later than this.
 */
const ROUND_FINISHED_TTL_SECONDS = 14 * 24 * 3600;

export interface RedisProfileStoreOptions {
  /** Redis of the profiles, the dirty set, the leaderboard and the round-finished markers. */
  redis: Redis;
  /**
   * Redis of session epochs and round checkpoints, which must never be evicted; `redis` when
   * omitted. A different connection means the cache has its own Redis (CACHE_REDIS_URL).
   */
  durable?: Redis;
  keys: RedisKeys;
  db: Database;
  log: Logger;
  /** Seconds a clean profile stays cached after its last flush or load. */
  cacheTtlSeconds: number;
  /** Called after every applied change so the write-behind flush gets scheduled. */
  onDirty: (playerId: string) => void;
}

/** Profile store on Redis hashes with write-behind to PostgreSQL. */
export class RedisProfileStore implements ProfileStore {
  readonly #options: RedisProfileStoreOptions;
  readonly #loads = new SingleFlight<string, Profile | undefined>();
  readonly #reads = { hit: 0, miss: 0 };

  constructor(options: RedisProfileStoreOptions) {
    this.#options = options;
  }

  get #durable(): Redis {
    return this.#options.durable ?? this.#options.redis;
  }

  get #separate(): boolean {
    return this.#durable !== this.#options.redis;
  }

  async get(playerId: string): Promise<Profile | undefined> {
    const cached = await this.#read(playerId);
    if (cached) {
      this.#reads.hit += 1;
      return cached;
    }
    this.#reads.miss += 1;
    return this.#loads.run(playerId, () => this.#load(playerId));
  }

  async recordRoundScore(playerId: string, change: RoundScoreChange): Promise<ChangeOutcome> {
    if (!Number.isInteger(change.score) || change.score < 0) {
      throw new RangeError(`round score of player ${playerId} must be a non-negative integer, got ${change.score}`);
    }
    const { redis, keys } = this.#options;
    const keyList = [
      keys.profile(playerId),
      keys.dirtyProfiles,
      keys.leaderboard,
      keys.roundFinished(change.roundId),
      keys.sessionEpoch(playerId),
      keys.sessionReleased(playerId),
      keys.roundCheckpoint(change.roundId),
      keys.roundCheckpoints,
    ];
    const checkpoint = change.checkpoint && !change.final ? change.checkpoint : undefined;
    const now = String(Date.now());
    const epoch = change.epoch === undefined ? "" : String(change.epoch);
    const meta = checkpoint ? JSON.stringify({ roomId: checkpoint.roomId, round: checkpoint.round, nodeId: checkpoint.nodeId }) : "";
    const player = checkpoint ? JSON.stringify({ name: checkpoint.name, score: change.score, epoch: change.epoch ?? 0 }) : "";
    if (this.#separate && (await this.#fenceAndCheckpoint(playerId, change.roundId, now, epoch, meta, player)) === -2) {
      return { status: "fenced" };
    }
    // With a separate cache Redis the fencing check and checkpoint already ran on the queue Redis.
    const inline = !this.#separate;
    const args = [
      playerId,
      now,
      change.roundId,
      String(change.score),
      change.final ? "1" : "0",
      String(ROUND_FINISHED_TTL_SECONDS),
      inline ? epoch : "",
      inline ? meta : "",
      inline ? player : "",
    ];

    // A miss loads the profile from the database and tries again; the loop allows for a
    // profile evicted between the load and the retry.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const result = (await redis.eval(APPLY_ROUND_SCORE, keyList.length, ...keyList, ...args)) as number[];
      if (result[0] === 1) {
        this.#options.onDirty(playerId);
        const profile = await this.#read(playerId);
        return { status: "applied", profile: profile! };
      }
      if (result[0] === 0) return { status: "round-already-final" };
      if (result[0] === -2) return { status: "fenced" };

      const loaded = await this.#loads.run(playerId, () => this.#load(playerId));
      if (!loaded) return { status: "unknown-player" };
    }
    throw new Error(`profile ${playerId} left the cache three times while recording a round score`);
  }

  async flush(playerId: string): Promise<FlushOutcome> {
    const { redis, keys, db, cacheTtlSeconds } = this.#options;
    const profile = await this.#read(playerId);
    if (!profile) {
      await redis.zrem(keys.dirtyProfiles, playerId);
      return { status: "clean" };
    }
    const dirty = await redis.zscore(keys.dirtyProfiles, playerId);
    if (dirty === null) return { status: "clean" };

    const wrote = await writeProfileIfNewer(db, profile);
    const cleaned = await redis.eval(
      MARK_CLEAN,
      2,
      keys.profile(playerId),
      keys.dirtyProfiles,
      playerId,
      String(profile.version),
      String(cacheTtlSeconds),
    );
    if (cleaned === 1) return { status: "flushed", version: profile.version, wrote };
    return { status: "changed-during-flush", version: profile.version };
  }

  async findStaleDirty(minAgeMs: number, limit: number): Promise<string[]> {
    const { redis, keys } = this.#options;
    return redis.zrangebyscore(keys.dirtyProfiles, "-inf", Date.now() - minAgeMs, "LIMIT", 0, limit);
  }

  readStats(): { hit: number; miss: number } {
    return { ...this.#reads };
  }

  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    const { redis, keys } = this.#options;
    const [count, oldest] = await Promise.all([
      redis.zcard(keys.dirtyProfiles),
      redis.zrange(keys.dirtyProfiles, 0, 0, "WITHSCORES"),
    ]);
    const oldestAt = oldest[1] === undefined ? undefined : Number(oldest[1]);
    return { count, oldestAgeMs: oldestAt === undefined ? 0 : Math.max(0, Date.now() - oldestAt) };
  }

  async seed(profile: Profile): Promise<void> {
    await this.#writeIfAbsent(profile);
  }

  async touchRound(roundId: string): Promise<void> {
    await this.#durable.zadd(this.#options.keys.roundCheckpoints, "XX", Date.now(), roundId);
  }

  async forgetRound(roundId: string): Promise<void> {
    const { redis, keys } = this.#options;
    await this.#durable.multi().del(keys.roundCheckpoint(roundId)).zrem(keys.roundCheckpoints, roundId).exec();
    // The job is done, so its retries are over: from now on the marker may expire (and, on a
    // volatile-* cache Redis, be evicted).
    await redis.expire(keys.roundFinished(roundId), ROUND_FINISHED_TTL_SECONDS);
  }

  /** Fencing check and checkpoint on the queue Redis; returns -2 when the epoch is fenced. */
  async #fenceAndCheckpoint(playerId: string, roundId: string, now: string, epoch: string, meta: string, player: string): Promise<number> {
    const { keys } = this.#options;
    const reply = await this.#durable.eval(
      FENCE_AND_CHECKPOINT,
      4,
      keys.sessionEpoch(playerId),
      keys.sessionReleased(playerId),
      keys.roundCheckpoint(roundId),
      keys.roundCheckpoints,
      epoch,
      now,
      roundId,
      String(ROUND_FINISHED_TTL_SECONDS),
      meta,
      playerId,
      player,
    );
    return Number(reply);
  }

  async #read(playerId: string): Promise<Profile | undefined> {
    const hash = await this.#options.redis.hgetall(this.#options.keys.profile(playerId));
    if (!hash.id) return undefined;
    return {
      id: hash.id,
      name: hash.name ?? "",
      totalScore: Number(hash.totalScore ?? 0),
      gamesPlayed: Number(hash.gamesPlayed ?? 0),
      bestRoundScore: Number(hash.bestRoundScore ?? 0),
      updatedAt: Number(hash.updatedAt ?? 0),
      version: Number(hash.version ?? 0),
    };
  }

  async #load(playerId: string): Promise<Profile | undefined> {
    const stored = await selectPlayer(this.#options.db, playerId);
    if (!stored) return undefined;

    // Set-if-absent: a change that reached the cache after our database read is newer than
    // the row, so it must win over the value we loaded.
    await this.#writeIfAbsent(stored);
    return (await this.#read(playerId)) ?? stored;
  }

  async #writeIfAbsent(profile: Profile): Promise<void> {
    const { redis, keys, cacheTtlSeconds } = this.#options;
    await redis.eval(
      LOAD_IF_ABSENT,
      1,
      keys.profile(profile.id),
      String(cacheTtlSeconds),
      "id",
      profile.id,
      "name",
      profile.name,
      "totalScore",
      String(profile.totalScore),
      "gamesPlayed",
      String(profile.gamesPlayed),
      "bestRoundScore",
      String(profile.bestRoundScore),
      "updatedAt",
      String(profile.updatedAt),
      "version",
      String(profile.version),
    );
  }
}
