import type { Redis } from "ioredis";
import type { Database } from "../db/database.ts";
import { selectPlayer, writeProfileIfNewer } from "../db/players.ts";
import type { Logger } from "../logger.ts";
import type { RedisKeys } from "../redis/keys.ts";
import type { Profile, RoundScoreChange } from "./profile.ts";
import type { ChangeOutcome, FlushOutcome, PlayerRoundScore, ProfileStore } from "./profile-store.ts";
import { APPLY_ROUND_SCORES, FENCE_AND_CHECKPOINT, LOAD_IF_ABSENT, MARK_CLEAN } from "./redis-scripts.ts";
import { applyWithReloads, assertValidScores } from "./batch-changes.ts";
import { SingleFlight } from "./single-flight.ts";

/**
 * Clean-up lifetime of a round checkpoint. A finished round deletes its checkpoint, and the
 * sweep recovers a stale one long before this; the TTL only bounds what a bug could leave.
 */
const CHECKPOINT_TTL_SECONDS = 14 * 24 * 3600;

/**
 * Changes per APPLY_ROUND_SCORES call. Redis runs nothing else while a script runs, so a longer
 * batch is split. A round (at most 256 players) or a live sync takes one or two calls.
 */
const MAX_CHANGES_PER_SCRIPT = 128;

/** A change with the script arguments derived from it. */
interface PreparedChange extends PlayerRoundScore {
  /** Fencing epoch as a script argument; "" skips the check. */
  epoch: string;
  /** Checkpoint meta JSON; "" for a change without a checkpoint. */
  meta: string;
  /** Checkpoint JSON of this player's entry. */
  player: string;
}

function prepareChange({ playerId, change }: PlayerRoundScore): PreparedChange {
  // Final results are never checkpointed: the round's score job carries them.
  const checkpoint = change.checkpoint && !change.final ? change.checkpoint : undefined;
  return {
    playerId,
    change,
    epoch: change.epoch === undefined ? "" : String(change.epoch),
    meta: checkpoint ? JSON.stringify({ roomId: checkpoint.roomId, round: checkpoint.round, nodeId: checkpoint.nodeId }) : "",
    player: checkpoint ? JSON.stringify({ name: checkpoint.name, score: change.score, epoch: change.epoch ?? 0 }) : "",
  };
}

/** Converts one APPLY_ROUND_SCORES reply into an outcome; "miss" when the profile was not cached. */
function parseApplyReply(reply: unknown, playerId: string): ChangeOutcome | "miss" {
  if (!Array.isArray(reply)) throw new Error(`APPLY_ROUND_SCORES returned ${describeReply(reply)} for player ${playerId}`);
  const [code, name, totalScore, gamesPlayed, bestRoundScore, updatedAt, version] = reply as unknown[];
  switch (code) {
    case 1:
      return {
        status: "applied",
        profile: {
          id: playerId,
          name: typeof name === "string" ? name : "",
          totalScore: Number(totalScore ?? 0),
          gamesPlayed: Number(gamesPlayed ?? 0),
          bestRoundScore: Number(bestRoundScore ?? 0),
          updatedAt: Number(updatedAt ?? 0),
          version: Number(version ?? 0),
        },
      };
    case 0:
      return { status: "round-already-final" };
    case -1:
      return "miss";
    case -2:
      return { status: "fenced" };
    default:
      throw new Error(`APPLY_ROUND_SCORES returned ${describeReply(reply)} for player ${playerId}`);
  }
}

function describeReply(reply: unknown): string {
  return JSON.stringify(reply) ?? String(reply);
}

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
  /**
   * Seconds a round's finished marker stays after the round's score job is done. Within this
   * time the same round queued again (a lost reply, a recovered checkpoint) is not counted twice.
   */
  roundMarkerTtlSeconds: number;
  /** Called after every applied change so the write-behind flush gets scheduled. */
  onDirty: (playerId: string) => void;
}

