import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Lua scripts of the Redis profile cache. Each runs atomically, so a profile and its dirty
 * marker never disagree: a change is durable once its script returned.
 *
 * NOTE: the scripts touch keys of different players (the dirty set, the leaderboard), so they
 * need a single Redis node or Redis Cluster hash tags that put those keys in one slot.
 */

/**
 * A Lua script called by its SHA1 (EVALSHA), so Redis receives the script's body only when its
 * script cache lacks it: on the first call after a Redis start or SCRIPT FLUSH.
 */
export class RedisScript {
  readonly source: string;
  readonly sha1: string;

  constructor(source: string) {
    this.source = source;
    this.sha1 = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha1, keys.length, ...keys, ...args);
    } catch (error) {
      // NOSCRIPT means the script did not run, so EVAL (which also caches it) runs it once.
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** KEYS: profile. ARGV: ttlSeconds, then field/value pairs. Sets the hash only when absent. */
export const LOAD_IF_ABSENT = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`);

/** Keys that APPLY_ROUND_SCORES takes before the first change's keys. */
export const APPLY_SHARED_KEYS = 3;
/** Keys and arguments that APPLY_ROUND_SCORES takes per change. */
export const APPLY_KEYS_PER_CHANGE = 5;
export const APPLY_ARGS_PER_CHANGE = 7;

/**
 * Applies a batch of round score changes in order, each with the semantics below, and returns
 * one reply per change. The batch runs as one script, so it is atomic as a whole.
 * KEYS: dirty set, leaderboard, round checkpoints set, then per change: profile, round-finished
 *       set of the change's round, session epoch counter, released-epochs set, round checkpoint
 *       hash.
 * ARGV: nowMs, checkpointTtlSeconds, then per change: playerId, roundId, score (absolute points
 *       in the round), final ("1" or "0"), epoch ("" to skip the fencing check), checkpoint meta
 *       JSON ("" for none), checkpoint player JSON.
 * With a separate cache Redis, FENCE_AND_CHECKPOINT does the fencing and checkpoint part on the
 * queue Redis first and this script runs with epoch and checkpoint empty.
 * The hash field "round:<roundId>" stores the points already counted for a running round.
 * Replies per change: {-2} when the epoch is fenced, {-1} when the profile is not cached (nothing
 * of that change was written, checkpoint included), {0} when the round was already finished for
 * this player, {1, name, totalScore, gamesPlayed, bestRoundScore, updatedAt, version} when
 * applied, so the caller needs no second read of the profile.
 */
export const APPLY_ROUND_SCORES = new RedisScript(`
local now = ARGV[1]
local replies = {}
for i = 0, (#KEYS - 3) / 5 - 1 do
  local profile, finished, epochKey, released, checkpoint = KEYS[4 + i * 5], KEYS[5 + i * 5], KEYS[6 + i * 5], KEYS[7 + i * 5], KEYS[8 + i * 5]
  local a = 3 + i * 7
  local playerId, roundId, score, final, epoch, meta, player = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6]
  local reply
  if epoch ~= '' and redis.call('GET', epochKey) ~= epoch and redis.call('SISMEMBER', released, epoch) == 0 then
    reply = {-2}
  elseif redis.call('EXISTS', profile) == 0 then
    reply = {-1}
  elseif redis.call('SISMEMBER', finished, playerId) == 1 then
    reply = {0}
  else
    local field = 'round:' .. roundId
    local counted = tonumber(redis.call('HGET', profile, field) or '0')
    local total = redis.call('HINCRBY', profile, 'totalScore', score - counted)
    if meta ~= '' then
      redis.call('HSET', checkpoint, 'meta', meta, playerId, player)
      redis.call('EXPIRE', checkpoint, tonumber(ARGV[2]))
      redis.call('ZADD', KEYS[3], now, roundId)
    end
    local changed = true
    if final == '1' then
      -- No TTL yet: a cache Redis with a volatile-* policy may evict only keys with one, and this
      -- marker must outlive every retry of the round's job. forgetRound sets the TTL at the end.
      redis.call('SADD', finished, playerId)
      redis.call('HDEL', profile, field)
      redis.call('HINCRBY', profile, 'gamesPlayed', 1)
      local best = tonumber(redis.call('HGET', profile, 'bestRoundScore') or '0')
      if score > best then redis.call('HSET', profile, 'bestRoundScore', score) end
    elseif score == counted then
      changed = false
    else
      redis.call('HSET', profile, field, score)
    end
    if changed then
      redis.call('HSET', profile, 'updatedAt', now)
      redis.call('HINCRBY', profile, 'version', 1)
      redis.call('PERSIST', profile)
      redis.call('ZADD', KEYS[1], 'NX', now, playerId)
      if total > 0 then redis.call('ZADD', KEYS[2], 'GT', total, playerId) end
    end
    local fields = redis.call('HMGET', profile, 'name', 'totalScore', 'gamesPlayed', 'bestRoundScore', 'updatedAt', 'version')
    reply = {1, fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]}
  end
  replies[#replies + 1] = reply
end
return replies
`);

/**
 * KEYS: profile, dirty set. ARGV: playerId, flushedVersion, ttlSeconds.
 * Clears the dirty marker only if no change arrived since the flush read the profile.
 */
export const MARK_CLEAN = new RedisScript(`
local version = redis.call('HGET', KEYS[1], 'version')
if version ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`);

/** Keys that FENCE_AND_CHECKPOINT takes before the first change's keys. */
export const FENCE_SHARED_KEYS = 1;
/** Keys and arguments that FENCE_AND_CHECKPOINT takes per change. */
export const FENCE_KEYS_PER_CHANGE = 3;
export const FENCE_ARGS_PER_CHANGE = 5;

/**
 * The session and checkpoint half of APPLY_ROUND_SCORES for a batch of changes, for a cache on
 * its own Redis: session ownership and checkpoints stay on the queue Redis (noeviction), which a
 * cache Redis that may evict must not hold.
 * KEYS: round checkpoints set, then per change: session epoch counter, released-epochs set,
 *       round checkpoint hash.
 * ARGV: nowMs, checkpointTtlSeconds, then per change: epoch ("" to skip the check), roundId,
 *       checkpoint meta JSON ("" for none), playerId, checkpoint player JSON.
 * Returns one integer per change: -2 when its epoch is fenced (its checkpoint is not written), 1
 * otherwise.
 */
export const FENCE_AND_CHECKPOINT = new RedisScript(`
local replies = {}
for i = 0, (#KEYS - 1) / 3 - 1 do
  local epochKey, released, checkpoint = KEYS[2 + i * 3], KEYS[3 + i * 3], KEYS[4 + i * 3]
  local a = 3 + i * 5
  local epoch, roundId, meta, playerId, player = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  if epoch ~= '' and redis.call('GET', epochKey) ~= epoch and redis.call('SISMEMBER', released, epoch) == 0 then
    replies[#replies + 1] = -2
  else
    if meta ~= '' then
      redis.call('HSET', checkpoint, 'meta', meta, playerId, player)
      redis.call('EXPIRE', checkpoint, tonumber(ARGV[2]))
      redis.call('ZADD', KEYS[1], ARGV[1], roundId)
    end
    replies[#replies + 1] = 1
  end
end
return replies
`);
