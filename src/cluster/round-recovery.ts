import type { Redis } from "ioredis";
import { z } from "zod";
import { RoundResultSchema, type RoundResult } from "../jobs/round-result.ts";
import type { Logger } from "../logger.ts";
import type { RedisKeys } from "../redis/keys.ts";

/** A checkpoint not refreshed for this long belongs to a round whose room stopped, in ms. */
export const STALE_CHECKPOINT_MS = 10_000;

const CheckpointMeta = z.object({ roomId: z.string(), round: z.number().int().positive(), nodeId: z.string() });
const CheckpointPlayer = z.object({ name: z.string(), score: z.number().int().min(0), epoch: z.number().int().min(0) });

/**
 * Recovers the unfinished rounds of game nodes that died. A running room checkpoints each
 * player's score in Redis once a second, with its live profile sync, and refreshes the round's
 * entry in the checkpoint set. When a node is killed, its entries go stale. A checkpoint that
 * is stale and whose node no longer listens on its Colyseus process channel is turned into a
 * finished round and queued like any other, so at most one checkpoint interval of points is lost.
 */
export class RoundRecovery {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #log: Logger;

  constructor(redis: Redis, keys: RedisKeys, log: Logger) {
    this.#redis = redis;
    this.#keys = keys;
    this.#log = log;
  }

  /** Queues every orphaned round through `submit` and returns how many it recovered. */
  async recover(submit: (result: RoundResult) => Promise<void>, now = Date.now()): Promise<number> {
    const roundIds = await this.#redis.zrangebyscore(this.#keys.roundCheckpoints, "-inf", now - STALE_CHECKPOINT_MS, "LIMIT", 0, 100);
    let recovered = 0;
    for (const roundId of roundIds) {
      const result = await this.#orphanedRound(roundId, now);
      if (result === "alive") {
        // A running room refreshes its checkpoint every second, so a stale one on a live node
        // is left over from a round that already ended.
        await this.#redis.multi().del(this.#keys.roundCheckpoint(roundId)).zrem(this.#keys.roundCheckpoints, roundId).exec();
        continue;
      }
      if (result) {
        await submit(result);
        recovered += 1;
        this.#log.info({ roundId, roomId: result.roomId, players: result.results.length }, "recovered the unfinished round of a stopped node");
      }
      // The job deletes the checkpoint hash once stored; the set entry goes now so the next
      // sweep does not queue the round again.
      await this.#redis.zrem(this.#keys.roundCheckpoints, roundId);
    }
    return recovered;
  }

  async #orphanedRound(roundId: string, now: number): Promise<RoundResult | "alive" | undefined> {
    const fields = await this.#redis.hgetall(this.#keys.roundCheckpoint(roundId));
    const meta = CheckpointMeta.safeParse(parseJson(fields.meta));
    if (!meta.success) {
      this.#log.warn({ roundId }, "dropped a round checkpoint without valid metadata");
      return undefined;
    }
    const [, subscribers] = (await this.#redis.pubsub("NUMSUB", `p:${meta.data.nodeId}`)) as [string, number];
    if (Number(subscribers) > 0) return "alive";

    const results = Object.entries(fields)
      .filter(([field]) => field !== "meta")
      .flatMap(([playerId, value]) => {
        const player = CheckpointPlayer.safeParse(parseJson(value));
        return player.success ? [{ playerId, ...player.data }] : [];
      });
    const candidate = { roomId: meta.data.roomId, roundId, round: meta.data.round, finishedAt: now, results };
    const parsed = RoundResultSchema.safeParse(candidate);
    if (!parsed.success) {
      this.#log.warn({ roundId, err: parsed.error.message }, "dropped an invalid round checkpoint");
      return undefined;
    }
    return parsed.data;
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
