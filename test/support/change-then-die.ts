/**
 * Child process of the write-behind crash test: records one round score in the Redis profile
 * cache, reports it on stdout, then waits to be killed. It never queues the flush job, as a
 * process that dies right after its Redis write would not have.
 *
 * Arguments: redisUrl, redisPrefix, databaseUrl, playerId, roundId, score.
 */
import { RedisProfileStore } from "../../src/cache/redis-profile-store.ts";
import { openPostgres } from "../../src/db/database.ts";
import { createLogger } from "../../src/logger.ts";
import { openRedis } from "../../src/redis/connection.ts";
import { createRedisKeys } from "../../src/redis/keys.ts";

const [redisUrl, prefix, databaseUrl, playerId, roundId, score] = process.argv.slice(2);
if (!redisUrl || !prefix || !databaseUrl || !playerId || !roundId || !score) {
  console.error("usage: change-then-die.ts redisUrl prefix databaseUrl playerId roundId score");
  process.exit(2);
}

const log = createLogger("silent", "change-then-die");
const store = new RedisProfileStore({
  redis: openRedis(redisUrl, "command", "change-then-die", log),
  keys: createRedisKeys(prefix),
  db: openPostgres(databaseUrl, log),
  log,
  cacheTtlSeconds: 3600, roundMarkerTtlSeconds: 86_400,
  onDirty: () => undefined,
});
const outcome = await store.recordRoundScore(playerId, { roundId, score: Number(score), final: false });
process.stdout.write(`${outcome.status}\n`);
setInterval(() => undefined, 60_000);
