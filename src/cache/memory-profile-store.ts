import type { Database } from "../db/database.ts";
import { selectPlayer, writeProfileIfNewer } from "../db/players.ts";
import type { Logger } from "../logger.ts";
import type { Profile, RoundScoreChange } from "./profile.ts";
import type { ChangeOutcome, FlushOutcome, PlayerRoundScore, ProfileStore } from "./profile-store.ts";
import { applyWithReloads, assertValidScores } from "./batch-changes.ts";
import { SingleFlight } from "./single-flight.ts";

/** Minimum time between two scans that drop expired profiles and round markers, in ms. */
const PRUNE_INTERVAL_MS = 60_000;

export interface MemoryProfileStoreOptions {
  db: Database;
  log: Logger;
  /** Seconds a clean profile stays cached after its last flush or load. */
  cacheTtlSeconds: number;
  /** Seconds a round's finished marker lives, as in the Redis store (there, counted from the job's end). */
  roundMarkerTtlSeconds: number;
  /** Called after every applied change so the write-behind flush gets scheduled. */
  onDirty: (playerId: string) => void;
  /**
   * Called with the new total after every change that leaves it above zero, in the same
   * synchronous step as the change, as the Redis store updates its leaderboard in its script.
   */
  onTotalScore: (playerId: string, totalScore: number) => void;
  /** Returns whether writes of a session epoch are still accepted; see SessionRegistry. */
  acceptsEpoch: (playerId: string, epoch: number) => boolean;
}

/** Orders ids by UTF-16 code units, which matches Redis's byte order for ASCII ids such as UUIDs. */
function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** One cached profile, the counterpart of the Redis store's profile hash. */
interface CachedProfile {
  profile: Profile;
  /** Points of each running round already counted into `totalScore` (the hash's `round:<id>` fields). */
  counted: Map<string, number>;
  /** Epoch ms at which a clean profile leaves the cache. Undefined while dirty, because a dirty profile never expires. */
  expiresAt: number | undefined;
}

/** Players whose final result of one round was counted, the counterpart of the round-finished set. */
interface RoundMarker {
  players: Set<string>;
  expiresAt: number;
}

/**
 * Profile store in this process's memory with the Redis store's semantics: absolute round
 * scores, once-only final results, a dirty marker with the first-dirty time, and a flush
 * guarded by version. Each change runs synchronously, so it is atomic like the Redis script.
 *
 * NOTE: changes not yet flushed exist only in this process, so a crash loses them. A clean
 * shutdown keeps them, because the in-process job runtime flushes every dirty profile on close.
 */
export class MemoryProfileStore implements ProfileStore {
  readonly #options: MemoryProfileStoreOptions;
  readonly #loads = new SingleFlight<string, Profile | undefined>();
  readonly #reads = { hit: 0, miss: 0 };
  readonly #profiles = new Map<string, CachedProfile>();
  /** Dirty profile ids with the epoch ms of their first unflushed change. */
  readonly #dirty = new Map<string, number>();
  readonly #roundMarkers = new Map<string, RoundMarker>();
  #lastPrune = Date.now();

  constructor(options: MemoryProfileStoreOptions) {
    this.#options = options;
  }

