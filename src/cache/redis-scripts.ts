/**
 * Lua scripts of the Redis profile cache. Each runs atomically, so a profile and its dirty
 * marker never disagree: a change is durable once its script returned.
 *
 * NOTE: the scripts touch keys of different players (the dirty set, the leaderboard), so they
 * need a single Redis node or Redis Cluster hash tags that put those keys in one slot.
 */

/** KEYS: profile. ARGV: ttlSeconds, then field/value pairs. Sets the hash only when absent. */
export const LOAD_IF_ABSENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`;

/**
 * KEYS: profile, dirty set, leaderboard, round-finished set of this round, session epoch
 *       counter, released-epochs set, round checkpoint hash, round checkpoints set.
 * ARGV: playerId, nowMs, roundId, score (absolute points in the round), final ("1" or "0"),
 *       checkpointTtlSeconds, epoch ("" to skip the fencing check), checkpoint meta JSON
 *       ("" for none), checkpoint player JSON.
 * With a separate cache Redis, FENCE_AND_CHECKPOINT does the fencing and checkpoint part on the
 * queue Redis first and this script runs with epoch and checkpoint empty.
 * The hash field "round:<roundId>" stores the points already counted for a running round.
 * Returns {-2} when the epoch is fenced, {-1} when the profile is not cached, {0} when the
 * round was already finished for this player, {1, version} when applied.
 */
export const APPLY_ROUND_SCORE = `
if ARGV[7] ~= '' and redis.call('GET', KEYS[5]) ~= ARGV[7] and redis.call('SISMEMBER', KEYS[6], ARGV[7]) == 0 then
  return {-2}
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
if redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1 then return {0} end
local field = 'round:' .. ARGV[3]
local score = tonumber(ARGV[4])
local counted = tonumber(redis.call('HGET', KEYS[1], field) or '0')
local total = redis.call('HINCRBY', KEYS[1], 'totalScore', score - counted)
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[7], 'meta', ARGV[8], ARGV[1], ARGV[9])
  redis.call('EXPIRE', KEYS[7], tonumber(ARGV[6]))
  redis.call('ZADD', KEYS[8], ARGV[2], ARGV[3])
end
if ARGV[5] == '1' then
  -- No TTL yet: a cache Redis with a volatile-* policy may evict only keys with one, and this
  -- marker must outlive every retry of the round's job. forgetRound sets the TTL at the end.
  redis.call('SADD', KEYS[4], ARGV[1])
  redis.call('HDEL', KEYS[1], field)
  redis.call('HINCRBY', KEYS[1], 'gamesPlayed', 1)
  local best = tonumber(redis.call('HGET', KEYS[1], 'bestRoundScore') or '0')
  if score > best then redis.call('HSET', KEYS[1], 'bestRoundScore', score) end
elseif score == counted then
  return {1, tonumber(redis.call('HGET', KEYS[1], 'version'))}
else
  redis.call('HSET', KEYS[1], field, score)
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[2])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
if total > 0 then redis.call('ZADD', KEYS[3], 'GT', total, ARGV[1]) end
return {1, version}
`;

/**
 * KEYS: profile, dirty set. ARGV: playerId, flushedVersion, ttlSeconds.
 * Clears the dirty marker only if no change arrived since the flush read the profile.
 */
export const MARK_CLEAN = `
local version = redis.call('HGET', KEYS[1], 'version')
if version ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`;

/**
 * The session and checkpoint half of APPLY_ROUND_SCORE, for a cache on its own Redis: session
 * ownership and checkpoints stay on the queue Redis (noeviction), which a cache Redis that may
 * evict must not hold.
 * KEYS: session epoch counter, released-epochs set, round checkpoint hash, round checkpoints set.
 * ARGV: epoch ("" to skip the check), nowMs, roundId, checkpointTtlSeconds, checkpoint meta JSON
 *       ("" for none), playerId, checkpoint player JSON.
 * Returns -2 when the epoch is fenced, 1 otherwise.
 */
export const FENCE_AND_CHECKPOINT = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
  return -2
end
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[3], 'meta', ARGV[5], ARGV[6], ARGV[7])
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[4]))
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
end
return 1
`;