/**
 * Profile store on Redis hashes with write-behind to PostgreSQL. A batch of up to
 * MAX_CHANGES_PER_SCRIPT changes whose profiles are all cached takes one round trip to Redis.
 * With a separate cache Redis, changes with an epoch or a checkpoint take one more, to the queue
 * Redis, before it.
 */
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
    const [outcome] = await this.recordRoundScores([{ playerId, change }]);
    return outcome!;
  }

  async recordRoundScores(changes: readonly PlayerRoundScore[]): Promise<ChangeOutcome[]> {
    assertValidScores(changes);
    const outcomes: ChangeOutcome[] = [];
    // One chunk finishes, retries included, before the next starts, so the changes of a player
    // listed twice still apply in the order given.
    for (let start = 0; start < changes.length; start += MAX_CHANGES_PER_SCRIPT) {
      outcomes.push(...(await this.#recordChunk(changes.slice(start, start + MAX_CHANGES_PER_SCRIPT))));
    }
    return outcomes;
  }

  async #recordChunk(changes: readonly PlayerRoundScore[]): Promise<ChangeOutcome[]> {
    const now = String(Date.now());
    const prepared = changes.map(prepareChange);
    const outcomes: Array<ChangeOutcome | undefined> = Array.from({ length: changes.length });
    let pending = prepared.map((_, index) => index);

    if (this.#separate) {
      const fenced = await this.#fenceAndCheckpoint(prepared, now);
      for (const index of fenced) outcomes[index] = { status: "fenced" };
      pending = pending.filter((index) => outcomes[index] === undefined);
    }

    return applyWithReloads(pending, outcomes, {
      playerIdAt: (index) => prepared[index]!.playerId,
      apply: (indexes) => this.#apply(indexes.map((index) => prepared[index]!), now),
      load: (playerId) => this.#loads.run(playerId, () => this.#load(playerId)),
      onApplied: (playerId) => this.#options.onDirty(playerId),
    });
  }

  /** Runs APPLY_ROUND_SCORES for `changes` and returns each change's outcome, or "miss" when its profile is not cached. */
  async #apply(changes: readonly PreparedChange[], now: string): Promise<Array<ChangeOutcome | "miss">> {
    const { redis, keys } = this.#options;
    // With a separate cache Redis the fencing check and checkpoint already ran on the queue Redis.
    const inline = !this.#separate;
    const keyList = [keys.dirtyProfiles, keys.leaderboard, keys.roundCheckpoints];
    const args = [now, String(CHECKPOINT_TTL_SECONDS)];
    for (const { playerId, change, epoch, meta, player } of changes) {
      keyList.push(
        keys.profile(playerId),
        keys.roundFinished(change.roundId),
        keys.sessionEpoch(playerId),
        keys.sessionReleased(playerId),
        keys.roundCheckpoint(change.roundId),
      );
      args.push(playerId, change.roundId, String(change.score), change.final ? "1" : "0", inline ? epoch : "", inline ? meta : "", inline ? player : "");
    }
    const replies = await APPLY_ROUND_SCORES.run(redis, keyList, args);
    if (!Array.isArray(replies) || replies.length !== changes.length) {
      throw new Error(`APPLY_ROUND_SCORES returned ${describeReply(replies)} for ${changes.length} changes`);
    }
    return replies.map((reply: unknown, position) => parseApplyReply(reply, changes[position]!.playerId));
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
    const cleaned = await MARK_CLEAN.run(
      redis,
      [keys.profile(playerId), keys.dirtyProfiles],
      [playerId, String(profile.version), String(cacheTtlSeconds)],
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
    const { redis, keys, roundMarkerTtlSeconds } = this.#options;
    // The job is done, so its retries are over: from now on the marker may expire (and, on a
    // volatile-* cache Redis, be evicted).
    if (!this.#separate) {
      await redis.multi().del(keys.roundCheckpoint(roundId)).zrem(keys.roundCheckpoints, roundId).expire(keys.roundFinished(roundId), roundMarkerTtlSeconds).exec();
      return;
    }
    await this.#durable.multi().del(keys.roundCheckpoint(roundId)).zrem(keys.roundCheckpoints, roundId).exec();
    await redis.expire(keys.roundFinished(roundId), roundMarkerTtlSeconds);
  }

  /**
   * Runs the fencing check and the checkpoint of each change that needs either on the queue
   * Redis, and returns the indexes of the fenced changes.
   */
  async #fenceAndCheckpoint(prepared: readonly PreparedChange[], now: string): Promise<number[]> {
    const { keys } = this.#options;
    const needed = prepared.flatMap((entry, index) => (entry.epoch === "" && entry.meta === "" ? [] : [index]));
    if (needed.length === 0) return [];

    const keyList = [keys.roundCheckpoints];
    const args = [now, String(CHECKPOINT_TTL_SECONDS)];
    for (const index of needed) {
      const { playerId, change, epoch, meta, player } = prepared[index]!;
      keyList.push(keys.sessionEpoch(playerId), keys.sessionReleased(playerId), keys.roundCheckpoint(change.roundId));
      args.push(epoch, change.roundId, meta, playerId, player);
    }
    const replies = await FENCE_AND_CHECKPOINT.run(this.#durable, keyList, args);
    if (!Array.isArray(replies) || replies.length !== needed.length) {
      throw new Error(`FENCE_AND_CHECKPOINT returned ${describeReply(replies)} for ${needed.length} changes`);
    }
    return needed.filter((_, position) => Number(replies[position]) === -2);
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
    await LOAD_IF_ABSENT.run(redis, [keys.profile(profile.id)], [
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
    ]);
  }
}
