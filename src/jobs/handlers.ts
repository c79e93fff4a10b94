import type { ProfileStore } from "../cache/profile-store.ts";
import type { Database } from "../db/database.ts";
import { insertScores } from "../db/scores.ts";
import type { Logger } from "../logger.ts";
import type { FlushRequest, RoundResult } from "./round-result.ts";

/**
 * Job handlers. They know nothing about the queue library, so BullMQ workers and the
 * in-process runner call the same functions. Each is idempotent: running it again after a
 * crash or a retry changes nothing that the first run already changed.
 */
export interface HandlerDeps {
  db: Database;
  profiles: ProfileStore;
  log: Logger;
}

/** Counts of one `persistRound` run, for logs and tests. */
export interface PersistRoundOutcome {
  insertedRows: number;
  profilesUpdated: number;
}

/**
 * Writes a finished round's scores to PostgreSQL (one statement, duplicates skipped) and
 * counts the round into each player's profile (one batch, once per player and round, in the
 * cache, written behind later). Both steps are idempotent, so a crash between them is
 * repaired by the retry. The insert runs first, so a round whose rows cannot be stored (a job
 * that fails for good) is never counted into the profiles.
 */
export async function persistRound(deps: HandlerDeps, result: RoundResult): Promise<PersistRoundOutcome> {
  const insertedRows = await insertScores(
    deps.db,
    result.results.map((player) => ({
      playerId: player.playerId,
      roomId: result.roomId,
      roundId: result.roundId,
      score: player.score,
      finishedAt: result.finishedAt,
    })),
  );

  const outcomes = await deps.profiles.recordRoundScores(
    result.results.map((player) => ({
      playerId: player.playerId,
      change: { roundId: result.roundId, score: player.score, final: true },
    })),
  );
  let profilesUpdated = 0;
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === "applied") profilesUpdated += 1;
    if (outcome.status === "unknown-player") {
      deps.log.warn({ playerId: result.results[index]!.playerId, roundId: result.roundId }, "round result names an unknown player");
    }
  }
  await deps.profiles.forgetRound(result.roundId);
  return { insertedRows, profilesUpdated };
}

/** Writes one cached profile behind to PostgreSQL. */
export async function flushProfile(deps: HandlerDeps, request: FlushRequest) {
  return deps.profiles.flush(request.playerId);
}