  async get(playerId: string): Promise<Profile | undefined> {
    const cached = this.#cached(playerId, Date.now());
    if (cached) {
      this.#reads.hit += 1;
      return { ...cached.profile };
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
    const outcomes: Array<ChangeOutcome | undefined> = changes.map(({ playerId, change }) =>
      change.epoch !== undefined && !this.#options.acceptsEpoch(playerId, change.epoch) ? { status: "fenced" } : undefined,
    );
    const pending = changes.flatMap((_, index) => (outcomes[index] === undefined ? [index] : []));

    // Each pass applies its changes synchronously, so a player's changes keep their order.
    return applyWithReloads(pending, outcomes, {
      playerIdAt: (index) => changes[index]!.playerId,
      apply: (indexes) => {
        const now = Date.now();
        return indexes.map((index) => this.#apply(changes[index]!.playerId, changes[index]!.change, now) ?? "miss");
      },
      load: (playerId) => this.#loads.run(playerId, () => this.#load(playerId)),
      onApplied: (playerId) => this.#options.onDirty(playerId),
    });
  }

  async flush(playerId: string): Promise<FlushOutcome> {
    const cached = this.#cached(playerId, Date.now());
    if (!cached) {
      this.#dirty.delete(playerId);
      return { status: "clean" };
    }
    if (!this.#dirty.has(playerId)) return { status: "clean" };

    // The copy is what reaches the database. Changes made while the write runs mutate the cache only.
    const written = { ...cached.profile };
    const wrote = await writeProfileIfNewer(this.#options.db, written);

    const current = this.#profiles.get(playerId);
    if (current && current.profile.version === written.version) {
      this.#dirty.delete(playerId);
      current.expiresAt = Date.now() + this.#options.cacheTtlSeconds * 1000;
      return { status: "flushed", version: written.version, wrote };
    }
    return { status: "changed-during-flush", version: written.version };
  }

  async findStaleDirty(minAgeMs: number, limit: number): Promise<string[]> {
    const cutoff = Date.now() - minAgeMs;
    const stale = [...this.#dirty].filter(([, since]) => since <= cutoff);
    // Oldest first, and equal times by id, as Redis orders sorted-set members with equal scores.
    stale.sort(([idA, sinceA], [idB, sinceB]) => sinceA - sinceB || compareIds(idA, idB));
    return stale.slice(0, limit).map(([playerId]) => playerId);
  }

  readStats(): { hit: number; miss: number } {
    return { ...this.#reads };
  }

  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    let oldest = Infinity;
    for (const since of this.#dirty.values()) oldest = Math.min(oldest, since);
    return { count: this.#dirty.size, oldestAgeMs: this.#dirty.size === 0 ? 0 : Math.max(0, Date.now() - oldest) };
  }

  async seed(profile: Profile): Promise<void> {
    this.#writeIfAbsent(profile, Date.now());
  }

  /**
   * Applies one change, or returns undefined when the profile is not cached. It mirrors the
   * Redis store's APPLY_ROUND_SCORES script line by line and runs without awaiting.
   */
  #apply(playerId: string, change: RoundScoreChange, now: number): ChangeOutcome | undefined {
    const cached = this.#cached(playerId, now);
    if (!cached) return undefined;
    if (this.#roundFinished(change.roundId, playerId, now)) return { status: "round-already-final" };

    const { profile } = cached;
    const counted = cached.counted.get(change.roundId) ?? 0;
    profile.totalScore += change.score - counted;
    if (change.final) {
      this.#markRoundFinished(change.roundId, playerId, now);
      cached.counted.delete(change.roundId);
      profile.gamesPlayed += 1;
      profile.bestRoundScore = Math.max(profile.bestRoundScore, change.score);
    } else if (change.score === counted) {
      return { status: "applied", profile: { ...profile } };
    } else {
      cached.counted.set(change.roundId, change.score);
    }

    profile.updatedAt = now;
    profile.version += 1;
    cached.expiresAt = undefined;
    if (!this.#dirty.has(playerId)) this.#dirty.set(playerId, now);
    if (profile.totalScore > 0) this.#options.onTotalScore(playerId, profile.totalScore);
    return { status: "applied", profile: { ...profile } };
  }

  /** Returns the cached entry, dropping it first if it expired. */
  #cached(playerId: string, now: number): CachedProfile | undefined {
    const cached = this.#profiles.get(playerId);
    if (cached?.expiresAt !== undefined && cached.expiresAt <= now) {
      this.#profiles.delete(playerId);
      return undefined;
    }
    return cached;
  }

  #roundFinished(roundId: string, playerId: string, now: number): boolean {
    const marker = this.#roundMarkers.get(roundId);
    if (!marker) return false;
    if (marker.expiresAt <= now) {
      this.#roundMarkers.delete(roundId);
      return false;
    }
    return marker.players.has(playerId);
  }

  #markRoundFinished(roundId: string, playerId: string, now: number): void {
    const marker = this.#roundMarkers.get(roundId) ?? { players: new Set<string>(), expiresAt: 0 };
    marker.players.add(playerId);
    // Memory is never evicted, so the marker's life counts from its last final result rather
    // than from the end of the round's job as in Redis.
    marker.expiresAt = now + this.#options.roundMarkerTtlSeconds * 1000;
    this.#roundMarkers.set(roundId, marker);
  }

  async #load(playerId: string): Promise<Profile | undefined> {
    const stored = await selectPlayer(this.#options.db, playerId);
    if (!stored) return undefined;

    // Set-if-absent: a change that reached the cache after our database read is newer than
    // the row, so it must win over the value we loaded.
    const now = Date.now();
    this.#writeIfAbsent(stored, now);
    const cached = this.#cached(playerId, now);
    return cached ? { ...cached.profile } : stored;
  }

  #writeIfAbsent(profile: Profile, now: number): void {
    this.#pruneExpired(now);
    if (this.#cached(profile.id, now)) return;
    this.#profiles.set(profile.id, {
      profile: { ...profile },
      counted: new Map(),
      expiresAt: now + this.#options.cacheTtlSeconds * 1000,
    });
  }

  /** Drops expired clean profiles and round markers, as Redis evicts keys by TTL; runs at most once per PRUNE_INTERVAL_MS. */
  #pruneExpired(now: number): void {
    if (now - this.#lastPrune < PRUNE_INTERVAL_MS) return;
    this.#lastPrune = now;
    for (const [playerId, cached] of this.#profiles) {
      if (cached.expiresAt !== undefined && cached.expiresAt <= now) this.#profiles.delete(playerId);
    }
    for (const [roundId, marker] of this.#roundMarkers) {
      if (marker.expiresAt <= now) this.#roundMarkers.delete(roundId);
    }
    this.#options.log.debug({ profiles: this.#profiles.size, rounds: this.#roundMarkers.size }, "pruned expired profile cache entries");
  }

  // A single process has no other node to recover its rounds, so there is nothing to checkpoint.
  async touchRound(): Promise<void> {}

  async forgetRound(): Promise<void> {}
}
