import type { Redis } from "ioredis";
import type { RedisKeys } from "../redis/keys.ts";
import {
  OWNERSHIP_TTL_MS,
  RELEASED_EPOCH_TTL_SECONDS,
  type ClaimResult,
  type EpochStamp,
  type SessionOwner,
  type SessionRegistry,
} from "./session-registry.ts";

/**
 * KEYS: owner hash, epoch counter. ARGV: nodeId, roomId, sessionId, ttlMs.
 * Returns {epoch, replacedNode, replacedRoom, replacedSession, replacedEpoch} ("" when none).
 */
const CLAIM = `
local previous = redis.call('HMGET', KEYS[1], 'nodeId', 'roomId', 'sessionId', 'epoch')
local epoch = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'nodeId', ARGV[1], 'roomId', ARGV[2], 'sessionId', ARGV[3], 'epoch', epoch)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if previous[3] and previous[3] ~= ARGV[3] then
  return {epoch, previous[1], previous[2], previous[3], previous[4]}
end
return {epoch, '', '', '', ''}
`;

/** KEYS: owner hash, released set. ARGV: sessionId, epoch, releasedTtlSeconds. */
const RELEASE = `
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
if redis.call('HGET', KEYS[1], 'sessionId') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/** KEYS: owner hash. ARGV: sessionId, ttlMs. Returns 1 when still the owner. */
const RENEW = `
if redis.call('HGET', KEYS[1], 'sessionId') ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

/** KEYS: epoch counter, released set. ARGV: epoch. Returns 1 when a write of that epoch is accepted. */
const ACCEPTS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return redis.call('SISMEMBER', KEYS[2], ARGV[1])
`;

/** Session ownership on Redis; every step is one Lua script, so claims are serialised per player. */
export class RedisSessionRegistry implements SessionRegistry {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async claim(owner: Omit<SessionOwner, "epoch">): Promise<ClaimResult> {
    const reply = (await this.#redis.eval(
      CLAIM,
      2,
      this.#keys.sessionOwner(owner.playerId),
      this.#keys.sessionEpoch(owner.playerId),
      owner.nodeId,
      owner.roomId,
      owner.sessionId,
      String(OWNERSHIP_TTL_MS),
    )) as [number, string, string, string, string];
    const [epoch, nodeId, roomId, sessionId, replacedEpoch] = reply;
    if (sessionId === "") return { epoch };
    return { epoch, replaced: { playerId: owner.playerId, nodeId, roomId, sessionId, epoch: Number(replacedEpoch) } };
  }

  async release(playerId: string, sessionId: string, epoch: number): Promise<void> {
    await this.#redis.eval(
      RELEASE,
      2,
      this.#keys.sessionOwner(playerId),
      this.#keys.sessionReleased(playerId),
      sessionId,
      String(epoch),
      String(RELEASED_EPOCH_TTL_SECONDS),
    );
  }

  async renew(owners: readonly SessionOwner[]): Promise<SessionOwner[]> {
    if (owners.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const owner of owners) {
      pipeline.eval(RENEW, 1, this.#keys.sessionOwner(owner.playerId), owner.sessionId, String(OWNERSHIP_TTL_MS));
    }
    const replies = (await pipeline.exec()) ?? [];
    // A reply error (a timeout while Redis is unreachable) shows nothing about ownership. Reporting
    // it as lost would close every player of the node during a short Redis outage.
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    return owners.filter((_, index) => replies[index]?.[1] !== 1);
  }

  async accepts(stamps: readonly EpochStamp[]): Promise<boolean[]> {
    if (stamps.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const stamp of stamps) {
      pipeline.eval(
        ACCEPTS,
        2,
        this.#keys.sessionEpoch(stamp.playerId),
        this.#keys.sessionReleased(stamp.playerId),
        String(stamp.epoch),
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    return stamps.map((_, index) => {
      const [error, value] = replies[index] ?? [new Error("no reply"), 0];
      if (error) throw error;
      return value === 1;
    });
  }

  async close(): Promise<void> {
    // The connection belongs to the caller.
  }
}
